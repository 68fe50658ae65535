// Naive float64 references for assembly/kernels/activation.ts: f(z), the book's f'(z), and the
// backward kernels' dinp + dout * f'(.) written from the forward output, as the kernels take it.

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
/** The book's sigmoid_prime(z) = sigma(z) (1 - sigma(z)). */
export const sigmoidPrime = (z: number): number => sigmoid(z) * (1 - sigmoid(z));
export const tanhPrime = (z: number): number => 1 - Math.tanh(z) ** 2;
export const relu = (z: number): number => Math.max(z, 0);
/** 1 where z > 0, else 0: ReLU's derivative and the perceptron's step. */
export const step = (z: number): number => (z > 0 ? 1 : 0);

/** f applied to every value. */
export function mapRef(inp: ArrayLike<number>, f: (z: number) => number): Float64Array {
  return Float64Array.from(inp, f);
}

/** d/dz of each activation expressed through its output a = f(z). */
export const primeFromOutput = {
  sigmoid: (a: number): number => a * (1 - a),
  tanh: (a: number): number => 1 - a * a,
  relu: (a: number): number => (a > 0 ? 1 : 0),
} as const;

/** dinp + dout * f'(.) computed from the forward output out. */
export function backwardRef(kind: keyof typeof primeFromOutput, dinp: ArrayLike<number>,
                            out: ArrayLike<number>, dout: ArrayLike<number>): Float64Array {
  const fp = primeFromOutput[kind];
  return Float64Array.from(dinp, (d, i) => d + dout[i] * fp(out[i]));
}
