/**
 * `OnnxNet`: an ONNX model behind the `feedforward` / `predict` / `evaluate` interface of a simdnet
 * Network, over the model's first input and first output (the batch dimension, the first, is free).
 * This is what `loadModel` returns for an ONNX file.
 */
import type { DataSet } from "../data/dataset.js";
import type { Evaluation } from "../model.js";
import type { Engine } from "../wasm/engine.js";
import { decodeModel } from "./decode.js";
import { loadOnnxSync, type OnnxModel } from "./model.js";

/** What `loadModel` reports about an ONNX file in place of a simdnet header. */
export interface OnnxHeader {
  format: "onnx";
  /** The first input's name and per-example shape (batch dimension removed). */
  input: string;
  inputShape: number[];
  /** The first output's name and per-example size. */
  output: string;
  /** Always [] (an ONNX graph has no simdnet layer list); kept so callers can read `header.layers.length`. */
  layers: [];
}

/** Chunk of examples run at once. */
const CHUNK = 256;

/** An {@link OnnxModel} used as a classifier/regressor: first input in, first output out, batch free. */
export class OnnxNet {
  /** The per-example input shape (the first input's declared dims without the batch dimension). */
  readonly inputShape: number[];
  /** Values per example in and out. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Weights are not counted for imported models: 0. */
  readonly numParams = 0;
  private readonly chunk: number;

  constructor(readonly onnx: OnnxModel) {
    const shape = Object.values(onnx.inputShapes)[0];
    if (!shape || shape.length < 1) throw new Error("simdnet: ONNX: loadModel needs a model whose first input has a batch dimension");
    this.inputShape = shape.slice(1);
    const b = onnx.inputs[0].dims?.[0];
    this.chunk = typeof b === "number" && b > 0 ? b : CHUNK;
    this.inputSize = this.inputShape.reduce((a, b) => a * b, 1);
    const probe = onnx.run({ shape: [1, ...this.inputShape], data: new Float32Array(this.inputSize) });
    const first = probe[onnx.outputs[0].name];
    if (first.shape[0] !== 1) throw new Error(`simdnet: ONNX: the first output's shape [${first.shape.join(", ")}] does not start with the batch dimension`);
    this.outputSize = first.data.length;
  }

  /** A header for callers that print one. */
  get header(): OnnxHeader {
    return { format: "onnx", input: this.onnx.inputs[0].name, inputShape: this.inputShape.slice(), output: this.onnx.outputs[0].name, layers: [] };
  }

  /** Outputs (count, outputSize) for inputs holding a non-empty multiple of inputSize values, example-major. */
  feedforward(inputs: ArrayLike<number>): Float32Array {
    const n = this.count(inputs);
    const out = new Float32Array(n * this.outputSize);
    const arr = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
    for (let s = 0; s < n; s += this.chunk) {
      const B = Math.min(this.chunk, n - s);
      const x = arr.subarray(s * this.inputSize, (s + B) * this.inputSize);
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i])) throw new RangeError(`simdnet: feedforward input ${s * this.inputSize + i} is ${x[i]}; inputs must be finite`);
      }
      const r = this.onnx.run({ shape: [B, ...this.inputShape], data: x });
      const y = r[this.onnx.outputs[0].name].data;
      if (y.length !== B * this.outputSize) throw new Error(`simdnet: ONNX: the first output has ${y.length} values for ${B} examples; expected ${B * this.outputSize}`);
      out.set(y, s * this.outputSize);
    }
    return out;
  }

  /** The predicted class (argmax of the first output) of each example. */
  predict(inputs: ArrayLike<number>): Int32Array {
    const y = this.feedforward(inputs);
    const C = this.outputSize;
    const pred = new Int32Array(y.length / C);
    for (let i = 0; i < pred.length; i++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (y[i * C + c] > y[i * C + best]) best = c;
      pred[i] = best;
    }
    return pred;
  }

  /** Accuracy on a labelled data set (u8 inputs scaled by `scale`, default 1/255). `cost` is NaN: an imported model has no cost function. */
  evaluate(data: DataSet): Evaluation {
    const size = data.inputShape.reduce((a, b) => a * b, 1);
    if (size !== this.inputSize) throw new RangeError(`simdnet: the data has ${size} inputs per example (shape [${data.inputShape}]) but the ONNX model expects ${this.inputSize} ([${this.inputShape}])`);
    const scale = data.inputs instanceof Uint8Array ? (data.scale ?? 1 / 255) : 1;
    let correct = 0;
    for (let s = 0; s < data.n; s += CHUNK) {
      const B = Math.min(CHUNK, data.n - s);
      const x = Float32Array.from(data.inputs.subarray(s * size, (s + B) * size), (v) => v * scale);
      const p = this.predict(x);
      if (data.labels) for (let i = 0; i < B; i++) correct += p[i] === data.labels[s + i] ? 1 : 0;
    }
    const has = data.labels !== undefined;
    return { correct: has ? correct : NaN, n: data.n, accuracy: has ? correct / data.n : NaN, cost: NaN };
  }

  private count(inputs: ArrayLike<number>): number {
    if (inputs.length === 0 || inputs.length % this.inputSize !== 0) {
      throw new RangeError(`simdnet: feedforward got ${inputs.length} values; expected a non-empty multiple of the model's ${this.inputSize} inputs`);
    }
    return inputs.length / this.inputSize;
  }
}

/**
 * `loadModel`'s ONNX path: bytes that are not a simdnet model are decoded as an ONNX ModelProto and
 * wrapped in an {@link OnnxNet}. Bytes that are neither give one Error naming both formats.
 */
export function loadOnnxNet(bytes: Uint8Array, engine: Engine | (() => Engine)): { net: OnnxNet; header: OnnxHeader } {
  let proto;
  try {
    proto = decodeModel(bytes);
  } catch (err) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new Error(`simdnet: not a model file: neither a simdnet model (starts with "SNNM", or network2 JSON "{") nor an ONNX ModelProto (${(err as Error).message}); the file starts with bytes [${head}]`);
  }
  const net = new OnnxNet(loadOnnxSync(proto, typeof engine === "function" ? engine() : engine));
  return { net, header: net.header };
}
