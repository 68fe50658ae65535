// Vectorized f32x4 exp, log, sigmoid and tanh (Cephes expf / logf / tanhf), shared by the activation, softmax, cost and recurrent kernels.
// Never exported to JS (index.ts does not list this file). The same code runs for SIMD bodies and
// scalar tails (the tail splats one value through it), so a value's result never depends on where it
// lands in a buffer. Polynomials go through madd: fused in the relaxed build, mul+add in the plain one.
import { madd } from "./util";

// exp(x) = 2^n * e^r with n = round(x / ln2) and |r| <= ln2/2.
const LOG2E: f32 = 1.44269504088896341;
// ln2 split in two (Cody-Waite): n * EXP_C1 is exact for |n| <= 128 (EXP_C1 has 9 significant bits).
const EXP_C1: f32 = 0.693359375;
const EXP_C2: f32 = -2.12194440e-4;
// Above EXP_HI, n would reach 128 and 2^n would overflow the exponent field: the result is +inf.
const EXP_HI: f32 = 88.37;
// Below EXP_LO (= ln of the smallest normal f32) the result would be subnormal: it is flushed to 0.
const EXP_LO: f32 = -87.33654;

/**
 * e^x per lane, max relative error ~1.5e-7 on [EXP_LO, EXP_HI] (measured against float64 in
 * test/kernels/activation.test.ts). x > EXP_HI gives +inf, x < EXP_LO gives 0, NaN stays NaN:
 * no finite input ever produces NaN.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const big = f32x4.gt(x, f32x4.splat(EXP_HI));
  const tiny = f32x4.lt(x, f32x4.splat(EXP_LO));
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = madd(n, f32x4.splat(-EXP_C1), x);
  r = madd(n, f32x4.splat(-EXP_C2), r);
  // e^r ~ 1 + r + r^2 * P(r): Cephes expf's minimax coefficients
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  // 2^n built directly in the exponent bits: n in [-126, 127], so the biased exponent is in [1, 254]
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const y = f32x4.mul(er, pow2n);
  return v128.andnot(v128.bitselect(f32x4.splat(Infinity), y, big), tiny);
}

const SQRTHF: f32 = 0.707106781186547524;

/**
 * ln(x) per lane for positive NORMAL x (callers clamp to >= the smallest normal f32 first), max
 * relative error ~1e-7 away from x = 1 and absolute error ~1e-7 near it (Cephes logf).
 */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), read straight from the bits
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const lt = f32x4.lt(m, f32x4.splat(SQRTHF)); // all-ones lanes (-1) where m < sqrt(1/2)
  e = i32x4.add(e, lt);                         // then use 2m and e - 1
  const f = f32x4.sub(f32x4.add(m, v128.and(m, lt)), f32x4.splat(1));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  // ln(1 + f) ~ f - f^2/2 + f^3 * P(f)
  let p = f32x4.splat(7.0376836292e-2);
  p = madd(p, f, f32x4.splat(-1.1514610310e-1));
  p = madd(p, f, f32x4.splat(1.1676998740e-1));
  p = madd(p, f, f32x4.splat(-1.2420140846e-1));
  p = madd(p, f, f32x4.splat(1.4249322787e-1));
  p = madd(p, f, f32x4.splat(-1.6668057665e-1));
  p = madd(p, f, f32x4.splat(2.0000714765e-1));
  p = madd(p, f, f32x4.splat(-2.4999993993e-1));
  p = madd(p, f, f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = madd(fe, f32x4.splat(EXP_C2), y);     // e * ln2, low part first
  y = madd(z, f32x4.splat(-0.5), y);
  return madd(fe, f32x4.splat(EXP_C1), f32x4.add(f, y));
}

/** Lane 0 of v: scalar tails run the SIMD algorithm on a splat and keep one lane. */
// @ts-ignore: decorator
@inline export function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/** sigma(x) = 1 / (1 + e^-x): e^-x is +inf below x = -88.37 (giving exactly 0) and rounds away above 17 (exactly 1). */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh(x), Cephes tanhf: an odd polynomial below |x| = 0.625, else 1 - 2 / (e^{2|x|} + 1) with x's sign. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const one = f32x4.splat(1);
  const ax = f32x4.abs(x);
  // small |x|: x + x^3 P(x^2) keeps full relative accuracy where 1 - 2/(e^2x + 1) would cancel
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = madd(p, z, f32x4.splat(2.06390887954e-2));
  p = madd(p, z, f32x4.splat(-5.37397155531e-2));
  p = madd(p, z, f32x4.splat(1.33314422036e-1));
  p = madd(p, z, f32x4.splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), x, x);
  // large |x|: e^{2|x|} is +inf past |x| = 44.2, so the result saturates to exactly +-1, never NaN
  const e = exp4(f32x4.add(ax, ax));
  let big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  big = v128.or(big, v128.and(x, f32x4.splat(-0.0))); // copy x's sign bit
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
}
