// Naive float64 reference for assembly/kernels/batchnorm.ts: training-mode batch normalisation over
// (B, C, HW), batch statistics per channel (biased variance), from the definition.

export function batchnormRef(inp: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, B: number, C: number, HW: number, eps: number): { out: Float64Array; mean: Float64Array; rstd: Float64Array } {
  const out = new Float64Array(B * C * HW), mean = new Float64Array(C), rstd = new Float64Array(C);
  const M = B * HW;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let b = 0; b < B; b++) for (let p = 0; p < HW; p++) s += inp[(b * C + c) * HW + p];
    const m = s / M;
    let v = 0;
    for (let b = 0; b < B; b++) for (let p = 0; p < HW; p++) v += (inp[(b * C + c) * HW + p] - m) ** 2;
    const r = 1 / Math.sqrt(v / M + eps);
    mean[c] = m; rstd[c] = r;
    for (let b = 0; b < B; b++) for (let p = 0; p < HW; p++) {
      const i = (b * C + c) * HW + p;
      out[i] = (inp[i] - m) * r * gamma[c] + beta[c];
    }
  }
  return { out, mean, rstd };
}
