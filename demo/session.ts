/**
 * The demo's training, without any DOM or worker plumbing: the book's presets, building a network from
 * one, and a {@link Session} that drives the Trainer a few mini-batches at a time (so the worker can
 * answer pause/stop between chunks). test/parity/demo-session.test.ts runs this same code in Node and
 * in Chromium and requires bit-identical weights.
 */
import { Network, Trainer, buildLayers, parseArch, head, misclassified, filterGrid, digitGrid } from "../src/index.js";
import type { ActivationName, CostName, DataSet, Engine, EpochRecord, MnistSplit, RgbaImage } from "../src/index.js";

/** Everything a training run in the demo needs: an architecture string and the book's hyper-parameters. */
export interface TrainConfig {
  /** Sizes "784-30-10" or layer tokens "conv5x5x20:relu-pool2-fc100:relu-softmax10" (src/layers/arch.ts). */
  arch: string;
  /** Hidden activation for sizes and unsuffixed tokens. */
  activation: ActivationName;
  /** Output layer for sizes architectures. */
  output: "sigmoid" | "softmax";
  cost: CostName;
  eta: number;
  lambda: number;
  batchSize: number;
  epochs: number;
  /** How many of the 8,000 embedded training digits to use. */
  trainSize: number;
  seed: number;
}

/** A named preset from the book. */
export interface Preset {
  label: string;
  /** Where in the book it comes from. */
  note: string;
  config: TrainConfig;
}

/**
 * The book's networks, scaled to the 8,000 embedded training digits: network.py (chapter 1),
 * network2.py (chapter 3; λ = 5 for n = 50,000 becomes λ = 0.8 for n = 8,000, the same λ/n) and a
 * small chapter-6 conv net (one conv-pool stage).
 */
export const PRESETS: Record<string, Preset> = {
  network: {
    label: "network.py: [784, 30, 10] sigmoid, quadratic cost",
    note: "chapter 1: η = 3, m = 10",
    config: { arch: "784-30-10", activation: "sigmoid", output: "sigmoid", cost: "quadratic", eta: 3, lambda: 0, batchSize: 10, epochs: 10, trainSize: 8000, seed: 0 },
  },
  network2: {
    label: "network2.py: [784, 30, 10] sigmoid, cross-entropy, L2",
    note: "chapter 3: η = 0.5, λ/n as the book's λ = 5 on 50,000",
    config: { arch: "784-30-10", activation: "sigmoid", output: "sigmoid", cost: "cross-entropy", eta: 0.5, lambda: 0.8, batchSize: 10, epochs: 10, trainSize: 8000, seed: 0 },
  },
  conv: {
    label: "conv net: conv5x5x20 (ReLU) → pool2 → fc100 (ReLU) → softmax10",
    note: "chapter 6: η = 0.03, λ = 0.1, log-likelihood",
    config: { arch: "conv5x5x20:relu-pool2-fc100:relu-softmax10", activation: "relu", output: "softmax", cost: "log-likelihood", eta: 0.03, lambda: 0.1, batchSize: 10, epochs: 3, trainSize: 8000, seed: 0 },
  },
};

/** Builds the network a config describes, for 28×28 digits. */
export function buildNetwork(engine: Engine, c: TrainConfig): Network {
  const specs = parseArch(c.arch, { activation: c.activation, output: c.output, inputSize: 784 });
  const conv = specs.some((s) => s.type === "conv2d" || s.type === "pool2d");
  return new Network(buildLayers(specs, conv ? [1, 28, 28] : [784]), { engine, cost: c.cost, seed: c.seed });
}

/** The first trainSize training digits, shaped for the network (the same bytes as [784] or [1, 28, 28]). */
export function trainingSubset(split: MnistSplit, net: Network, trainSize: number): DataSet {
  const n = Math.max(1, Math.min(Math.floor(trainSize), split.training.n));
  return shaped(head(split.training, n), net);
}

/** A data set reshaped for the network's input (no copy). */
export function shaped(d: DataSet, net: Network): DataSet {
  return { ...d, inputShape: net.layers[0].inShape };
}

/** A point on the training charts: epoch 0 is before any training. */
export interface ChartPoint {
  epoch: number;
  trainingCost: number;
  validationCost: number;
  trainingAccuracy: number;
  validationAccuracy: number;
  /** Examples per second in this epoch (NaN for epoch 0). */
  examplesPerSecond: number;
}

/** FNV-1a over the bytes of the weights: how the parity tests compare runs. */
export function weightsHash(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** One training run, driven a chunk of mini-batches at a time. */
export class Session {
  readonly net: Network;
  readonly trainer: Trainer;
  readonly training: DataSet;
  readonly validation: DataSet;
  readonly test: DataSet;
  /** Epochs done so far, fractional within an epoch. */
  position = 0;
  /** Training examples processed since the start. */
  examplesSeen = 0;

  constructor(
    readonly engine: Engine,
    split: MnistSplit,
    readonly config: TrainConfig,
  ) {
    this.net = buildNetwork(engine, config);
    this.training = trainingSubset(split, this.net, config.trainSize);
    this.validation = shaped(split.validation, this.net);
    this.test = shaped(split.test, this.net);
    this.trainer = new Trainer(this.net, this.training, {
      epochs: config.epochs, batchSize: config.batchSize, eta: config.eta, lambda: config.lambda, seed: config.seed,
      evaluationData: this.validation, monitorEvaluationCost: true, monitorTrainingCost: true, monitorTrainingAccuracy: true,
      onBatch: (p) => {
        this.position = p.epoch + (p.batch + 1) / p.batches;
        this.examplesSeen += p.examples - p.batch * config.batchSize; // this batch's size
      },
    });
  }

  /** The chart point before training: the network as initialized. */
  initialPoint(): ChartPoint {
    const reg = { lambda: this.config.lambda };
    const t = this.net.evaluate(this.training, reg);
    const v = this.net.evaluate(this.validation, reg);
    return { epoch: 0, trainingCost: t.cost, validationCost: v.cost, trainingAccuracy: t.accuracy, validationAccuracy: v.accuracy, examplesPerSecond: NaN };
  }

  /** Runs up to `batches` mini-batches; returns the chart point when an epoch ended in them. */
  step(batches: number): ChartPoint | null {
    const rec = this.trainer.runBatches(batches);
    return rec ? point(rec) : null;
  }

  get done(): boolean {
    return this.trainer.done;
  }

  /** The first layer's weights as an image: conv filters (F, 1, k, k) or dense rows seen as 28×28. */
  filters(): RgbaImage {
    const p = this.net.params.find((q) => q.decay && (q.shape.length === 2 || q.shape.length === 4))!;
    const shape = p.shape.length === 2 ? [Math.min(p.shape[0], 30), p.shape[1]] : p.shape;
    const size = shape.reduce((a, b) => a * b, 1);
    return filterGrid(this.engine.read(p.value, size), shape, { colormap: "diverging", columns: p.shape.length === 2 ? 10 : undefined, scale: p.shape.length === 2 ? 2 : 6 });
  }

  /** Up to `max` misclassified test digits as a grid, and how many of the test digits were wrong. */
  mistakes(max = 30): { image: RgbaImage | null; wrong: number; n: number } {
    return mistakesOf(this.net, this.test, max);
  }
}

/** A grid of the first `max` test digits `net` gets wrong ("true>predicted") and the error count. */
export function mistakesOf(net: Network, test: DataSet, max = 30): { image: RgbaImage | null; wrong: number; n: number } {
  const all = misclassified(net, test, test.n);
  const k = Math.min(max, all.labels.length);
  const image = k === 0 ? null : digitGrid(all.images.subarray(0, k * 784), all.labels.subarray(0, k), all.predicted.subarray(0, k), { columns: 10, imageShape: [28, 28] });
  return { image, wrong: all.labels.length, n: test.n };
}

function point(rec: EpochRecord): ChartPoint {
  return {
    epoch: rec.epoch + 1,
    trainingCost: rec.trainingCost ?? NaN,
    validationCost: rec.evaluationCost ?? NaN,
    trainingAccuracy: rec.trainingAccuracy ?? NaN,
    validationAccuracy: rec.evaluationAccuracy ?? NaN,
    examplesPerSecond: rec.examplesPerSecond,
  };
}
