// Naive float64 references for assembly/kernels/activation_ext.ts: f and f' of each activation, and an
// erf / erfc accurate to ~1e-15 (JS has no Math.erf): a positive series for |x| <= 2.5, Laplace's
// continued fraction for erfc beyond (checked against Python's math.erf when written).

/** erf(x) = 2/√π e^{−x²} Σ_n 2^n x^{2n+1} / (1·3···(2n+1)) (all terms positive: no cancellation). */
function erfSeries(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** erfc(x) for x > 0 by the continued fraction e^{−x²}/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcFraction(x: number): number {
  let t = x;
  for (let k = 300; k >= 1; k--) t = x + k / 2 / t;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
}

/** erfc(x), full relative accuracy for large positive x. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return x <= 2.5 ? 1 - erfSeries(x) : erfcFraction(x);
}

const GK = Math.sqrt(2 / Math.PI);

/** Φ(x) = P(N(0, 1) ≤ x). */
export const phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** f(x) and f'(x) of each activation, with its scalar parameters; f' takes the right-hand value only where the kernel does. */
export const EXT: Record<string, { f: (x: number, a: number, b: number) => number; df: (x: number, a: number, b: number) => number }> = {
  leaky_relu: { f: (x, a) => (x > 0 ? x : a * x), df: (x, a) => (x > 0 ? 1 : a) },
  elu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)) },
  hard_sigmoid: {
    f: (x, a, b) => Math.max(0, Math.min(1, a * x + b)),
    df: (x, a, b) => (a * x + b > 0 && a * x + b < 1 ? a : 0),
  },
  hard_swish: { f: (x) => x * (Math.min(Math.max(x + 3, 0), 6) / 6), df: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 3 + 0.5) },
  clip: { f: (x, a, b) => Math.min(Math.max(x, a), b), df: (x, a, b) => (x > a && x < b ? 1 : 0) },
  gelu: { f: (x) => x * phi(x), df: (x) => phi(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI) },
  gelu_tanh: {
    f: (x) => 0.5 * x * (1 + Math.tanh(GK * (x + 0.044715 * x ** 3))),
    df: (x) => {
      const t = Math.tanh(GK * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GK * (1 + 3 * 0.044715 * x * x);
    },
  },
};
