// Lane helpers for the recurrent cells (lstm.ts, gru.ts): one body serves the SIMD loop and the scalar
// tail. Never exported to JS (index.ts does not list this file).
import { at } from "./util";

// 4 lanes at j, or (one) a single value splatted in and lane 0 written back: tails do the same arithmetic.
// @ts-ignore: decorator
@inline export function ld(p: usize, j: i32, one: bool): v128 { return one ? v128.load32_splat(at(p, j)) : v128.load(at(p, j)); }
// @ts-ignore: decorator
@inline export function ldz(p: usize, j: i32, one: bool): v128 { return p == 0 ? f32x4.splat(0) : ld(p, j, one); }
// @ts-ignore: decorator
@inline export function st(p: usize, j: i32, v: v128, one: bool): void { if (one) store<f32>(at(p, j), f32x4.extract_lane(v, 0)); else v128.store(at(p, j), v); }
// @ts-ignore: decorator
@inline export function acc(p: usize, j: i32, v: v128, one: bool): void { if (p != 0) st(p, j, f32x4.add(ld(p, j, one), v), one); }
/** s (1 - s): the sigmoid's derivative from its output. */
// @ts-ignore: decorator
@inline export function dsig(s: v128): v128 { return f32x4.mul(s, f32x4.sub(f32x4.splat(1), s)); }
/** 1 - t^2 = (1 - t)(1 + t): tanh's derivative from its output. */
// @ts-ignore: decorator
@inline export function dtanh(t: v128): v128 { return f32x4.mul(f32x4.sub(f32x4.splat(1), t), f32x4.add(f32x4.splat(1), t)); }

