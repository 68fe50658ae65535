/**
 * Constant folding at load: the shape sub-graphs exporters emit (Shape → Gather → Unsqueeze → Concat →
 * Reshape, ConstantOfShape, Expand, Range, Slice, Cast, …) and any of these operators whose inputs are
 * all known are evaluated here in plain TS for the given input shapes, so only compute operators reach
 * the engine. {@link foldNode} returns null when a node cannot be folded (it then runs as an op).
 */
import type { Op } from "./op.js";
import {
  axesArg, axisOf, broadcastShapes, broadcastStrides, flattenShape, numel, reshapeTarget, squeezeShape, stridesOf, unsqueezeShape,
  type OpContext,
} from "./op.js";
import { checkedSize, MAX_FOLD_ELEMENTS, type Value } from "./tensor.js";

type Fold = (c: OpContext, v: (Value | undefined)[]) => Value[];

const make = (dims: number[], dtype: Value["dtype"], data: ArrayLike<number>): Value =>
  ({ dims, dtype, data: dtype === "float32" ? Float32Array.from(data) : Float64Array.from(data) });

/** out[i] = f(a[i'], b[i'']) with numpy broadcasting. */
function broadcast2(c: OpContext, a: Value, b: Value, dtype: Value["dtype"], f: (x: number, y: number) => number): Value {
  const shape = broadcastShapes(a.dims, b.dims) ?? c.fail(`cannot broadcast [${a.dims.join(", ")}] with [${b.dims.join(", ")}]`);
  const n = checkedSize(shape, c.node.label, MAX_FOLD_ELEMENTS);
  const sa = broadcastStrides(a.dims, shape), sb = broadcastStrides(b.dims, shape), so = stridesOf(shape);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let ia = 0, ib = 0, r = i;
    for (let d = 0; d < shape.length; d++) {
      const q = Math.floor(r / so[d]);
      r -= q * so[d];
      ia += q * sa[d];
      ib += q * sb[d];
    }
    out[i] = f(a.data[ia], b.data[ib]);
  }
  return make(shape, dtype, out);
}

const binary = (f: (x: number, y: number) => number, boolOut = false): Fold => (c, [a, b]) => {
  const intDiv = f === DIV && a!.dtype === "int64";
  return [broadcast2(c, a!, b!, boolOut ? "int64" : a!.dtype, intDiv ? (x, y) => (y === 0 ? c.fail("integer division by zero") : Math.trunc(x / y)) : f)];
};
const DIV = (x: number, y: number) => x / y;

/** Reads the value at multi-index `idx` of v. */
function transpose(v: Value, perm: number[]): Value {
  const shape = perm.map((p) => v.dims[p]);
  const si = stridesOf(v.dims), so = stridesOf(shape);
  const out = new Array<number>(v.data.length);
  for (let i = 0; i < out.length; i++) {
    let src = 0, r = i;
    for (let d = 0; d < shape.length; d++) {
      const q = Math.floor(r / so[d]);
      r -= q * so[d];
      src += q * si[perm[d]];
    }
    out[i] = v.data[src];
  }
  return make(shape, v.dtype, out);
}

export function permOf(c: OpContext, rank: number): number[] {
  const perm = c.attrs.ints("perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) c.fail(`perm [${perm.join(", ")}] is not a permutation of rank ${rank}`);
  return perm;
}

/** Slice's starts/ends/axes/steps (inputs from opset 10, attributes before), clamped as ONNX says. */
function sliceSpec(c: OpContext, v: (Value | undefined)[], dims: number[]): { start: number[]; step: number[]; count: number[] } {
  const arr = (i: number, attr: string) => (c.opset >= 10 ? (v[i] ? Array.from(v[i]!.data) : undefined) : c.attrs.ints(attr));
  const starts = arr(1, "starts") ?? c.fail("Slice needs starts"), ends = arr(2, "ends") ?? c.fail("Slice needs ends");
  const axes = arr(3, "axes") ?? starts.map((_, i) => i), steps = arr(4, "steps") ?? starts.map(() => 1);
  const start = dims.map(() => 0), step = dims.map(() => 1), count = dims.slice();
  axes.forEach((ax, k) => {
    const a = axisOf(c, ax, dims.length), d = dims[a], s = steps[k];
    if (!s) c.fail("Slice step 0");
    const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
    let b = starts[k] < 0 ? starts[k] + d : starts[k], e = ends[k] < 0 ? ends[k] + d : ends[k];
    if (s > 0) { b = clamp(b, 0, d); e = clamp(e, 0, d); } else { b = clamp(b, 0, d - 1); e = clamp(e, -1, d - 1); }
    start[a] = b;
    step[a] = s;
    count[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  return { start, step, count };
}

const FOLDS: Record<string, Fold> = {
  Constant(c) {
    const t = c.attrs.tensor("value");
    if (t) return [t];
    const f = c.attrs.has("value_float") ? [c.attrs.float("value_float", 0)] : c.attrs.floats("value_floats");
    if (f) return [make(c.attrs.has("value_float") ? [] : [f.length], "float32", f)];
    const i = c.attrs.has("value_int") ? [c.attrs.int("value_int", 0)] : c.attrs.ints("value_ints");
    if (i) return [make(c.attrs.has("value_int") ? [] : [i.length], "int64", i)];
    return c.fail("Constant has no value (value, value_float(s) or value_int(s)); sparse and string values are not supported");
  },
  Identity: (_c, [a]) => [a!],
  Dropout: (c, [a, , t]) => (t?.data[0] ? c.fail("training_mode = true is not supported (inference only)") : [a!]),
  Cast(c, [a]) {
    const to = c.attrs.int("to", 0);
    if (to === 1) return [make(a!.dims, "float32", a!.data)];
    if (to === 6 || to === 7) return [make(a!.dims, "int64", Array.from(a!.data, Math.trunc))];
    if (to === 9) return [make(a!.dims, "int64", Array.from(a!.data, (x) => (x ? 1 : 0)))];
    return c.fail(`Cast to type ${to} is not supported (float32, int32, int64, bool)`);
  },
  Reshape: (c, [a, s]) => [{ ...a!, dims: reshapeTarget(c, a!.dims, s!.data, c.attrs.int("allowzero", 0) === 1) }],
  Flatten: (c, [a]) => [{ ...a!, dims: flattenShape(c, a!.dims) }],
  Squeeze: (c, [a]) => [{ ...a!, dims: squeezeShape(c, a!.dims, axesArg(c, 1)) }],
  Unsqueeze: (c, [a]) => [{ ...a!, dims: unsqueezeShape(c, a!.dims, axesArg(c, 1)) }],
  Transpose: (c, [a]) => [transpose(a!, permOf(c, a!.dims.length))],
  Concat(c, vs) {
    const parts = vs.filter((v): v is Value => !!v && numel(v.dims) >= 0);
    const r = parts[0].dims.length, axis = axisOf(c, c.attrs.int("axis", 0), r);
    const dims = parts[0].dims.slice();
    dims[axis] = 0;
    for (const p of parts) {
      if (p.dims.length !== r || p.dims.some((d, i) => i !== axis && d !== parts[0].dims[i])) c.fail(`cannot concatenate [${p.dims.join(", ")}] with [${parts[0].dims.join(", ")}] on axis ${axis}`);
      dims[axis] += p.dims[axis];
    }
    const outer = numel(dims.slice(0, axis)), out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const p of parts) {
        const w = numel(p.dims.slice(axis));
        for (let k = 0; k < w; k++) out.push(p.data[o * w + k]);
      }
    }
    return [make(dims, parts[0].dtype, out)];
  },
  Gather(c, [a, idx]) {
    const r = a!.dims.length, axis = axisOf(c, c.attrs.int("axis", 0), r), d = a!.dims[axis];
    const dims = [...a!.dims.slice(0, axis), ...idx!.dims, ...a!.dims.slice(axis + 1)];
    const outer = numel(a!.dims.slice(0, axis)), inner = numel(a!.dims.slice(axis + 1)), out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of idx!.data) {
        const i = raw < 0 ? raw + d : raw;
        if (i < 0 || i >= d) c.fail(`index ${raw} is out of range for axis ${axis} of size ${d}`);
        for (let k = 0; k < inner; k++) out.push(a!.data[(o * d + i) * inner + k]);
      }
    }
    return [make(dims, a!.dtype, out)];
  },
  ConstantOfShape(c, [s]) {
    const dims = Array.from(s!.data);
    const fillV = c.attrs.tensor("value") ?? make([1], "float32", [0]);
    return [make(dims, fillV.dtype, new Array<number>(checkedSize(dims, c.node.label, MAX_FOLD_ELEMENTS)).fill(fillV.data[0]))];
  },
  Expand(c, [a, s]) {
    const shape = broadcastShapes(a!.dims, Array.from(s!.data)) ?? c.fail(`cannot expand [${a!.dims.join(", ")}] to [${Array.from(s!.data).join(", ")}]`);
    return [broadcast2(c, a!, make(shape, a!.dtype, new Array(checkedSize(shape, c.node.label, MAX_FOLD_ELEMENTS)).fill(0)), a!.dtype, (x) => x)];
  },
  Range(c, [s, l, d]) {
    const start = s!.data[0], limit = l!.data[0], delta = d!.data[0];
    if (!delta) c.fail("Range delta 0");
    const n = Math.max(Math.ceil((limit - start) / delta), 0);
    checkedSize([n], c.node.label, MAX_FOLD_ELEMENTS);
    return [make([n], s!.dtype, Array.from({ length: n }, (_, i) => start + i * delta))];
  },
  Slice(c, v) {
    const a = v[0]!, { start, step, count } = sliceSpec(c, v, a.dims), si = stridesOf(a.dims), so = stridesOf(count);
    const out = new Array<number>(numel(count));
    for (let i = 0; i < out.length; i++) {
      let src = 0, r = i;
      for (let d = 0; d < count.length; d++) {
        const q = Math.floor(r / so[d]);
        r -= q * so[d];
        src += (start[d] + q * step[d]) * si[d];
      }
      out[i] = a.data[src];
    }
    return [make(count, a.dtype, out)];
  },
  Add: binary((x, y) => x + y),
  Sub: binary((x, y) => x - y),
  Mul: binary((x, y) => x * y),
  Div: binary(DIV),
  Equal: binary((x, y) => +(x === y), true),
  Less: binary((x, y) => +(x < y), true),
  Greater: binary((x, y) => +(x > y), true),
  Neg: (_c, [a]) => [make(a!.dims, a!.dtype, Array.from(a!.data, (x) => -x))],
  Not: (_c, [a]) => [make(a!.dims, "int64", Array.from(a!.data, (x) => +!x))],
  Where(c, [cond, x, y]) {
    const xy = broadcast2(c, x!, y!, "float32", () => 0);
    const shape = broadcastShapes(cond!.dims, xy.dims) ?? c.fail("Where: shapes do not broadcast");
    const pick = (v: Value, i: number, ss: number[], so: number[]) => {
      let k = 0, r = i;
      for (let d = 0; d < so.length; d++) { const q = Math.floor(r / so[d]); r -= q * so[d]; k += q * ss[d]; }
      return v.data[k];
    };
    const so = stridesOf(shape), sc = broadcastStrides(cond!.dims, shape), sx = broadcastStrides(x!.dims, shape), sy = broadcastStrides(y!.dims, shape);
    const out = Array.from({ length: checkedSize(shape, c.node.label, MAX_FOLD_ELEMENTS) }, (_, i) => (pick(cond!, i, sc, so) ? pick(x!, i, sx, so) : pick(y!, i, sy, so)));
    return [make(shape, x!.dtype, out)];
  },
};

/** How many leading inputs each foldable operator requires (default 1). */
const ARITY: Record<string, number> = {
  Constant: 0, Reshape: 2, Gather: 2, Expand: 2, Range: 3, Add: 2, Sub: 2, Mul: 2, Div: 2, Equal: 2, Less: 2, Greater: 2, Where: 3,
};

function requireInputs(c: OpContext): void {
  const n = c.node.opType === "Slice" && c.opset >= 10 ? 3 : ARITY[c.node.opType] ?? 1;
  for (let i = 0; i < n; i++) c.input(i);
}

/** Operators evaluated at load whenever all their inputs are constants. */
export const FOLDABLE = new Set(Object.keys(FOLDS).concat(["Shape", "Size"]));

/**
 * The node's outputs if it folds: Shape/Size from the input's shape alone, the others when every
 * present input is a constant. Null when it has to run as a compute op.
 */
export function foldNode(c: OpContext): Value[] | null {
  const op = c.node.opType;
  if (op === "Shape" || op === "Size") {
    const shape = c.input(0).shape;
    if (op === "Size") return [make([], "int64", [numel(shape)])];
    const r = shape.length;
    const cl = (x: number) => Math.min(Math.max(x < 0 ? x + r : x, 0), r);
    const s = cl(c.attrs.int("start", 0)), e = c.attrs.has("end") ? cl(c.attrs.int("end", r)) : r;
    return [make([Math.max(e - s, 0)], "int64", shape.slice(s, e))];
  }
  const f = FOLDS[op];
  if (!f || c.ins.some((s, i) => c.node.inputs[i] !== "" && !s?.value)) return null;
  requireInputs(c);
  return f(c, c.ins.map((s) => s?.value));
}

/**
 * A foldable operator over run-time float32 tensors (Gather on activations, Slice, Expand, Where, …):
 * the same TS evaluation at every run, reading its inputs from wasm memory. Output shapes come from
 * evaluating once at load with zeros, so operators whose output shape depends on run-time values
 * (Range) and integer results are refused.
 */
export function runtimeOp(c: OpContext): Op {
  const f = FOLDS[c.node.opType];
  if (!f || c.node.opType === "Range" || c.node.opType === "ConstantOfShape") {
    return c.fail(`${c.node.opType} is supported only on values known at load (shape computations); here it reads a run-time tensor`);
  }
  requireInputs(c);
  const probe = c.ins.map((s) => s && (s.value ?? { dims: s.shape, dtype: "float32" as const, data: new Float32Array(numel(s.shape)) }));
  const out = f(c, probe);
  if (out.some((v) => v.dtype !== "float32")) c.fail(`${c.node.opType} would produce integers at run time; only float32 tensors flow at run time`);
  const constInputs = c.ins.flatMap((s, i) => (s?.value ? [i] : []));
  return {
    out: out.map((v) => v.dims), constInputs,
    run(e, ins, outs) {
      const vals = probe.map((v, i) => (v && !constInputs.includes(i) ? { ...v, data: e.read(ins[i], v.data.length) } : v));
      f(c, vals).forEach((v, i) => outs[i] && e.write(outs[i], v.data));
    },
  };
}
