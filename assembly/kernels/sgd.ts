// One fused SGD step over N parameters: param, grad and vel are (N) f32; vel = 0 (a null pointer)
// means no momentum buffer. Updates param (and vel) in place; grad is only read. Weight decay:
//   g' = grad + l2 * w + l1 * sign(w)        (sign(0) = 0; pass l2 = l1 = 0 for biases)
// With l2 = lambda / n this is network2.py's w -> (1 - eta lambda / n) w - eta grad, up to rounding.
import { at, madd, fmadd } from "./util";
import { decay1, decay4 } from "./decay";

const PLAIN = 0;
const MOMENTUM = 1;
const NESTEROV = 2;

/** The whole update for one mode; mode is a constant at each call site, so its branches fold away. */
// @ts-ignore: decorator
@inline function update(mode: i32, param: usize, grad: usize, vel: usize, N: i32,
                        lr: f32, l2: f32, l1: f32, momentum: f32): void {
  const vnlr = f32x4.splat(-lr), vl2 = f32x4.splat(l2), vl1 = f32x4.splat(l1), vmu = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    let w = v128.load(at(param, i));
    const g = decay4(v128.load(at(grad, i)), w, vl2, vl1);
    if (mode == PLAIN) {
      w = madd(vnlr, g, w);                           // w -= lr g'
    } else {
      const step = f32x4.mul(vnlr, g);                // -lr g'
      const v = madd(vmu, v128.load(at(vel, i)), step); // v = mu v - lr g'
      v128.store(at(vel, i), v);
      // classical: w += v; Nesterov (Sutskever et al. 2013): w += mu v_new - lr g'
      w = f32x4.add(w, mode == NESTEROV ? madd(vmu, v, step) : v);
    }
    v128.store(at(param, i), w);
  }
  for (; i < N; i++) {
    let w = load<f32>(at(param, i));
    const g = decay1(load<f32>(at(grad, i)), w, l2, l1);
    if (mode == PLAIN) {
      w = fmadd(-lr, g, w);
    } else {
      const step = -lr * g;
      const v = fmadd(momentum, load<f32>(at(vel, i)), step);
      store<f32>(at(vel, i), v);
      w += mode == NESTEROV ? fmadd(momentum, v, step) : v;
    }
    store<f32>(at(param, i), w);
  }
}

export function sgd_update(param: usize, grad: usize, vel: usize, N: i32, lr: f32, l2: f32, l1: f32,
                           momentum: f32, nesterov: i32): void {
  // plain: w -= lr g'; momentum: v = mu v - lr g', w += v; Nesterov: the same v, w += mu v - lr g'
  if (vel == 0) update(PLAIN, param, grad, vel, N, lr, l2, l1, momentum);
  else if (nesterov != 0) update(NESTEROV, param, grad, vel, N, lr, l2, l1, momentum);
  else update(MOMENTUM, param, grad, vel, N, lr, l2, l1, momentum);
}
