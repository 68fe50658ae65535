/**
 * `loadOnnx(bytes | URL)`: an ONNX model (opsets 11–21, float32) ready to run on simdnet's kernels.
 * Loading decodes and checks the whole file, folds BatchNormalization and the shape sub-graphs, and
 * plans memory for the declared input shapes (symbolic dims, such as a free batch, default to 1 or come
 * from `inputShape`); `run` with other shapes re-plans once per new shape. Any error leaves the engine
 * as it was.
 */
import { createEngine, type Engine, type Ptr } from "../wasm/engine.js";
import { readUrl } from "../wasm/load.js";
import { decodeModel, type ModelProto } from "./decode.js";
import { buildGraph, type Graph } from "./graph.js";
import { buildPlan, type Plan } from "./plan.js";
import { OnnxFormatError } from "./protobuf.js";
import { foldBatchNorms } from "./rewrite.js";

/** A tensor in or out of {@link OnnxModel.run}: row-major float32 values and their shape. */
export interface OnnxTensor {
  shape: number[];
  data: Float32Array;
}

/** A tensor given to {@link OnnxModel.run}: row-major values (a Float32Array or numbers) and their shape. */
export interface OnnxInput {
  shape: number[];
  data: Float32Array | ArrayLike<number>;
}

/** Options for {@link loadOnnx}. */
export interface OnnxOptions {
  /** Shapes to plan for: one shape (the first input's) or one per input name. Default: the declared dims, symbolic ones 1. */
  inputShape?: number[] | Record<string, number[]>;
  /** Run on this engine (default: a new one). */
  engine?: Engine;
  /** Refuse to plan more than this many bytes of weights and buffers (default 1 GiB): absurd dims fail at load. */
  maxBytes?: number;
}

/** Default {@link OnnxOptions.maxBytes}: 1 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 30;

/** What a graph input or output looks like: its name and dims (strings for symbolic ones). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string | null)[] | null;
}

/** A loaded ONNX model. */
export class OnnxModel {
  /** The graph's inputs, as declared. */
  readonly inputs: OnnxValueInfo[];
  /** The graph's outputs (names; dims as planned for the last run). */
  readonly outputs: OnnxValueInfo[];
  /** The ai.onnx opset the model imports. */
  readonly opset: number;
  /** BatchNormalization nodes folded into a preceding Conv or Gemm at load. */
  readonly foldedBatchNorms: number;
  private plan: Plan;

  /** Use {@link loadOnnx}. */
  constructor(readonly engine: Engine, private readonly graph: Graph, shapes: Map<string, number[]>, folded: number, private readonly maxBytes = DEFAULT_MAX_BYTES) {
    this.opset = graph.opset;
    this.foldedBatchNorms = folded;
    this.inputs = graph.inputs.map((i) => ({ name: i.name, dims: i.dims }));
    this.plan = buildPlan(graph, engine, shapes, maxBytes);
    this.outputs = this.plan.outputs.map((o) => ({ name: o.name, dims: o.shape }));
  }

  /** The planned shapes of the inputs (batch included). */
  get inputShapes(): Record<string, number[]> {
    return Object.fromEntries(this.plan.inputs.map((i) => [i.name, i.shape]));
  }

  /** Bytes of intermediate buffers after liveness reuse, and without it. */
  get memory(): { buffers: number; withoutReuse: number } {
    return { buffers: this.plan.bufferBytes, withoutReuse: this.plan.naiveBytes };
  }

  /**
   * Runs the model. `inputs`: one tensor (for a single-input model), an array in input order, or an
   * object by input name. Returns every output by name.
   */
  run(inputs: OnnxInput | OnnxInput[] | Record<string, OnnxInput>): Record<string, OnnxTensor> {
    const byName = this.normalize(inputs);
    const shapes = new Map(this.graph.inputs.map((i) => [i.name, byName.get(i.name)!.shape]));
    if (this.plan.inputs.some((i) => i.shape.join() !== shapes.get(i.name)!.join())) this.replan(shapes);
    const e = this.engine;
    for (const i of this.plan.inputs) e.write(i.ptr, byName.get(i.name)!.data);
    for (const s of this.plan.steps) s.op.run(e, s.ins, s.outs, this.plan.scratch);
    const out: Record<string, OnnxTensor> = {};
    for (const o of this.plan.outputs) {
      const n = o.shape.reduce((a, b) => a * b, 1);
      out[o.name] = { shape: o.shape.slice(), data: o.value ? Float32Array.from(o.value.data) : e.read(o.ptr as Ptr, n) };
    }
    return out;
  }

  private replan(shapes: Map<string, number[]>): void {
    const e = this.engine;
    const old = this.plan;
    if (e.mark() === old.end) e.release(old.start);
    try {
      this.plan = buildPlan(this.graph, e, shapes, this.maxBytes);
    } catch (err) {
      if (e.mark() === old.start) this.plan = buildPlan(this.graph, e, new Map(old.inputs.map((i) => [i.name, i.shape])), this.maxBytes);
      throw err;
    }
    this.outputs.forEach((o, k) => (o.dims = this.plan.outputs[k].shape));
  }

  private normalize(inputs: OnnxInput | OnnxInput[] | Record<string, OnnxInput>): Map<string, OnnxInput> {
    const names = this.graph.inputs.map((i) => i.name);
    let list: [string, OnnxInput][];
    if (Array.isArray(inputs)) list = inputs.map((t, k) => [names[k] ?? `#${k}`, t]);
    else if (isTensor(inputs)) list = [[names[0], inputs]];
    else list = Object.entries(inputs);
    const m = new Map(list);
    for (const [name, t] of m) {
      if (!names.includes(name)) throw new TypeError(`simdnet: ONNX: the model has no input "${name}" (inputs: ${names.join(", ")})`);
      if (!isTensor(t)) throw new TypeError(`simdnet: ONNX: input "${name}" must be { shape: number[], data: Float32Array | number[] }`);
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || n !== t.data.length) {
        throw new RangeError(`simdnet: ONNX: input "${name}" has shape [${t.shape.join(", ")}] (${n} values) but ${t.data.length} values`);
      }
      const declared = this.graph.inputs.find((i) => i.name === name)!.dims;
      if (declared && (declared.length !== t.shape.length || declared.some((d, k) => typeof d === "number" && d !== t.shape[k]))) {
        throw new RangeError(`simdnet: ONNX: input "${name}" has shape [${t.shape.join(", ")}]; the model declares [${declared.map((d) => d ?? "?").join(", ")}]`);
      }
      for (let k = 0; k < t.data.length; k++) {
        if (Number.isNaN(t.data[k])) throw new RangeError(`simdnet: ONNX: input "${name}" holds NaN at index ${k}`);
      }
    }
    for (const name of names) if (!m.has(name)) throw new TypeError(`simdnet: ONNX: input "${name}" is missing (inputs: ${names.join(", ")})`);
    return m;
  }
}

function isTensor(t: unknown): t is OnnxInput {
  return typeof t === "object" && t !== null && Array.isArray((t as OnnxInput).shape) && "data" in t && typeof (t as OnnxInput).data?.length === "number";
}

/** The shape each input is planned for: from options, else the declared dims with symbolic ones as 1. */
function initialShapes(g: Graph, opt?: number[] | Record<string, number[]>): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  g.inputs.forEach((inp, k) => {
    const given = Array.isArray(opt) ? (k === 0 ? opt : undefined) : opt?.[inp.name];
    if (given) {
      if (inp.dims && (given.length !== inp.dims.length || inp.dims.some((d, j) => typeof d === "number" && d !== given[j]))) {
        throw new OnnxFormatError(`inputShape [${given.join(", ")}] for "${inp.name}" contradicts the declared [${inp.dims.map((d) => d ?? "?").join(", ")}]`);
      }
      shapes.set(inp.name, given.slice());
    } else if (inp.dims) shapes.set(inp.name, inp.dims.map((d) => (typeof d === "number" && d > 0 ? d : 1)));
    else throw new OnnxFormatError(`input "${inp.name}" declares no shape; pass { inputShape }`);
  });
  return shapes;
}

/**
 * Loads an ONNX model from its bytes or a URL. Everything is decoded and validated before anything is
 * allocated in the engine; errors name what is wrong and where (node, operator, opset).
 */
export function loadOnnx(source: OnnxSource, options: OnnxOptions = {}): Promise<OnnxModel> {
  return openOnnx(source, options, () => createEngine());
}

/** Where an ONNX model comes from: its bytes, or a URL (relative strings resolve against the page). */
export type OnnxSource = Uint8Array | ArrayBuffer | URL | string;

/** {@link loadOnnx} with the engine made by `makeEngine` when none is given (the "simdnet/onnx" entry uses the inference build). */
export async function openOnnx(source: OnnxSource, options: OnnxOptions, makeEngine: () => Promise<Engine>): Promise<OnnxModel> {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (source instanceof URL || typeof source === "string") {
    let url: URL;
    try {
      url = source instanceof URL ? source : new URL(source, typeof location === "undefined" ? undefined : location.href);
    } catch {
      throw new TypeError(`simdnet: ${JSON.stringify(source)} is not a URL: pass the model's bytes (in Node, readFile's result) or a URL`);
    }
    bytes = await readUrl(url, "the ONNX model", "check the model's URL or path");
  }
  else throw new TypeError("simdnet: loadOnnx takes the model's bytes (Uint8Array / ArrayBuffer) or a URL");
  const graph = buildGraph(decodeModel(bytes));
  const folded = foldBatchNorms(graph);
  const shapes = initialShapes(graph, options.inputShape);
  const engine = options.engine ?? (await makeEngine());
  return new OnnxModel(engine, graph, shapes, folded, options.maxBytes);
}

/** Synchronous load from bytes (or an already decoded ModelProto) onto an existing engine (the CLI and tests). */
export function loadOnnxSync(source: Uint8Array | ModelProto, engine: Engine, options: Omit<OnnxOptions, "engine"> = {}): OnnxModel {
  const graph = buildGraph(source instanceof Uint8Array ? decodeModel(source) : source);
  const folded = foldBatchNorms(graph);
  return new OnnxModel(engine, graph, initialShapes(graph, options.inputShape), folded, options.maxBytes);
}
