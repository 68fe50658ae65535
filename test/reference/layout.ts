// Naive float64 reference for assembly/kernels/layout.ts: one strided copy, index by index.

/** A copy of `out` with out[ob + Σ i_k os_k] = inp[ib + Σ i_k is_k] (or += when add) over the block D. */
export function stridedRef(out: ArrayLike<number>, inp: ArrayLike<number>, D: number[], os: number[], is: number[], add: boolean, ob = 0, ib = 0): Float64Array {
  const r = Float64Array.from(out);
  for (let i0 = 0; i0 < D[0]; i0++) for (let i1 = 0; i1 < D[1]; i1++) for (let i2 = 0; i2 < D[2]; i2++) for (let i3 = 0; i3 < D[3]; i3++) {
    const o = ob + i0 * os[0] + i1 * os[1] + i2 * os[2] + i3 * os[3], x = inp[ib + i0 * is[0] + i1 * is[1] + i2 * is[2] + i3 * is[3]];
    r[o] = add ? r[o] + x : x;
  }
  return r;
}

/** Contiguous row-major strides of a rank-4 shape. */
export const contiguous = (D: number[]): number[] => [D[1] * D[2] * D[3], D[2] * D[3], D[3], 1];
