/**
 * The operator contract. At load, for the given input shapes, each compute node is built once into an
 * {@link Op}: its output shapes (shape inference), the scratch it needs, and `run`, which reads its
 * inputs' buffers and writes its outputs' (`forward(engine, input ptrs, output ptrs)`, batch included
 * in the shapes). That is the shape a layer of a named-tensor graph model needs, so each op can later
 * become one. Builders see which inputs are load-time constants (weights, folded shapes) and may read them.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Attrs, type Node } from "./graph.js";
import { OnnxFormatError } from "./protobuf.js";
import type { Value } from "./tensor.js";

/** A tensor during building: its shape and, if known at load, its value. */
export interface Sym {
  shape: number[];
  value?: Value;
}

/** What a builder gets: the node, its attributes, the opset, its inputs (undefined where omitted). */
export interface OpContext {
  node: Node;
  attrs: Attrs;
  opset: number;
  ins: (Sym | undefined)[];
  /** Throws an OnnxFormatError naming the node, its operator and the opset. */
  fail(message: string): never;
  /** Input i, which must be present. */
  input(i: number): Sym;
  /** Input i's value, which must be a load-time constant (after folding). */
  constant(i: number, what: string): Value;
}

/** A built compute node. */
export interface Op {
  /** Output shapes, batch included. */
  out: number[][];
  /** f32 of scratch run() may use (shared by all ops). */
  scratch?: number;
  /** Inputs consumed at build time (shapes, axes): not uploaded, passed as 0. */
  constInputs?: number[];
  /** Output 0 is input 0's values under another shape: the planner shares the buffer and skips run() (which copies, for a constant input). */
  alias?: boolean;
  /** Constants the builder made (a zero bias, a repacked weight): uploaded once, pointers appended to `ins`. */
  extra?: Float32Array[];
  /** Reads ins, writes outs. TS-loop fallbacks index `e.heapF32` at ptr >> 2. */
  run(e: Engine, ins: Ptr[], outs: Ptr[], scratch: Ptr): void;
}

export type Builder = (c: OpContext) => Op;

/** Makes the context a builder receives. */
export function context(node: Node, opset: number, ins: (Sym | undefined)[]): OpContext {
  const fail = (message: string): never => {
    throw new OnnxFormatError(`${node.label}, opset ${opset}: ${message}`);
  };
  return {
    node, opset, ins, fail, attrs: new Attrs(node),
    input(i) {
      const s = ins[i];
      if (!s) return fail(`input ${i} is required`);
      return s;
    },
    constant(i, what) {
      const s = ins[i];
      if (!s?.value) return fail(`input ${i} (${what}) must be a constant known at load time (an initializer, or a shape computation that folds)`);
      return s.value;
    },
  };
}

/** Element count. */
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Resolves a possibly negative axis against rank r; fails outside [-r, r). */
export function axisOf(c: OpContext, axis: number, r: number): number {
  const a = axis < 0 ? axis + r : axis;
  if (!Number.isInteger(a) || a < 0 || a >= r) c.fail(`axis ${axis} is out of range for rank ${r}`);
  return a;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Numpy-style broadcast of shapes; null when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Strides of `shape` read as if broadcast to `to` (0 along broadcast axes). */
export function broadcastStrides(shape: readonly number[], to: readonly number[]): number[] {
  const s = stridesOf(shape);
  const off = to.length - shape.length;
  return to.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

/** Reshape's target: 0 copies the input dim (unless allowzero), one -1 is inferred. */
export function reshapeTarget(c: OpContext, inShape: readonly number[], spec: ArrayLike<number>, allowZero: boolean): number[] {
  const out = Array.from(spec, (d, i) => (d === 0 && !allowZero ? (i < inShape.length ? inShape[i] : c.fail(`shape[${i}] = 0 copies a dim the input (rank ${inShape.length}) lacks`)) : d));
  const n = numel(inShape);
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1 || out.some((d) => !Number.isInteger(d) || d < -1)) c.fail(`invalid target shape [${Array.from(spec).join(", ")}]`);
  if (minus) {
    const known = numel(out.filter((d) => d !== -1));
    if (known === 0 || n % known) c.fail(`cannot reshape [${inShape.join(", ")}] to [${Array.from(spec).join(", ")}]`);
    out[out.indexOf(-1)] = n / known;
  }
  if (numel(out) !== n) c.fail(`cannot reshape [${inShape.join(", ")}] (${n} values) to [${out.join(", ")}]`);
  return out;
}

/** Squeeze/Unsqueeze axes: the `axes` attribute before opset 13, the second input from 13. */
export function axesArg(c: OpContext, inputIndex: number): number[] | undefined {
  if (c.opset >= 13 && c.node.inputs.length > inputIndex && c.node.inputs[inputIndex] !== "") {
    return Array.from(c.constant(inputIndex, "axes").data);
  }
  return c.attrs.ints("axes");
}

export function squeezeShape(c: OpContext, shape: readonly number[], axes: number[] | undefined): number[] {
  if (!axes) return shape.filter((d) => d !== 1);
  const ax = new Set(axes.map((a) => axisOf(c, a, shape.length)));
  for (const a of ax) if (shape[a] !== 1) c.fail(`cannot squeeze axis ${a} of [${shape.join(", ")}]: its size is ${shape[a]}, not 1`);
  return shape.filter((_, i) => !ax.has(i));
}

export function unsqueezeShape(c: OpContext, shape: readonly number[], axes: number[] | undefined): number[] {
  if (!axes) return c.fail("Unsqueeze needs axes");
  const r = shape.length + axes.length;
  const ax = new Set(axes.map((a) => axisOf(c, a, r)));
  if (ax.size !== axes.length) c.fail(`repeated axes [${axes.join(", ")}]`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(ax.has(i) ? 1 : shape[k++]);
  return out;
}

export function flattenShape(c: OpContext, shape: readonly number[]): number[] {
  const axis = c.attrs.int("axis", 1);
  const a = axis < 0 ? axis + shape.length : axis;
  if (a < 0 || a > shape.length) c.fail(`axis ${axis} is out of range for rank ${shape.length}`);
  return [numel(shape.slice(0, a)), numel(shape.slice(a))];
}

/** Throws OnnxFormatError unless every listed input is float32 (where a constant). */
export function requireFloat(c: OpContext, idx: number[]): void {
  for (const i of idx) {
    const v = c.ins[i]?.value;
    if (v && v.dtype !== "float32") c.fail(`input ${i} ("${c.node.inputs[i]}") is an integer tensor; this operator runs on float32 only`);
  }
}
