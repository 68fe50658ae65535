// A float64 MLP (dense, sigmoid/tanh/relu/identity, softmax) with the book's three costs: the mean cost
// over a batch, its gradient by backprop, and Hessian-vector products by central differences of that
// float64 gradient (step 1e-5, accurate to ~1e-9): the reference for src/train/hessian.ts.

export type RefLayer =
  | { type: "dense"; C: number; OC: number; w: number; b: number } // offsets of W (OC, C) and b (OC) in θ
  | { type: "act"; fn: "sigmoid" | "tanh" | "relu" | "identity" }
  | { type: "softmax" };

export interface RefMlp {
  layers: RefLayer[];
  cost: "quadratic" | "cross-entropy" | "log-likelihood";
}

const f = { sigmoid: (z: number) => 1 / (1 + Math.exp(-z)), tanh: Math.tanh, relu: (z: number) => Math.max(z, 0), identity: (z: number) => z };
const fp = { sigmoid: (a: number) => a * (1 - a), tanh: (a: number) => 1 - a * a, relu: (a: number) => (a > 0 ? 1 : 0), identity: () => 1 };

/** Mean cost over the B examples of x (B, C0) with targets y (B, outputs), and ∂/∂θ into grad. */
export function lossGrad(net: RefMlp, theta: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, B: number, grad: Float64Array): number {
  grad.fill(0);
  let total = 0;
  const C0 = (net.layers[0] as { C: number }).C;
  for (let b = 0; b < B; b++) {
    const acts: number[][] = [Array.from({ length: C0 }, (_, i) => x[b * C0 + i])];
    for (const l of net.layers) {
      const a = acts[acts.length - 1];
      if (l.type === "dense") acts.push(Array.from({ length: l.OC }, (_, o) => a.reduce((s, v, c) => s + theta[l.w + o * l.C + c] * v, theta[l.b + o])));
      else if (l.type === "act") acts.push(a.map(f[l.fn]));
      else {
        const m = Math.max(...a), ex = a.map((v) => Math.exp(v - m)), s = ex.reduce((p, q) => p + q, 0);
        acts.push(ex.map((v) => v / s));
      }
    }
    const out = acts[acts.length - 1], yb = out.map((_, j) => y[b * out.length + j]);
    total += net.cost === "quadratic" ? 0.5 * out.reduce((s, a, j) => s + (a - yb[j]) ** 2, 0)
      : net.cost === "cross-entropy" ? -out.reduce((s, a, j) => s + yb[j] * Math.log(a) + (1 - yb[j]) * Math.log(1 - a), 0)
      : -out.reduce((s, a, j) => s + yb[j] * Math.log(a), 0);
    // dC/d(output), then back through each layer
    let d = out.map((a, j) => (net.cost === "quadratic" ? a - yb[j] : net.cost === "cross-entropy" ? (a - yb[j]) / (a * (1 - a)) : -yb[j] / a));
    for (let li = net.layers.length - 1; li >= 0; li--) {
      const l = net.layers[li], a = acts[li + 1], inp = acts[li];
      if (l.type === "act") d = d.map((v, j) => v * fp[l.fn](a[j]));
      else if (l.type === "softmax") {
        const s = d.reduce((p, v, j) => p + v * a[j], 0);
        d = d.map((v, j) => a[j] * (v - s));
      } else {
        const din = new Array(l.C).fill(0);
        for (let o = 0; o < l.OC; o++) {
          grad[l.b + o] += d[o] / B;
          for (let c = 0; c < l.C; c++) {
            grad[l.w + o * l.C + c] += (d[o] * inp[c]) / B;
            din[c] += d[o] * theta[l.w + o * l.C + c];
          }
        }
        d = din;
      }
    }
  }
  return total / B;
}

/** Hv ≈ (∇C(θ + hv) − ∇C(θ − hv)) / 2h in float64. */
export function hvpRef(net: RefMlp, theta: ArrayLike<number>, v: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, B: number, h = 1e-5): Float64Array {
  const N = theta.length, gp = new Float64Array(N), gm = new Float64Array(N);
  lossGrad(net, Float64Array.from(theta, (t, i) => t + h * v[i]), x, y, B, gp);
  lossGrad(net, Float64Array.from(theta, (t, i) => t - h * v[i]), x, y, B, gm);
  return gp.map((g, i) => (g - gm[i]) / (2 * h));
}
