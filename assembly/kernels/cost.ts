// Costs and their output deltas (network2.py's cost classes). a (activations) and y (targets) are
// (B, C) f32, or (N) for the deltas. Costs RETURN the f64 sum over the whole batch (the caller
// divides by n), accumulated in f64. Deltas WRITE delta = scale * dC/d(.): they seed backprop, so
// there is nothing to add to.
import { at } from "./util";
import { log4, lane0 } from "./vmath";

// Log arguments are clamped to >= the smallest normal f32 (ln = -87.34), so every cost is finite, and a
// term whose coefficient is 0 contributes exactly 0 (network2.py's np.nan_to_num, without the inf).
const TINY: f32 = 1.17549435e-38;
// cross_entropy_grad clamps a into [CE_EPS, 1 - CE_EPS] (Keras's epsilon); 1 - 2^-23 is 1 - CE_EPS in f32.
const CE_EPS: f32 = 1e-7;
const CE_HI: f32 = 0.99999988079071044921875;

/** v's four f32 lanes widened to f64 and summed pairwise into two f64 lanes. */
// @ts-ignore: decorator
@inline function widen(v: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
}

/** -[y ln a + (1 - y) ln(1 - a)] per lane, with clamped logs. */
// @ts-ignore: decorator
@inline function xent4(a: v128, y: v128): v128 {
  const one = f32x4.splat(1), tiny = f32x4.splat(TINY);
  const la = log4(f32x4.pmax(a, tiny));
  const l1a = log4(f32x4.pmax(f32x4.sub(one, a), tiny));
  return f32x4.neg(f32x4.add(f32x4.mul(y, la), f32x4.mul(f32x4.sub(one, y), l1a)));
}

/** -y ln a per lane, with a clamped log. */
// @ts-ignore: decorator
@inline function nll4(a: v128, y: v128): v128 {
  return f32x4.neg(f32x4.mul(y, log4(f32x4.pmax(a, f32x4.splat(TINY)))));
}

export function quadratic_cost(a: usize, y: usize, B: i32, C: i32): f64 {
  // sum_i 0.5 (a[i] - y[i])^2, computed in f64 (differences and squares of f32 values are then exact)
  const N = B * C;
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const va = v128.load(at(a, i)), vy = v128.load(at(y, i));
    const dlo = f64x2.sub(f64x2.promote_low_f32x4(va), f64x2.promote_low_f32x4(vy));
    const dhi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(va, va, 2, 3, 2, 3)),
                          f64x2.promote_low_f32x4(v128.shuffle<f32>(vy, vy, 2, 3, 2, 3)));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(dlo, dlo), f64x2.mul(dhi, dhi)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < N; i++) {
    const d = <f64>load<f32>(at(a, i)) - <f64>load<f32>(at(y, i));
    s += d * d;
  }
  return 0.5 * s;
}

export function cross_entropy_cost(a: usize, y: usize, B: i32, C: i32): f64 {
  // sum_i -[y ln a + (1 - y) ln(1 - a)], each log argument clamped to >= TINY
  const N = B * C;
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) acc = f64x2.add(acc, widen(xent4(v128.load(at(a, i)), v128.load(at(y, i)))));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < N; i++) {
    s += <f64>lane0(xent4(f32x4.splat(load<f32>(at(a, i))), f32x4.splat(load<f32>(at(y, i)))));
  }
  return s;
}

export function log_likelihood_cost(a: usize, y: usize, B: i32, C: i32): f64 {
  // sum_i -y ln a (= -ln a[label] summed over rows for one-hot y), the log argument clamped to >= TINY
  const N = B * C;
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) acc = f64x2.add(acc, widen(nll4(v128.load(at(a, i)), v128.load(at(y, i)))));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < N; i++) {
    s += <f64>lane0(nll4(f32x4.splat(load<f32>(at(a, i))), f32x4.splat(load<f32>(at(y, i)))));
  }
  return s;
}

export function cost_diff(delta: usize, a: usize, y: usize, N: i32, scale: f32): void {
  // delta[i] = scale * (a[i] - y[i]): the quadratic cost's dC/da, and dC/dz for sigmoid + cross-entropy
  // and for softmax + log-likelihood (network2.py's CrossEntropyCost.delta)
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    v128.store(at(delta, i), f32x4.mul(vs, f32x4.sub(v128.load(at(a, i)), v128.load(at(y, i)))));
  }
  for (; i < N; i++) store<f32>(at(delta, i), scale * (load<f32>(at(a, i)) - load<f32>(at(y, i))));
}

export function cross_entropy_grad(delta: usize, a: usize, y: usize, N: i32, scale: f32): void {
  // delta[i] = scale * (a - y) / (a (1 - a)) with a clamped into [CE_EPS, 1 - CE_EPS]: the general
  // dC/da of the cross-entropy, finite even at a = 0 or 1 (a = y = 1 gives -scale, the limit of -1/a)
  const vs = f32x4.splat(scale), one = f32x4.splat(1);
  const lo = f32x4.splat(CE_EPS), hi = f32x4.splat(CE_HI);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const ac = f32x4.pmin(f32x4.pmax(v128.load(at(a, i)), lo), hi);
    const num = f32x4.mul(vs, f32x4.sub(ac, v128.load(at(y, i))));
    v128.store(at(delta, i), f32x4.div(num, f32x4.mul(ac, f32x4.sub(one, ac))));
  }
  for (; i < N; i++) {
    let ac = load<f32>(at(a, i));
    ac = ac < CE_EPS ? CE_EPS : ac;
    ac = CE_HI < ac ? CE_HI : ac;
    store<f32>(at(delta, i), (scale * (ac - load<f32>(at(y, i)))) / (ac * (1 - ac)));
  }
}
