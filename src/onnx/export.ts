/**
 * ONNX export: a trained {@link Network}, {@link SequenceClassifier} or {@link LanguageModel} as an ONNX model (a ModelProto,
 * default domain) that onnxruntime and every other ONNX runtime can run. Inference only: dropout is
 * left out, and the graph takes one input `input` [N, ...] and gives one output `output` [N, ...], N
 * free (or fixed). Weights are initializers, little-endian float32 raw_data. Every layer maps to nodes
 * through one table, {@link LAYER_TO_ONNX}; a layer without an entry fails with an error naming it.
 */
import { Network } from "../network.js";
import type { Layer, Param, Shape } from "../layers/layer.js";
import { Dense } from "../layers/dense.js";
import { Conv2D } from "../layers/conv2d.js";
import { Pool2D } from "../layers/pool2d.js";
import { Activation } from "../layers/activation.js";
import { Softmax } from "../layers/softmax.js";
import { Dropout } from "../layers/dropout.js";
import { SequenceModel } from "../rnn/model.js";
import { SequenceClassifier } from "../rnn/classifier.js";
import { LanguageModel } from "../rnn/lm.js";
import type { RnnStack } from "../rnn/stack.js";
import type { Engine } from "../wasm/engine.js";
import { DATA_TYPE, encodeModel, type AttrValue, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from "./write.js";

/** Options of {@link saveOnnx}. */
export interface OnnxExportOptions {
  /** The ai.onnx opset to target, 11..21 (default 17); the IR version follows it ({@link ONNX_IR_VERSION}). */
  opset?: number;
  /** "dynamic" (default): the batch dimension is the symbol "N"; a number fixes it. */
  batch?: "dynamic" | number;
  /**
   * Networks only: the per-example shape of `input` (default: the first layer's input shape). It must
   * hold as many values; e.g. [784] for a conv net fed flat digits, which then starts with a Reshape.
   */
  inputShape?: readonly number[];
  /**
   * SequenceClassifier only: add a second input `lengths` (int32 [N], each in 1..T) for zero-padded
   * sequences, as `feedforward(inputs, lengths)`; it becomes the RNN nodes' sequence_lens.
   */
  lengths?: boolean;
}

/** The IR version of the ONNX release that introduced each opset (onnx.helper's VERSION_TABLE). */
export const ONNX_IR_VERSION: Readonly<Record<number, number>> = { 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

function fail(msg: string): never {
  throw new Error(`simdnet: cannot export to ONNX: ${msg}`);
}

/** Nodes, initializers and unique names for one graph; parameters are read from the model's engine. */
export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly values = new Set<string>(["input", "output", "lengths"]);
  private readonly nodeNames = new Set<string>();

  constructor(
    readonly opset: number,
    private readonly engine: Engine,
  ) {}

  private unique(set: Set<string>, base: string): string {
    let n = base;
    for (let i = 1; set.has(n); i++) n = `${base}_${i}`;
    set.add(n);
    return n;
  }

  /** Adds a node; returns its output names (`where` names it, e.g. "layers.3"). "" skips an output. */
  op(op: string, inputs: readonly string[], where: string, attrs?: Record<string, AttrValue>, outputs: readonly string[] = ["Y"]): string[] {
    const outs = outputs.map((o) => (o === "" ? "" : this.unique(this.values, outputs.length === 1 ? `${where}.${op}` : `${where}.${op}.${o}`)));
    this.nodes.push({ op, inputs, outputs: outs, name: this.unique(this.nodeNames, `${where}.${op}`), attrs });
    return outs;
  }

  /** A float32 initializer from values (checked finite); returns its name. */
  tensor(name: string, dims: readonly number[], data: Float32Array): string {
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`${name} holds ${data[bad]} at index ${bad}; the model's weights must be finite`);
    const n = this.unique(this.values, name);
    this.initializers.push({ name: n, dims, data });
    return n;
  }

  /** An int64 initializer (Reshape's shape); returns its name. */
  int64(name: string, values: readonly number[]): string {
    const n = this.unique(this.values, name);
    this.initializers.push({ name: n, dims: [values.length], data: BigInt64Array.from(values, BigInt) });
    return n;
  }

  /** A copy of a parameter's values. */
  read(p: Param): Float32Array {
    return this.engine.read(p.value, p.size);
  }

  /** Renames the last node's output `from` to `to` (the graph output must be called "output"). */
  rename(from: string, to: string): void {
    const n = this.nodes.find((x) => x.outputs.includes(from));
    if (n) n.outputs = n.outputs.map((o) => (o === from ? to : o));
    else this.nodes.push({ op: "Identity", inputs: [from], outputs: [to], name: this.unique(this.nodeNames, `${to}.Identity`) });
  }
}

/** Maps one layer, reading tensor x; returns the name of its output tensor. */
type LayerToOnnx<L extends Layer> = (g: OnnxGraph, l: L, x: string, where: string) => string;

function entry<L extends Layer>(cls: abstract new (...args: never[]) => L, nodes: string, fn: LayerToOnnx<L>) {
  return { cls, nodes, fn: fn as LayerToOnnx<Layer> };
}

const ACTIVATION_OP: Readonly<Record<string, string>> = { sigmoid: "Sigmoid", tanh: "Tanh", relu: "Relu" };

/**
 * Layer class → ONNX nodes: the one place to extend when a layer is added. Our conventions carry over
 * unchanged: NCHW activations, Dense weights (OC, C) (so Gemm transposes B), Conv2D weights (F, C, k, k).
 */
export const LAYER_TO_ONNX = [
  entry(Dense, "Gemm (transB = 1)", (g, l, x, w) =>
    g.op("Gemm", [x, g.tensor(`${w}.weight`, [l.outputs, l.inputs], g.read(l.weight)), g.tensor(`${w}.bias`, [l.outputs], g.read(l.bias))], w, { transB: 1 })[0]),
  entry(Conv2D, "Conv (pads, strides)", (g, l, x, w) => {
    const [, H, W] = l.inShape;
    const [, OH, OW] = l.outShape;
    const k = l.kernel, s = l.stride, p = l.pad;
    // our kernels pad `pad` zeros before the image and as many after as the output size needs ("same"
    // puts the odd one at the end, ONNX's SAME_UPPER); more zeros after would only add unused rows
    const after = (n: number, o: number) => Math.max(0, (o - 1) * s + k - n - p);
    const pads = [p, p, after(H, OH), after(W, OW)];
    const weight = g.tensor(`${w}.weight`, [l.filters, l.channels, k, k], g.read(l.weight));
    return g.op("Conv", [x, weight, g.tensor(`${w}.bias`, [l.filters], g.read(l.bias))], w, { kernel_shape: [k, k], strides: [s, s], pads })[0];
  }),
  entry(Pool2D, "MaxPool, or LpPool (p = 2) for L2 pooling", (g, l, x, w) => {
    // no pads: regions stay inside the maps and a remainder is dropped (floor), as our kernels do
    const attrs = { kernel_shape: [l.size, l.size], strides: [l.stride, l.stride] };
    return l.kind === "max" ? g.op("MaxPool", [x], w, attrs)[0] : g.op("LpPool", [x], w, { ...attrs, p: 2 })[0];
  }),
  entry(Activation, "Sigmoid | Tanh | Relu; step: Greater(x, 0) → Cast; identity: none", (g, l, x, w) => {
    if (l.fn === "identity") return x;
    // the perceptron's step: 1 where x > 0, else 0 (NaN → 0), as step_forward
    if (l.fn === "step") return g.op("Cast", [g.op("Greater", [x, g.tensor(`${w}.zero`, [], new Float32Array(1))], w)[0]], w, { to: DATA_TYPE.FLOAT })[0];
    return g.op(ACTIVATION_OP[l.fn] ?? fail(`${w}: no ONNX operator for activation ${l.fn}`), [x], w)[0];
  }),
  entry(Softmax, "Softmax (axis = 1)", (g, _l, x, w) => g.op("Softmax", [x], w, { axis: 1 })[0]),
  entry(Dropout, "none (inference: dropout passes its input through)", (_g, _l, x) => x),
];

/** Reshapes x (batch first) to per-example shape `to`: Flatten for a vector, else Reshape [-1, ...to]. */
function reshapeTo(g: OnnxGraph, x: string, to: Shape, where: string): string {
  if (to.length === 1) return g.op("Flatten", [x], where, { axis: 1 })[0];
  return g.op("Reshape", [x, g.int64(`${where}.shape`, [-1, ...to])], where)[0];
}

/** Runs layers over x (per-example shape `shape`), inserting reshapes where shapes differ; returns the output tensor. */
function exportLayers(g: OnnxGraph, layers: readonly Layer[], x: string, shape: Shape, prefix: string): string {
  layers.forEach((l, i) => {
    const where = `${prefix}${i}`;
    if (shape.length !== l.inShape.length || shape.some((d, j) => d !== l.inShape[j])) x = reshapeTo(g, x, l.inShape, `${where}.in`);
    const e = LAYER_TO_ONNX.find((m) => l instanceof m.cls);
    if (!e) {
      fail(`layer ${i} (${l.constructor.name}, spec ${JSON.stringify(l.spec())}) has no ONNX mapping; exportable layers: ${LAYER_TO_ONNX.map((m) => m.cls.name).join(", ")}`);
    }
    x = e.fn(g, l, x, where);
    shape = l.outShape;
  });
  return x;
}

/** Graph and value infos for a Network. */
function exportNetwork(g: OnnxGraph, net: Network, o: OnnxExportOptions, N: number | string): Exported {
  const inShape = o.inputShape ? [...o.inputShape] : [...net.layers[0].inShape];
  if (!inShape.every((d) => Number.isInteger(d) && d >= 1) || inShape.reduce((a, b) => a * b, 1) !== net.inputSize) {
    fail(`inputShape [${inShape.join(", ")}] must be positive integers holding the network's ${net.inputSize} inputs per example`);
  }
  const out = exportLayers(g, net.layers, "input", inShape, "layers.");
  return { inputs: [{ name: "input", dims: [N, ...inShape] }], output: out, dims: net.layers[net.layers.length - 1].outShape };
}

/**
 * An RnnStack over x [T, N, C] (sequence-major, ONNX RNN's layout): one RNN node per layer, W = W_xh,
 * R = W_hh, B = [b, 0] (ONNX adds Wb + Rb). Returns the top layer's states [T, N, H] ("all") or its last
 * state [N, H] ("last").
 */
function exportStack(g: OnnxGraph, stack: RnnStack, x: string, lens: string, want: "all" | "last"): string {
  stack.layers.forEach((l, i) => {
    const w = `rnn.${i}`;
    const { wxh, whh, bias } = l.weights;
    const B = new Float32Array(2 * l.hidden);
    B.set(g.read(bias));
    const inputs = [x, g.tensor(`${w}.W`, [1, l.hidden, l.inputs], g.read(wxh)), g.tensor(`${w}.R`, [1, l.hidden, l.hidden], g.read(whh)), g.tensor(`${w}.B`, [1, 2 * l.hidden], B)];
    if (lens) inputs.push(lens);
    const last = i === stack.layers.length - 1 && want === "last";
    const [y, yh] = g.op("RNN", inputs, w, { hidden_size: l.hidden, activations: [l.activation === "tanh" ? "Tanh" : "Relu"] }, last ? ["", "Y_h"] : ["Y", ""]);
    // Y is [T, 1, N, H]: drop the direction axis (0 keeps T, -1 is N); Y_h is [1, N, H]
    x = last ? g.op("Reshape", [yh, g.int64(`${w}.shape`, [-1, l.hidden])], w)[0] : g.op("Reshape", [y, g.int64(`${w}.shape`, [0, -1, l.hidden])], w)[0];
  });
  return x;
}

type Exported = { inputs: OnnxValueInfo[]; output: string; dims: readonly (number | string)[] };

/** A SequenceClassifier: input [N, T, C] → Transpose → the RNN stack's last state [N, H] → the readout's Gemm and Softmax. */
function exportClassifier(g: OnnxGraph, m: SequenceClassifier, o: OnnxExportOptions, N: number | string): Exported {
  const lens = o.lengths ? "lengths" : "";
  const x = g.op("Transpose", ["input"], "input", { perm: [1, 0, 2] })[0]; // [T, N, C]
  const h = exportStack(g, m.stack, x, lens, "last");
  const out = exportLayers(g, [m.readout.dense, m.readout.act], h, [m.stack.hidden], "readout.");
  const inputs: OnnxValueInfo[] = [{ name: "input", dims: [N, m.steps, m.inputs] }];
  if (lens) inputs.push({ name: "lengths", dims: [N], elemType: DATA_TYPE.INT32 });
  return { inputs, output: out, dims: [m.classes] };
}

/**
 * A LanguageModel, read in one pass (teacher forcing): ids [N, T] (int64, any T) → OneHot → Transpose →
 * the RNN stack's states → Transpose [N, T, H] → MatMul Wᵀ + Add b → Softmax: output [N, T, V], the
 * next-id probabilities after each prefix. Sampling loops over it (or over prefixes) outside the graph.
 */
function exportLanguageModel(g: OnnxGraph, m: LanguageModel, N: number | string): Exported {
  const V = m.V;
  const oneHot = g.op("OneHot", ["input", g.int64("vocab.depth", [V]), g.tensor("vocab.values", [2], Float32Array.from([0, 1]))], "input", { axis: -1 })[0];
  const x = g.op("Transpose", [oneHot], "input", { perm: [1, 0, 2] })[0]; // [T, N, V]
  const hs = g.op("Transpose", [exportStack(g, m.stack, x, "", "all")], "readout", { perm: [1, 0, 2] })[0]; // [N, T, H]
  const { dense } = m.readout;
  const w = g.read(dense.weight); // (V, H) → Wᵀ (H, V) for MatMul
  const wt = Float32Array.from({ length: w.length }, (_, i) => w[(i % V) * dense.inputs + Math.floor(i / V)]);
  const z = g.op("MatMul", [hs, g.tensor("readout.weight_t", [dense.inputs, V], wt)], "readout")[0];
  const zb = g.op("Add", [z, g.tensor("readout.bias", [V], g.read(dense.bias))], "readout")[0];
  const out = g.op("Softmax", [zb], "readout", { axis: 2 })[0];
  return { inputs: [{ name: "input", dims: [N, "T"], elemType: DATA_TYPE.INT64 }], output: out, dims: ["T", V] };
}

/**
 * The ONNX bytes of a trained model: a {@link Network} (Dense, Conv2D, Pool2D, Activation, Softmax,
 * Dropout), a {@link SequenceClassifier} or a {@link LanguageModel}. Throws, naming the layer or model and why, for anything
 * without an ONNX form (e.g. the generating sequence models, whose steps feed on their own outputs).
 */
export function saveOnnx(model: Network | SequenceModel, opts: OnnxExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? 17;
  if (!(opset in ONNX_IR_VERSION)) fail(`opset ${String(opset)} is not supported; choose 11..21`);
  const batch = opts.batch ?? "dynamic";
  if (batch !== "dynamic" && !(Number.isInteger(batch) && batch >= 1)) fail(`batch must be "dynamic" or a positive integer, got ${JSON.stringify(batch)}`);
  const N = batch === "dynamic" ? "N" : batch;
  if (!(model instanceof Network) && !(model instanceof SequenceModel)) {
    const got = model === null ? "null" : typeof model === "object" ? (model as object).constructor?.name : typeof model;
    fail(`expected a Network, a SequenceClassifier or a LanguageModel, got ${got}`);
  }
  let kind: string;
  let spec: unknown;
  let graph: Exported;
  const g = new OnnxGraph(opset, model.engine);
  if (model instanceof Network) {
    if (opts.lengths) fail("lengths is an option for sequence classifiers; a Network has no sequence lengths");
    kind = "network";
    spec = { layers: model.layers.map((l) => l.spec()) };
    graph = exportNetwork(g, model, opts, N);
  } else if (model instanceof SequenceClassifier) {
    if (opts.inputShape) fail("inputShape is an option for networks; a SequenceClassifier's input is [N, steps, inputs]");
    kind = model.kind;
    spec = model.config();
    graph = exportClassifier(g, model, opts, N);
  } else if (model instanceof LanguageModel) {
    if (opts.inputShape || opts.lengths) fail("inputShape and lengths are not options for a LanguageModel: its input is ids [N, T]");
    kind = model.kind;
    spec = model.config();
    graph = exportLanguageModel(g, model, N);
  } else {
    fail(`a ${model.constructor.name} (${model.kind}) has no ONNX export yet: its decoder starts from states computed from another input and feeds on its own outputs when it generates; exportable models are Network, SequenceClassifier and LanguageModel`);
  }
  g.rename(graph.output, "output");
  return encodeModel({
    irVersion: ONNX_IR_VERSION[opset],
    opset,
    docString: `simdnet ${kind}`,
    metadata: { "simdnet.kind": kind, "simdnet.spec": JSON.stringify(spec) },
    graphName: `simdnet_${kind.replace(/-/g, "_")}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: graph.inputs,
    outputs: [{ name: "output", dims: [N, ...graph.dims] }],
  });
}
