/** Drawing from a softmax at a temperature: the sampling step of the generative sequence models. */

/**
 * An index drawn from probabilities p re-tempered as q_i ∝ p_i^{1/τ} (softmax(z/τ) for p = softmax(z)),
 * ignoring indices below `from` (padding), with u uniform in [0, 1). τ = 0 takes the most likely index.
 * A loop over V values per generated character: sampling, not the training path.
 */
export function sampleIndex(p: ArrayLike<number>, temperature: number, u: number, from = 0): number {
  let best = from;
  for (let i = from + 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  if (temperature === 0) return best;
  // log-space with the largest term at e^0, so a small τ cannot overflow
  const lmax = Math.log(Math.max(p[best], 1e-30));
  const q = new Float64Array(p.length);
  let sum = 0;
  for (let i = from; i < p.length; i++) sum += q[i] = Math.exp((Math.log(Math.max(p[i], 1e-30)) - lmax) / temperature);
  let acc = 0;
  for (let i = from; i < p.length; i++) {
    acc += q[i] / sum;
    if (u < acc) return i;
  }
  return best;
}
