// Naive float64 references for assembly/kernels/softmax.ts, row-wise over (B, C).

/** softmax of each row of inp (B, C), max-subtracted. */
export function softmaxRef(inp: ArrayLike<number>, B: number, C: number): Float64Array {
  const out = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, inp[b * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += (out[b * C + c] = Math.exp(inp[b * C + c] - m));
    for (let c = 0; c < C; c++) out[b * C + c] /= s;
  }
  return out;
}

/** log softmax of each row: z - m - log(sum exp(z - m)). */
export function logSoftmaxRef(inp: ArrayLike<number>, B: number, C: number): Float64Array {
  const out = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, inp[b * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(inp[b * C + c] - m);
    const lse = Math.log(s);
    for (let c = 0; c < C; c++) out[b * C + c] = inp[b * C + c] - m - lse;
  }
  return out;
}

/** dinp + J^T dout per row, J the softmax Jacobian out_c (delta_cj - out_j). */
export function softmaxBackwardRef(dinp: ArrayLike<number>, out: ArrayLike<number>, dout: ArrayLike<number>,
                                   B: number, C: number): Float64Array {
  const r = Float64Array.from(dinp);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < C; j++) s += dout[b * C + j] * out[b * C + j];
    for (let c = 0; c < C; c++) r[b * C + c] += out[b * C + c] * (dout[b * C + c] - s);
  }
  return r;
}
