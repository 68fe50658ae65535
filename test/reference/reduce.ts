// Naive float64 references for assembly/kernels/reduce.ts.

/** out (N) plus the column sums of inp (B, N). */
export function colSumRef(out: ArrayLike<number>, inp: ArrayLike<number>, B: number, N: number): Float64Array {
  const r = Float64Array.from(out);
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) r[n] += inp[b * N + n];
  return r;
}

/** The first index of each row's maximum (ties go to the lowest index). */
export function rowArgmaxRef(inp: ArrayLike<number>, B: number, C: number): Int32Array {
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let k = 0;
    for (let c = 1; c < C; c++) if (inp[b * C + c] > inp[b * C + k]) k = c;
    out[b] = k;
  }
  return out;
}

/** How many rows' argmax equals the label. */
export function countArgmaxEqualRef(inp: ArrayLike<number>, labels: ArrayLike<number>, B: number, C: number): number {
  const am = rowArgmaxRef(inp, B, C);
  let n = 0;
  for (let b = 0; b < B; b++) if (am[b] === labels[b]) n++;
  return n;
}

export function sumSquaresRef(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

export function sumAbsRef(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
  return s;
}

export function countNonfiniteRef(x: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) n++;
  return n;
}
