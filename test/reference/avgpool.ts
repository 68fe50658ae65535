// Naive float64 references for assembly/kernels/avgpool.ts, written from ONNX AveragePool's definition:
// each window's sum over the positions inside the image, divided by the positions counted (inside the
// image, or inside the padded image when count_include_pad = 1, clipped as PyTorch clips ceil_mode windows).

export interface PoolShape {
  N: number; H: number; W: number; OH: number; OW: number; kh: number; kw: number;
  sh: number; sw: number; pt: number; pl: number; pb: number; pr: number; countPad: number;
}

export function avgPoolRef(inp: ArrayLike<number>, s: PoolShape): Float64Array {
  const out = new Float64Array(s.N * s.OH * s.OW);
  for (let n = 0; n < s.N; n++) for (let oy = 0; oy < s.OH; oy++) for (let ox = 0; ox < s.OW; ox++) {
    let sum = 0, count = 0;
    for (let i = 0; i < s.kh; i++) for (let j = 0; j < s.kw; j++) {
      const y = oy * s.sh - s.pt + i, x = ox * s.sw - s.pl + j;
      const inImage = y >= 0 && y < s.H && x >= 0 && x < s.W;
      const inPadded = y >= -s.pt && y < s.H + s.pb && x >= -s.pl && x < s.W + s.pr;
      if (inImage) sum += inp[(n * s.H + y) * s.W + x];
      if (s.countPad ? inPadded : inImage) count++;
    }
    out[(n * s.OH + oy) * s.OW + ox] = count > 0 ? sum / count : 0;
  }
  return out;
}

/** out[n] = mean of plane n. */
export function globalAvgRef(inp: ArrayLike<number>, N: number, HW: number): Float64Array {
  return Float64Array.from({ length: N }, (_, n) => {
    let s = 0;
    for (let p = 0; p < HW; p++) s += inp[n * HW + p];
    return s / HW;
  });
}

/** out[n] = max of plane n, arg[n] = its first index. */
export function globalMaxRef(inp: ArrayLike<number>, N: number, HW: number): { out: Float64Array; arg: Int32Array } {
  const out = new Float64Array(N), arg = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = inp[n * HW], bi = 0;
    for (let p = 1; p < HW; p++) if (inp[n * HW + p] > best) { best = inp[n * HW + p]; bi = p; }
    out[n] = best; arg[n] = bi;
  }
  return { out, arg };
}
