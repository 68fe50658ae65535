// Naive float64 references for assembly/kernels/optim.ts: one step of Adam, RMSProp and AdaGrad with
// the SGD path's L2 / L1 decay (g' = grad + l2 w + l1 sign w), written straight from the papers.

export interface AdaptiveRefOptions {
  kind: "adam" | "rmsprop" | "adagrad";
  lr: number;
  l2: number;
  l1: number;
  beta1: number;
  /** Adam's β₂, RMSProp's ρ (unused by AdaGrad). */
  beta2: number;
  eps: number;
}

/**
 * Step t (1-based) in place. Adam (Kingma & Ba, Algorithm 1): m ← β₁m + (1−β₁)g', v ← β₂v + (1−β₂)g'²,
 * w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). RMSProp: v ← ρv + (1−ρ)g'²,
 * w ← w − lr·g'/(√v + ε). AdaGrad: v ← v + g'², w ← w − lr·g'/(√v + ε). (The kernels flush values
 * below 1e-30 to 0 against denormal slowdowns; that is far inside every tolerance, so not modelled.)
 */
export function adaptiveStepRef(w: Float64Array, grad: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, o: AdaptiveRefOptions): void {
  for (let i = 0; i < w.length; i++) {
    const g = grad[i] + o.l2 * w[i] + o.l1 * Math.sign(w[i]);
    if (o.kind === "adam") {
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
      const mhat = m[i] / (1 - Math.pow(o.beta1, t));
      const vhat = v[i] / (1 - Math.pow(o.beta2, t));
      w[i] -= (o.lr * mhat) / (Math.sqrt(vhat) + o.eps);
    } else {
      v[i] = o.kind === "rmsprop" ? o.beta2 * v[i] + (1 - o.beta2) * g * g : v[i] + g * g;
      w[i] -= (o.lr * g) / (Math.sqrt(v[i]) + o.eps);
    }
  }
}
