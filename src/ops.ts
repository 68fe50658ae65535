/**
 * Checked wrappers over the kernels, on {@link Tensor}s: every shape is validated in TS and a
 * mismatch throws an Error naming what was expected, so bad input never reaches wasm as a trap.
 * Layers call the raw kernels (`engine.k`) on shapes they checked once at construction.
 */
import { Tensor, type Shape } from "./tensor.js";

function fail(op: string, msg: string): never {
  throw new RangeError(`simdnet: ${op}: ${msg}`);
}

function matrix(op: string, name: string, t: Tensor): [number, number] {
  if (!(t instanceof Tensor)) fail(op, `${name} must be a Tensor`);
  if (t.shape.length !== 2) fail(op, `${name} must be a matrix (2 dimensions), got shape [${t.shape}]`);
  return [t.shape[0], t.shape[1]];
}

function sameEngine(op: string, ...ts: Tensor[]): void {
  if (ts.some((t) => t.engine !== ts[0].engine)) fail(op, "all tensors must belong to the same engine");
}

function sameSize(op: string, a: Tensor, b: Tensor, an: string, bn: string): void {
  if (a.size !== b.size) fail(op, `${an} has shape [${a.shape}] but ${bn} has shape [${b.shape}]; expected equal sizes`);
}

/** Options of {@link gemm}: C = alpha · op(A) · op(B) + beta · C. */
export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** C = alpha · op(A) · op(B) + beta · C on row-major matrices (op = transpose when asked). */
export function gemm(c: Tensor, a: Tensor, b: Tensor, opts: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = opts;
  sameEngine("gemm", c, a, b);
  const [ar, ac] = matrix("gemm", "A", a);
  const [br, bc] = matrix("gemm", "B", b);
  const [M, N] = matrix("gemm", "C", c);
  const [am, ak] = transA ? [ac, ar] : [ar, ac];
  const [bk, bn] = transB ? [bc, br] : [br, bc];
  if (ak !== bk) fail("gemm", `inner dimensions differ: op(A) is ${am}x${ak} but op(B) is ${bk}x${bn}`);
  if (am !== M || bn !== N) fail("gemm", `C is ${M}x${N} but op(A)·op(B) is ${am}x${bn}`);
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) fail("gemm", `alpha and beta must be finite, got ${alpha}, ${beta}`);
  const e = c.engine;
  e.k.gemm(c.ptr, a.ptr, b.ptr, e.gemmScratch, M, N, ak, transA ? 1 : 0, transB ? 1 : 0, alpha, beta);
  return c;
}

/** A new tensor holding op(A) · op(B). */
export function matmul(a: Tensor, b: Tensor, opts: Omit<GemmOptions, "alpha" | "beta"> = {}): Tensor {
  const [ar, ac] = matrix("matmul", "A", a);
  const [br, bc] = matrix("matmul", "B", b);
  const shape: Shape = [opts.transA ? ac : ar, opts.transB ? br : bc];
  return gemm(Tensor.alloc(a.engine, shape), a, b, opts);
}

/** The elementwise activations, forward. */
export type ActivationName = "sigmoid" | "tanh" | "relu" | "identity" | "step";

/** out = f(inp) elementwise; out may be inp. */
export function activate(name: ActivationName, out: Tensor, inp: Tensor): Tensor {
  sameEngine("activate", out, inp);
  sameSize("activate", out, inp, "out", "inp");
  const k = out.engine.k;
  switch (name) {
    case "sigmoid": k.sigmoid_forward(out.ptr, inp.ptr, inp.size); break;
    case "tanh": k.tanh_forward(out.ptr, inp.ptr, inp.size); break;
    case "relu": k.relu_forward(out.ptr, inp.ptr, inp.size); break;
    case "step": k.step_forward(out.ptr, inp.ptr, inp.size); break;
    case "identity": if (out.ptr !== inp.ptr) k.copy(out.ptr, inp.ptr, inp.size); break;
    default: fail("activate", `unknown activation ${JSON.stringify(name)}; expected sigmoid, tanh, relu, identity or step`);
  }
  return out;
}

/** Row-wise softmax of a (B, C) matrix (max-subtracted). */
export function softmax(out: Tensor, inp: Tensor): Tensor {
  sameEngine("softmax", out, inp);
  const [B, C] = matrix("softmax", "inp", inp);
  const [ob, oc] = matrix("softmax", "out", out);
  if (ob !== B || oc !== C) fail("softmax", `out is [${out.shape}] but inp is [${inp.shape}]`);
  out.engine.k.softmax_forward(out.ptr, inp.ptr, B, C);
  return out;
}

/** y += alpha · x. */
export function axpy(y: Tensor, alpha: number, x: Tensor): Tensor {
  sameEngine("axpy", y, x);
  sameSize("axpy", y, x, "y", "x");
  y.engine.k.axpy(y.ptr, x.ptr, y.size, alpha);
  return y;
}

/** out[b, :] += bias for every row b of a (B, N) matrix. */
export function biasAdd(out: Tensor, bias: Tensor): Tensor {
  sameEngine("biasAdd", out, bias);
  const [B, N] = matrix("biasAdd", "out", out);
  if (bias.size !== N) fail("biasAdd", `bias has ${bias.size} values but out has ${N} columns`);
  out.engine.k.bias_add(out.ptr, bias.ptr, B, N);
  return out;
}

/** The index of each row's largest value (ties: the lowest index). */
export function argmax(inp: Tensor): Int32Array {
  const [B, C] = matrix("argmax", "inp", inp);
  const e = inp.engine;
  const mark = e.mark();
  const out = e.alloc(B);
  e.k.row_argmax(out, inp.ptr, B, C);
  const result = e.i32(out, B).slice();
  e.release(mark);
  return result;
}

/** Σ x² over every element (the L2 term's sum). */
export function sumSquares(x: Tensor): number {
  return x.engine.k.sum_squares(x.ptr, x.size);
}
