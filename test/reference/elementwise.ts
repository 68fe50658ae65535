// Naive float64 references for assembly/kernels/elementwise.ts. Inputs are plain arrays or typed
// arrays; every function returns a new Float64Array (or Int32Array), leaving its inputs alone.

/** alpha * inp. */
export function scaleRef(inp: ArrayLike<number>, alpha: number): Float64Array {
  return Float64Array.from(inp, (x) => alpha * x);
}

/** y + alpha * x. */
export function axpyRef(y: ArrayLike<number>, alpha: number, x: ArrayLike<number>): Float64Array {
  return Float64Array.from(y, (yi, i) => yi + alpha * x[i]);
}

/** a * b elementwise (the book's Hadamard product). */
export function hadamardRef(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (ai, i) => ai * b[i]);
}

/** out (B, N) with bias (N) added to every row. */
export function biasAddRef(out: ArrayLike<number>, bias: ArrayLike<number>, B: number, N: number): Float64Array {
  const r = Float64Array.from(out);
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) r[b * N + n] += bias[n];
  return r;
}

/** Bytes times scale, as f32 would round the product once (scale is an f32 argument). */
export function u8ToF32Ref(inp: ArrayLike<number>, scale: number): Float64Array {
  const s = Math.fround(scale);
  return Float64Array.from(inp, (p) => Math.fround(p * s));
}

/** out (B, C) with out[b, :] = src[idx[b], :]. */
export function gatherRowsRef(src: ArrayLike<number>, idx: ArrayLike<number>, C: number): Float64Array {
  const out = new Float64Array(idx.length * C);
  for (let b = 0; b < idx.length; b++) for (let c = 0; c < C; c++) out[b * C + c] = src[idx[b] * C + c];
  return out;
}

/** (B, C) one-hot rows; a label outside [0, C) gives a row of zeros. */
export function oneHotRef(labels: ArrayLike<number>, C: number): Float64Array {
  const out = new Float64Array(labels.length * C);
  for (let b = 0; b < labels.length; b++) if (labels[b] >= 0 && labels[b] < C) out[b * C + labels[b]] = 1;
  return out;
}
