// Weight decay shared by the fused optimizer kernels (sgd.ts, optim.ts): never exported to JS.
//   g' = grad + l2 * w + l1 * sign(w)        (sign(0) = 0; pass l2 = l1 = 0 for biases)
import { madd, fmadd } from "./util";

/** -1, 0 or +1 per lane: the sign bit of w on 1.0, masked to 0 where w == 0 (also for -0). */
// @ts-ignore: decorator
@inline export function sign4(w: v128): v128 {
  const s = v128.or(v128.and(w, f32x4.splat(-0.0)), f32x4.splat(1));
  return v128.and(s, f32x4.ne(w, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline export function sign1(w: f32): f32 {
  return w != 0 ? copysign<f32>(1, w) : 0; // NaN gives +-1, as in sign4
}

/** g + l2 w + l1 sign(w) per lane, rounded exactly as sgd_update rounds it. */
// @ts-ignore: decorator
@inline export function decay4(g: v128, w: v128, vl2: v128, vl1: v128): v128 {
  return madd(vl1, sign4(w), madd(vl2, w, g));
}

// @ts-ignore: decorator
@inline export function decay1(g: f32, w: f32, l2: f32, l1: f32): f32 {
  return fmadd(l1, sign1(w), fmadd(l2, w, g));
}
