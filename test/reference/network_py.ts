// network.py / network2.py's backprop and update_mini_batch, transcribed to float64 TS loops
// (one example at a time, exactly as the book's code). The reference for the engine's batched path.

export type Mat = number[][]; // rows

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const sigmoidPrime = (z: number): number => sigmoid(z) * (1 - sigmoid(z));

export interface RefNet {
  sizes: number[];
  weights: Mat[]; // weights[l][j][k]: from neuron k in layer l to neuron j in layer l+1
  biases: number[][];
}

/** network.py's backprop(x, y): (nabla_b, nabla_w) for one example. cost: "quadratic" or "cross-entropy". */
export function backprop(net: RefNet, x: number[], y: number[], cost: "quadratic" | "cross-entropy"): { nb: number[][]; nw: Mat[] } {
  const L = net.weights.length;
  let activation = x;
  const activations = [x];
  const zs: number[][] = [];
  for (let l = 0; l < L; l++) {
    const z = net.weights[l].map((row, j) => row.reduce((s, w, k) => s + w * activation[k], net.biases[l][j]));
    zs.push(z);
    activation = z.map(sigmoid);
    activations.push(activation);
  }
  const nb: number[][] = net.biases.map((b) => b.map(() => 0));
  const nw: Mat[] = net.weights.map((w) => w.map((r) => r.map(() => 0)));
  // BP1: quadratic (a − y) ⊙ σ'(z); cross-entropy (a − y)
  let delta = activation.map((a, j) => (cost === "quadratic" ? (a - y[j]) * sigmoidPrime(zs[L - 1][j]) : a - y[j]));
  nb[L - 1] = delta;
  nw[L - 1] = delta.map((d) => activations[L - 1].map((a) => d * a));
  for (let l = 2; l <= L; l++) {
    const z = zs[L - l];
    const sp = z.map(sigmoidPrime);
    const W = net.weights[L - l + 1];
    // BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)
    delta = sp.map((s, k) => s * W.reduce((acc, row, j) => acc + row[k] * delta[j], 0));
    nb[L - l] = delta;
    nw[L - l] = delta.map((d) => activations[L - l].map((a) => d * a));
  }
  return { nb, nw };
}

/** network2.py's update_mini_batch with L2: w ← (1 − ηλ/n)w − (η/m)Σ∇w, b ← b − (η/m)Σ∇b. */
export function updateMiniBatch(net: RefNet, batch: { x: number[]; y: number[] }[], eta: number, lmbda: number, n: number, cost: "quadratic" | "cross-entropy"): { nb: number[][]; nw: Mat[] } {
  const nb = net.biases.map((b) => b.map(() => 0));
  const nw = net.weights.map((w) => w.map((r) => r.map(() => 0)));
  for (const { x, y } of batch) {
    const d = backprop(net, x, y, cost);
    d.nb.forEach((b, l) => b.forEach((v, j) => (nb[l][j] += v)));
    d.nw.forEach((w, l) => w.forEach((r, j) => r.forEach((v, k) => (nw[l][j][k] += v))));
  }
  const m = batch.length;
  net.weights = net.weights.map((w, l) => w.map((r, j) => r.map((v, k) => (1 - (eta * lmbda) / n) * v - (eta / m) * nw[l][j][k])));
  net.biases = net.biases.map((b, l) => b.map((v, j) => v - (eta / m) * nb[l][j]));
  return { nb, nw };
}
