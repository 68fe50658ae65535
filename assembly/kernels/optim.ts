// Adaptive optimizers as one fused pass over N parameters (Adam, RMSProp, AdaGrad), plus what the
// full-batch and Hessian-free methods need (decay gradient, f64 dot, the R-operator's f'' term). param, grad and the state buffers m, v are (N) f32; param
// and the state are updated in place, grad is only read. Weight decay as in sgd.ts (decay.ts):
//   g' = grad + l2 * w + l1 * sign(w)        (pass l2 = l1 = 0 for biases)
import { at, madd, fmadd } from "./util";
import { decay1, decay4 } from "./decay";

// wasm has no flush-to-zero mode and denormal f32 arithmetic is ~100× slower on x86: with L2, Adam
// shrinks weights that never see a gradient (MNIST's border pixels) geometrically into denormals, and
// epochs of [784,30,10] went from 0.15 s to 1.1 s. So w, m and v below TINY in magnitude become 0.
const TINY: f32 = 1e-30;

/** x with every lane of magnitude below TINY set to +0. */
// @ts-ignore: decorator
@inline function ftz4(x: v128): v128 {
  return v128.and(x, f32x4.ge(f32x4.abs(x), f32x4.splat(TINY)));
}

// @ts-ignore: decorator
@inline function ftz1(x: f32): f32 {
  return Mathf.abs(x) >= TINY ? x : 0;
}

const ADAM = 0;
const SCALED = 1; // RMSProp and AdaGrad: no first moment, v = a v + b g'^2

/**
 * v = a v + b g'^2, then w -= lr * num / (sqrt(c2 v) + eps) with num = c1 m (Adam, after
 * m = beta1 m + (1 - beta1) g') or num = g'. mode is a constant at each call site.
 */
// @ts-ignore: decorator
@inline function update(mode: i32, param: usize, grad: usize, m: usize, v: usize, N: i32, lr: f32,
                        l2: f32, l1: f32, beta1: f32, a: f32, b: f32, eps: f32, c1: f32, c2: f32): void {
  const vnlr = f32x4.splat(-lr), vl2 = f32x4.splat(l2), vl1 = f32x4.splat(l1);
  const vb1 = f32x4.splat(beta1), v1mb1 = f32x4.splat(1 - beta1), va = f32x4.splat(a), vb = f32x4.splat(b);
  const veps = f32x4.splat(eps), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const w = v128.load(at(param, i));
    const g = decay4(v128.load(at(grad, i)), w, vl2, vl1);
    let num = g;
    if (mode == ADAM) {
      const mi = madd(vb1, v128.load(at(m, i)), f32x4.mul(v1mb1, g)); // m = b1 m + (1 - b1) g'
      v128.store(at(m, i), ftz4(mi));
      num = f32x4.mul(vc1, mi);                                       // m-hat = m / (1 - b1^t)
    }
    const vi = madd(va, v128.load(at(v, i)), f32x4.mul(vb, f32x4.mul(g, g)));
    v128.store(at(v, i), ftz4(vi));
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vc2, vi)), veps);
    v128.store(at(param, i), ftz4(madd(vnlr, f32x4.div(num, den), w)));
  }
  for (; i < N; i++) {
    const w = load<f32>(at(param, i));
    const g = decay1(load<f32>(at(grad, i)), w, l2, l1);
    let num = g;
    if (mode == ADAM) {
      const mi = fmadd(beta1, load<f32>(at(m, i)), (1 - beta1) * g);
      store<f32>(at(m, i), ftz1(mi));
      num = c1 * mi;
    }
    const vi = fmadd(a, load<f32>(at(v, i)), b * (g * g));
    store<f32>(at(v, i), ftz1(vi));
    store<f32>(at(param, i), ftz1(fmadd(-lr, num / (Mathf.sqrt(c2 * vi) + eps), w)));
  }
}

export function adam_update(param: usize, grad: usize, m: usize, v: usize, N: i32, lr: f32, l2: f32, l1: f32,
                            beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32): void {
  // Kingma & Ba 2015, Algorithm 1: m = b1 m + (1-b1) g', v = b2 v + (1-b2) g'^2,
  // w -= lr (c1 m) / (sqrt(c2 v) + eps) with c1 = 1 / (1 - b1^t), c2 = 1 / (1 - b2^t) from the caller
  update(ADAM, param, grad, m, v, N, lr, l2, l1, beta1, beta2, 1 - beta2, eps, c1, c2);
}

export function rmsprop_update(param: usize, grad: usize, v: usize, N: i32, lr: f32, l2: f32, l1: f32,
                               rho: f32, eps: f32): void {
  // Hinton's lecture 6e: v = rho v + (1 - rho) g'^2, w -= lr g' / (sqrt(v) + eps)
  update(SCALED, param, grad, 0, v, N, lr, l2, l1, 0, rho, 1 - rho, eps, 1, 1);
}

export function adagrad_update(param: usize, grad: usize, v: usize, N: i32, lr: f32, l2: f32, l1: f32,
                               eps: f32): void {
  // Duchi et al. 2011 (diagonal): v += g'^2, w -= lr g' / (sqrt(v) + eps)
  update(SCALED, param, grad, 0, v, N, lr, l2, l1, 0, 1, 1, eps, 1, 1);
}

export function add_decay(grad: usize, param: usize, N: i32, l2: f32, l1: f32): void {
  // grad[i] += l2 * w[i] + l1 * sign(w[i]): the regularization terms' gradient, for full-batch methods
  const vl2 = f32x4.splat(l2), vl1 = f32x4.splat(l1);
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(grad, i), decay4(v128.load(at(grad, i)), v128.load(at(param, i)), vl2, vl1));
  for (; i < N; i++) store<f32>(at(grad, i), decay1(load<f32>(at(grad, i)), load<f32>(at(param, i)), l2, l1));
}

export function dot_f64(x: usize, y: usize, N: i32): f64 {
  // sum_i x[i] * y[i] in f64 lanes (products of f32 are exact in f64), in a fixed order
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const a = v128.load(at(x, i)), b = v128.load(at(y, i));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b)));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3)),
                                     f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 2, 3))));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < N; i++) s += <f64>load<f32>(at(x, i)) * <f64>load<f32>(at(y, i));
  return s;
}

export function activation_second(dinp: usize, out: usize, rz: usize, dout: usize, N: i32, fn: i32): void {
  // dinp[i] += f''(z[i]) * rz[i] * dout[i], f'' read off the forward output a = f(z):
  // fn 0 sigmoid: f'' = a (1 - a)(1 - 2a); fn 1 tanh: f'' = -2 a (1 - a^2). The R-operator's extra
  // term in R{dL/dz} = f'(z) R{dL/da} + f''(z) R{z} dL/da (Pearlmutter 1994); ReLU/identity have f'' = 0.
  const one = f32x4.splat(1), two = f32x4.splat(2);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const a = v128.load(at(out, i));
    const s = fn == 0
      ? f32x4.mul(f32x4.mul(a, f32x4.sub(one, a)), f32x4.sub(one, f32x4.mul(two, a)))
      : f32x4.mul(f32x4.mul(f32x4.splat(-2), a), f32x4.sub(one, f32x4.mul(a, a)));
    const t = f32x4.mul(s, f32x4.mul(v128.load(at(rz, i)), v128.load(at(dout, i))));
    v128.store(at(dinp, i), f32x4.add(v128.load(at(dinp, i)), t));
  }
  for (; i < N; i++) {
    const a = load<f32>(at(out, i));
    const s: f32 = fn == 0 ? a * (1 - a) * (1 - 2 * a) : -2 * a * (1 - a * a);
    store<f32>(at(dinp, i), load<f32>(at(dinp, i)) + s * (load<f32>(at(rz, i)) * load<f32>(at(dout, i))));
  }
}
