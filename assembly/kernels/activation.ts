// Activations, elementwise over N values; inp, out, dinp, dout are all (N) f32.
// *_forward WRITES out = f(inp) (out may alias inp). *_backward ACCUMULATES dinp += dout * f'
// computed from the forward OUTPUT out (llm.c's way: no need to keep inp). *_prime WRITES
// out = f'(inp), the book's sigmoid_prime(z). Scalar tails run the SIMD algorithm on one lane, so a
// value's result never depends on where it sits in the buffer.
import { at, madd, fmadd } from "./util";
import { exp4, lane0, sigmoid4, tanh4 } from "./vmath";

/** sigma'(x) = E / (1 + E)^2 with E = e^-|x| in (0, 1]: E = 0 past |x| = 87.3 gives exactly 0. */
// @ts-ignore: decorator
@inline function bell4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(f32x4.splat(1), e);
  return f32x4.div(e, f32x4.mul(d, d));
}

/** 1 where x > 0, else 0 (NaN gives 0): the perceptron's step and ReLU's derivative. */
// @ts-ignore: decorator
@inline function step4(x: v128): v128 {
  return v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1));
}

export function sigmoid_forward(out: usize, inp: usize, N: i32): void {
  // out[i] = 1 / (1 + exp(-inp[i]))
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), sigmoid4(v128.load(at(inp, i))));
  for (; i < N; i++) store<f32>(at(out, i), lane0(sigmoid4(f32x4.splat(load<f32>(at(inp, i))))));
}

export function sigmoid_backward(dinp: usize, out: usize, dout: usize, N: i32): void {
  // forward was: out = sigma(inp), and sigma' = sigma (1 - sigma), so dinp += dout * out * (1 - out)
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const o = v128.load(at(out, i));
    const g = f32x4.mul(v128.load(at(dout, i)), o);
    v128.store(at(dinp, i), madd(g, f32x4.sub(one, o), v128.load(at(dinp, i))));
  }
  for (; i < N; i++) {
    const o = load<f32>(at(out, i));
    store<f32>(at(dinp, i), fmadd(load<f32>(at(dout, i)) * o, 1 - o, load<f32>(at(dinp, i))));
  }
}

export function sigmoid_prime(out: usize, inp: usize, N: i32): void {
  // out[i] = sigma(x) (1 - sigma(x)) = E / (1 + E)^2 with E = exp(-|x|) (sigma' is even): full relative
  // accuracy in the tails, where s (1 - s) would round to 0 once s rounds to 1
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), bell4(v128.load(at(inp, i))));
  for (; i < N; i++) store<f32>(at(out, i), lane0(bell4(f32x4.splat(load<f32>(at(inp, i))))));
}

export function tanh_forward(out: usize, inp: usize, N: i32): void {
  // out[i] = tanh(inp[i])
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), tanh4(v128.load(at(inp, i))));
  for (; i < N; i++) store<f32>(at(out, i), lane0(tanh4(f32x4.splat(load<f32>(at(inp, i))))));
}

export function tanh_backward(dinp: usize, out: usize, dout: usize, N: i32): void {
  // forward was: out = tanh(inp), so dinp += dout * (1 - out^2), written (1 - out)(1 + out)
  // because 1 - out is exact near |out| = 1, where 1 - out*out would cancel
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const o = v128.load(at(out, i));
    const g = f32x4.mul(v128.load(at(dout, i)), f32x4.sub(one, o));
    v128.store(at(dinp, i), madd(g, f32x4.add(one, o), v128.load(at(dinp, i))));
  }
  for (; i < N; i++) {
    const o = load<f32>(at(out, i));
    store<f32>(at(dinp, i), fmadd(load<f32>(at(dout, i)) * (1 - o), 1 + o, load<f32>(at(dinp, i))));
  }
}

export function tanh_prime(out: usize, inp: usize, N: i32): void {
  // out[i] = 1 - tanh(x)^2 = 4 sigma'(2x) = 4 E / (1 + E)^2 with E = exp(-2|x|): no cancellation near |t| = 1
  const four = f32x4.splat(4);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const x = v128.load(at(inp, i));
    v128.store(at(out, i), f32x4.mul(four, bell4(f32x4.add(x, x))));
  }
  for (; i < N; i++) {
    const x = load<f32>(at(inp, i));
    store<f32>(at(out, i), 4 * lane0(bell4(f32x4.splat(x + x))));
  }
}

export function relu_forward(out: usize, inp: usize, N: i32): void {
  // out[i] = inp[i] < 0 ? 0 : inp[i]; pmax is one maxps (NaN passes through), f32x4.max is ~8 instructions
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), f32x4.pmax(v128.load(at(inp, i)), zero));
  for (; i < N; i++) {
    const x = load<f32>(at(inp, i));
    store<f32>(at(out, i), x < 0 ? 0 : x);
  }
}

export function relu_backward(dinp: usize, out: usize, dout: usize, N: i32): void {
  // forward was: out = max(inp, 0), so dinp += dout where out > 0
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const mask = f32x4.gt(v128.load(at(out, i)), zero); // all-ones lanes where out > 0
    const g = v128.and(v128.load(at(dout, i)), mask);
    v128.store(at(dinp, i), f32x4.add(v128.load(at(dinp, i)), g));
  }
  for (; i < N; i++) {
    if (load<f32>(at(out, i)) > 0) store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + load<f32>(at(dout, i)));
  }
}

export function relu_prime(out: usize, inp: usize, N: i32): void {
  // out[i] = inp[i] > 0 ? 1 : 0
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), step4(v128.load(at(inp, i))));
  for (; i < N; i++) store<f32>(at(out, i), load<f32>(at(inp, i)) > 0 ? 1 : 0);
}

export function step_forward(out: usize, inp: usize, N: i32): void {
  // out[i] = inp[i] > 0 ? 1 : 0: the perceptron of the book's chapter 1
  relu_prime(out, inp, N);
}
