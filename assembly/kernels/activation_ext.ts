// More activations (ONNX / PyTorch), elementwise over N values; inp, out, dinp, dout are (N) f32.
// *_forward WRITES out = f(inp) (out may alias inp). *_backward ADDS dinp += dout * f'(inp): unlike
// sigmoid/tanh/relu these take the forward INPUT, because hard_swish's and gelu's derivatives are not
// functions of the output. *_prime WRITES out = f'(inp). Scalars (alpha, ...) come last. Scalar tails
// run the SIMD code on one lane, so a value's result never depends on where it sits in the buffer.
// At a kink the derivative is the right-hand side's only where PyTorch's is: x > 0 (leaky_relu, elu),
// lo < x < hi (clip, like hardtanh), -3 < x < 3 for hard_swish's middle piece (x <= -3: 0, x >= 3: 1).
import { at, madd } from "./util";
import { exp4, lane0, tanh4 } from "./vmath";

const LEAKY = 0, ELU = 1, HSIG = 2, HSWISH = 3, CLIP = 4, GELU = 5, GELU_TANH = 6;
// gelu_tanh: 0.5 x (1 + tanh(K (x + C x^3)))
const GK: f32 = 0.79788456080286536, GC: f32 = 0.044715;

/**
 * erfc(z) for z >= 0, Numerical Recipes' erfcc (Chebyshev fit, fractional error < 1.2e-7 in exact
 * arithmetic): t = 1 / (1 + z/2), erfc = t * exp(-z^2 - 1.26551223 + t * P(t)), P by Horner through madd.
 * One formula for every z, with full relative accuracy in the tail (where 1 - erf would cancel); exp4
 * flushes it to 0 past z ~ 9.3. Measured against a float64 erf in test/kernels/activation_ext.test.ts.
 */
// @ts-ignore: decorator
@inline function erfc4(z: v128): v128 {
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))));
  let p = f32x4.splat(0.17087277);
  p = madd(p, t, f32x4.splat(-0.82215223));
  p = madd(p, t, f32x4.splat(1.48851587));
  p = madd(p, t, f32x4.splat(-1.13520398));
  p = madd(p, t, f32x4.splat(0.27886807));
  p = madd(p, t, f32x4.splat(-0.18628806));
  p = madd(p, t, f32x4.splat(0.09678418));
  p = madd(p, t, f32x4.splat(0.37409196));
  p = madd(p, t, f32x4.splat(1.00002368));
  p = madd(p, t, f32x4.splat(-1.26551223));
  return f32x4.mul(t, exp4(f32x4.sub(p, f32x4.mul(z, z))));
}

/** Phi(x) = P(N(0,1) <= x) = erfc(-x / sqrt2) / 2: erfc(|x| / sqrt2) / 2 for x < 0, 1 - that for x >= 0. */
// @ts-ignore: decorator
@inline function phi4(x: v128): v128 {
  const half = f32x4.mul(erfc4(f32x4.mul(f32x4.abs(x), f32x4.splat(0.70710678118654752))), f32x4.splat(0.5));
  return v128.bitselect(half, f32x4.sub(f32x4.splat(1), half), f32x4.lt(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function f4(op: i32, x: v128, a: f32, b: f32): v128 {
  const zero = f32x4.splat(0), pos = f32x4.gt(x, zero);
  if (op == LEAKY) return v128.bitselect(x, f32x4.mul(x, f32x4.splat(a)), pos);       // x > 0 ? x : a x
  if (op == ELU) return v128.bitselect(x, f32x4.mul(f32x4.splat(a), f32x4.sub(exp4(x), f32x4.splat(1))), pos);
  if (op == HSIG) return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, f32x4.splat(a)), f32x4.splat(b)), zero), f32x4.splat(1));
  if (op == HSWISH) { // x * (relu6(x + 3) / 6) (ONNX's alpha = 1/6, beta = 1/2): x * relu6 / 6 would overflow past 5.7e37
    const r6 = f32x4.pmin(f32x4.pmax(f32x4.add(x, f32x4.splat(3)), zero), f32x4.splat(6));
    return f32x4.mul(x, f32x4.div(r6, f32x4.splat(6)));
  }
  if (op == CLIP) return f32x4.pmin(f32x4.pmax(x, f32x4.splat(a)), f32x4.splat(b)); // NaN passes through
  if (op == GELU_TANH) return f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), f32x4.add(f32x4.splat(1), tanh4(gelu_u(x))));
  return f32x4.mul(x, phi4(x)); // GELU: x Phi(x)
}

/** K (x + C x^3), the argument of gelu_tanh's tanh. */
// @ts-ignore: decorator
@inline function gelu_u(x: v128): v128 {
  return f32x4.mul(f32x4.splat(GK), f32x4.add(x, f32x4.mul(f32x4.splat(GC), f32x4.mul(x, f32x4.mul(x, x)))));
}

/** f'(x). */
// @ts-ignore: decorator
@inline function df4(op: i32, x: v128, a: f32, b: f32): v128 {
  const one = f32x4.splat(1), zero = f32x4.splat(0), pos = f32x4.gt(x, zero);
  if (op == LEAKY) return v128.bitselect(one, f32x4.splat(a), pos);
  if (op == ELU) return v128.bitselect(one, f32x4.mul(f32x4.splat(a), exp4(x)), pos);
  if (op == HSIG) {
    const y = f32x4.add(f32x4.mul(x, f32x4.splat(a)), f32x4.splat(b));
    return v128.and(f32x4.splat(a), v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)));
  }
  if (op == HSWISH) {
    const mid = f32x4.add(f32x4.div(x, f32x4.splat(3)), f32x4.splat(0.5));
    const v = v128.bitselect(one, mid, f32x4.ge(x, f32x4.splat(3)));
    return v128.and(v, f32x4.gt(x, f32x4.splat(-3)));
  }
  if (op == CLIP) return v128.and(one, v128.and(f32x4.gt(x, f32x4.splat(a)), f32x4.lt(x, f32x4.splat(b))));
  if (op == GELU_TANH) { // (1 + t) / 2 + x (1 - t^2) K (1 + 3 C x^2) / 2, t = tanh(u)
    const t = tanh4(gelu_u(x)), du = f32x4.mul(f32x4.splat(GK), f32x4.add(one, f32x4.mul(f32x4.splat(3 * GC), f32x4.mul(x, x))));
    const sech2 = f32x4.mul(f32x4.sub(one, t), f32x4.add(one, t));
    return f32x4.mul(f32x4.splat(0.5), f32x4.add(f32x4.add(one, t), f32x4.mul(f32x4.mul(x, sech2), du)));
  }
  // GELU: Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
  const dens = f32x4.mul(exp4(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5))), f32x4.splat(0.39894228040143268));
  return f32x4.add(phi4(x), f32x4.mul(x, dens));
}

// @ts-ignore: decorator
@inline function map(op: i32, out: usize, inp: usize, N: i32, a: f32, b: f32): void {
  // out[i] = f(inp[i])
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), f4(op, v128.load(at(inp, i)), a, b));
  for (; i < N; i++) store<f32>(at(out, i), lane0(f4(op, v128.load32_splat(at(inp, i)), a, b)));
}

// @ts-ignore: decorator
@inline function prime(op: i32, out: usize, inp: usize, N: i32, a: f32, b: f32): void {
  // out[i] = f'(inp[i])
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), df4(op, v128.load(at(inp, i)), a, b));
  for (; i < N; i++) store<f32>(at(out, i), lane0(df4(op, v128.load32_splat(at(inp, i)), a, b)));
}

// @ts-ignore: decorator
@inline function grad(op: i32, dinp: usize, inp: usize, dout: usize, N: i32, a: f32, b: f32): void {
  // forward was: out = f(inp), so dinp[i] += dout[i] * f'(inp[i])
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const g = f32x4.mul(v128.load(at(dout, i)), df4(op, v128.load(at(inp, i)), a, b));
    v128.store(at(dinp, i), f32x4.add(v128.load(at(dinp, i)), g));
  }
  for (; i < N; i++) {
    const g = lane0(f32x4.mul(v128.load32_splat(at(dout, i)), df4(op, v128.load32_splat(at(inp, i)), a, b)));
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + g);
  }
}

/** leaky_relu: x > 0 ? x : alpha x. */
export function leaky_relu_forward(out: usize, inp: usize, N: i32, alpha: f32): void { map(LEAKY, out, inp, N, alpha, 0); }
export function leaky_relu_backward(dinp: usize, inp: usize, dout: usize, N: i32, alpha: f32): void { grad(LEAKY, dinp, inp, dout, N, alpha, 0); }
export function leaky_relu_prime(out: usize, inp: usize, N: i32, alpha: f32): void { prime(LEAKY, out, inp, N, alpha, 0); }
/** elu: x > 0 ? x : alpha (e^x - 1). */
export function elu_forward(out: usize, inp: usize, N: i32, alpha: f32): void { map(ELU, out, inp, N, alpha, 0); }
export function elu_backward(dinp: usize, inp: usize, dout: usize, N: i32, alpha: f32): void { grad(ELU, dinp, inp, dout, N, alpha, 0); }
export function elu_prime(out: usize, inp: usize, N: i32, alpha: f32): void { prime(ELU, out, inp, N, alpha, 0); }
/** hard_sigmoid: max(0, min(1, alpha x + beta)) (ONNX defaults alpha 0.2, beta 0.5; PyTorch's is 1/6, 1/2). */
export function hard_sigmoid_forward(out: usize, inp: usize, N: i32, alpha: f32, beta: f32): void { map(HSIG, out, inp, N, alpha, beta); }
export function hard_sigmoid_backward(dinp: usize, inp: usize, dout: usize, N: i32, alpha: f32, beta: f32): void { grad(HSIG, dinp, inp, dout, N, alpha, beta); }
export function hard_sigmoid_prime(out: usize, inp: usize, N: i32, alpha: f32, beta: f32): void { prime(HSIG, out, inp, N, alpha, beta); }
/** hard_swish: x relu6(x + 3) / 6. */
export function hard_swish_forward(out: usize, inp: usize, N: i32): void { map(HSWISH, out, inp, N, 0, 0); }
export function hard_swish_backward(dinp: usize, inp: usize, dout: usize, N: i32): void { grad(HSWISH, dinp, inp, dout, N, 0, 0); }
export function hard_swish_prime(out: usize, inp: usize, N: i32): void { prime(HSWISH, out, inp, N, 0, 0); }
/** clip: min(max(x, lo), hi); ReLU6 is clip(0, 6). */
export function clip_forward(out: usize, inp: usize, N: i32, lo: f32, hi: f32): void { map(CLIP, out, inp, N, lo, hi); }
export function clip_backward(dinp: usize, inp: usize, dout: usize, N: i32, lo: f32, hi: f32): void { grad(CLIP, dinp, inp, dout, N, lo, hi); }
export function clip_prime(out: usize, inp: usize, N: i32, lo: f32, hi: f32): void { prime(CLIP, out, inp, N, lo, hi); }
/** gelu: x Phi(x) = x erfc(-x / sqrt2) / 2, the exact (erf) form, not the tanh approximation. */
export function gelu_forward(out: usize, inp: usize, N: i32): void { map(GELU, out, inp, N, 0, 0); }
export function gelu_backward(dinp: usize, inp: usize, dout: usize, N: i32): void { grad(GELU, dinp, inp, dout, N, 0, 0); }
export function gelu_prime(out: usize, inp: usize, N: i32): void { prime(GELU, out, inp, N, 0, 0); }
/** gelu_tanh: x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2, ONNX Gelu's approximate = "tanh" (PyTorch's too). */
export function gelu_tanh_forward(out: usize, inp: usize, N: i32): void { map(GELU_TANH, out, inp, N, 0, 0); }
export function gelu_tanh_backward(dinp: usize, inp: usize, dout: usize, N: i32): void { grad(GELU_TANH, dinp, inp, dout, N, 0, 0); }
export function gelu_tanh_prime(out: usize, inp: usize, N: i32): void { prime(GELU_TANH, out, inp, N, 0, 0); }
