// Naive float64 references for assembly/kernels/cost.ts (network2.py's QuadraticCost and
// CrossEntropyCost, network3.py's log-likelihood), summed over the whole batch.

/** The smallest normal f32: log arguments are clamped to at least this, so costs stay finite. */
export const TINY = 2 ** -126;
/** cross_entropy_grad's clamp: a in [CE_EPS, CE_HI], both as f32 rounds them. */
export const CE_EPS = Math.fround(1e-7);
export const CE_HI = 1 - 2 ** -23;

const clampLog = (x: number): number => Math.log(Math.max(x, TINY));

/** sum 0.5 (a - y)^2. */
export function quadraticCostRef(a: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += 0.5 * (a[i] - y[i]) ** 2;
  return s;
}

/** sum -[y ln a + (1 - y) ln(1 - a)]; a zero coefficient contributes 0 (np.nan_to_num's intent). */
export function crossEntropyCostRef(a: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i], yi = y[i];
    if (yi !== 0) s -= yi * clampLog(ai);
    if (yi !== 1) s -= (1 - yi) * clampLog(1 - ai);
  }
  return s;
}

/** sum -y ln a (= -ln a[label] per row for one-hot y). */
export function logLikelihoodCostRef(a: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (y[i] !== 0) s -= y[i] * clampLog(a[i]);
  return s;
}

/** scale * (a - y). */
export function costDiffRef(a: ArrayLike<number>, y: ArrayLike<number>, scale: number): Float64Array {
  return Float64Array.from(a, (ai, i) => scale * (ai - y[i]));
}

/** scale * (a - y) / (a (1 - a)) with a clamped into [CE_EPS, CE_HI]. */
export function crossEntropyGradRef(a: ArrayLike<number>, y: ArrayLike<number>, scale: number): Float64Array {
  return Float64Array.from(a, (ai, i) => {
    const ac = Math.min(Math.max(ai, CE_EPS), CE_HI);
    return (scale * (ac - y[i])) / (ac * (1 - ac));
  });
}
