// Naive float64 reference for assembly/kernels/sgd.ts: one SGD step with L2 / L1 decay and
// optional (Nesterov) momentum, and network2.py's update_mini_batch rule to check it against.

export interface SgdOptions {
  lr: number;
  l2: number;
  l1: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * One step, in place: g' = grad + l2 w + l1 sign(w); without v, w -= lr g'; with v,
 * v = momentum v - lr g', then w += v (classical) or w += momentum v - lr g' (Nesterov).
 */
export function sgdStepRef(w: Float64Array, grad: ArrayLike<number>, v: Float64Array | null, o: SgdOptions): void {
  for (let i = 0; i < w.length; i++) {
    const g = grad[i] + o.l2 * w[i] + o.l1 * Math.sign(w[i]);
    if (!v) {
      w[i] -= o.lr * g;
    } else {
      v[i] = o.momentum * v[i] - o.lr * g;
      w[i] += o.nesterov ? o.momentum * v[i] - o.lr * g : v[i];
    }
  }
}

/** network2.py: w = (1 - eta lmbda / n) w - (eta / m) nabla_w, for a mini-batch of m out of n examples. */
export function network2UpdateRef(w: ArrayLike<number>, nablaW: ArrayLike<number>, eta: number, lmbda: number,
                                  n: number, m: number): Float64Array {
  return Float64Array.from(w, (wi, i) => (1 - (eta * lmbda) / n) * wi - (eta / m) * nablaW[i]);
}
