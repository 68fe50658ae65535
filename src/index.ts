/**
 * simdnet's public API: re-exports only. Everything here runs in Node, browsers and edge runtimes;
 * file I/O lives in "simdnet/node".
 */
export { createEngine, init, defaultEngine, Engine, type EngineOptions, type Ptr, type Kernels, type Variant } from "./wasm/engine.js";
export { enableRelaxedSimd } from "./wasm/relaxed-flag.js";
export { Tensor, type Shape } from "./tensor.js";
export * as ops from "./ops.js";
export { Rng } from "./rng.js";
export { Layer, type Param, type ParamSpec, type LayerSpec, type InitScheme, type Mode, type BufferSpec, type StateBuffer, type RPass, type RPlace } from "./layers/layer.js";
export { Dense } from "./layers/dense.js";
export { Activation, ACTIVATIONS, type ActivationName } from "./layers/activation.js";
export { Softmax } from "./layers/softmax.js";
export { Dropout } from "./layers/dropout.js";
export { Perceptron } from "./perceptron.js";
export { Conv2D, type Conv2DOptions, type Padding, type ConvAlgorithm } from "./layers/conv2d.js";
export { Pool2D, type Pool2DOptions, type PoolKind } from "./layers/pool2d.js";
export { convPool, type ConvPoolOptions } from "./layers/convpool.js";
export { Add } from "./layers/add.js";
export { Concat } from "./layers/concat.js";
export { buildLayers, buildLayer, buildGraph, LAYERS, type LayerBuilder } from "./layers/registry.js";
export { Model, type ModelOptions, type Resident } from "./model.js";
export { Graph, chainNodes, type GraphNode, type GraphSpec } from "./graph.js";
export { Network, type NetworkOptions, type Evaluation } from "./network.js";
export { COSTS, getCost, type Cost, type CostName } from "./loss/costs.js";
export { sgd, Trainer, type SgdOptions, type History, type EpochRecord, type TrainState, type Schedule, type TrainableModel } from "./train/trainer.js";
export { type DataSet, validateDataSet } from "./data/dataset.js";
// optimizers: one interface, one registry (SGD family, adaptive, full-batch CG / L-BFGS, Hessian-free); chapter 3's slowdown toy
export { OPTIMIZERS, BATCH_METHODS, optimizerConfig, optimizerNames, optimizerEntry, optimizerParams, registerOptimizer, unregisterOptimizer, createOptimizer, createBatchMethod, type OptimizerName, type OptimizerSpec } from "./train/registry.js";
export { checkState, type Optimizer, type MiniBatchOptimizer, type FullBatchOptimizer, type OptimizerEntry, type OptimizerContext, type OptimizerParamSpec, type FlatParams, type OptimizerConfig, type OptimizerState, type OptimizerSnapshot } from "./train/optimizer.js";
export { Sgd, AdaptiveOptimizer } from "./train/optimizers.js";
export { Objective, NonlinearCG, LBFGS, wolfeLineSearch, type BatchMethod, type IterationResult } from "./train/fullbatch.js";
export { HessianVector, exactHvpUnsupported, type HvpMethod } from "./train/hessian.js";
export { HessianFree } from "./train/hf.js";
export { slowdownCurves, slowdownChart, SLOWDOWN_COLORS, type SlowdownRun, type SlowdownOptions } from "./train/slowdown.js";
export { serializeModel, deserializeModel, toNetwork2Json, loadNetwork2Json, type ModelHeader } from "./io/model.js";
export { pack, unpack } from "./io/pack.js";
export { writeContainer, readContainer, readContainerHeader, crc32, type ContainerHeader, type ContainerBody, type SavedOptimizer, type TensorEntry } from "./io/container.js";
export { loadEmbeddedMnist, parseEmbedded, type MnistSplit, type EmbeddedMnistOptions } from "./data/mnist.js";
export { parseIdxImages, parseIdxLabels, parseIdxPair, gunzip } from "./data/idx.js";
export { expandWithShifts, rotate } from "./data/expand.js";
export { subset, splitDataSet } from "./data/split.js";
export { head } from "./data/dataset.js";
export { parseArch } from "./layers/arch.js";
export { broadStrategy, gridSearch, randomSearch, type Trial, type TuneSetup, type Space } from "./train/tune.js";
export {
  trainEnsemble, ensemblePredict, evaluateEnsemble, voteCombine, averageCombine, argmaxRows, datasetOutputs,
  type Combine, type EnsembleOptions, type EnsembleEvaluation, type Score,
} from "./train/ensemble.js";
export {
  filterGrid, digitGrid, misclassified, createImage, fillRect, drawText, textWidth,
  type RgbaImage, type Rgb, type Colormap, type FilterGridOptions, type DigitGridOptions, type Misclassified,
} from "./draw/png.js";
export { lineChart, drawLine, seriesColors, PALETTE, type Series, type Panel, type ChartOptions } from "./draw/plot.js";
// recurrent networks (src/rnn/): the layer, the four shapes, character data, save/load as bytes
export { RNN, type RnnActivation, type RnnLayerOptions } from "./rnn/rnn.js";
export { RnnStack } from "./rnn/stack.js";
export { Readout, type ReadoutOutput } from "./rnn/readout.js";
export { SequenceModel, maskFromLengths, type SequenceModelOptions } from "./rnn/model.js";
export { SequenceClassifier, type SequenceClassifierOptions } from "./rnn/classifier.js";
export { LanguageModel, type LanguageModelOptions, type SampleOptions } from "./rnn/lm.js";
export { SequenceGenerator, oneHot, type SequenceGeneratorOptions } from "./rnn/generator.js";
export { Seq2Seq, type Seq2SeqOptions } from "./rnn/seq2seq.js";
export { Vocab, wordSequences, textStream, pairSequences } from "./rnn/text.js";
export { sampleIndex } from "./rnn/sample.js";
export { serializeSequenceModel, deserializeSequenceModel, type SequenceModelHeader } from "./rnn/io.js";
// ONNX import (src/onnx/): load a model exported from PyTorch & co. and run it on the engine's kernels
export { loadOnnx, OnnxModel, DEFAULT_MAX_BYTES, type OnnxTensor, type OnnxInput, type OnnxOptions, type OnnxValueInfo } from "./onnx/model.js";
export { OnnxFormatError } from "./onnx/protobuf.js";
export { SUPPORTED_OPS as ONNX_OPERATORS } from "./onnx/plan.js";
// ONNX export (issue 17): a trained Network or SequenceClassifier as ONNX bytes
export { saveOnnx, LAYER_TO_ONNX, ONNX_IR_VERSION, type OnnxExportOptions } from "./onnx/export.js";
