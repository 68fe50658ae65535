// Naive float64 convolution and pooling, written from the definitions in chapter 6 (no im2col, no
// SIMD): the independent reference for assembly/kernels/conv.ts and pool.ts. NCHW throughout.

export interface ConvShape {
  B: number; C: number; H: number; W: number; F: number; k: number; s: number; pad: number; OH: number; OW: number;
}

/** Input value at (b, c, y, x), zero outside the image (padding). */
function pixel(inp: ArrayLike<number>, sh: ConvShape, b: number, c: number, y: number, x: number): number {
  if (y < 0 || y >= sh.H || x < 0 || x >= sh.W) return 0;
  return inp[((b * sh.C + c) * sh.H + y) * sh.W + x];
}

/** out[b, f, oy, ox] = bias[f] + Σ_{c,i,j} w[f, c, i, j] · inp[b, c, oy·s + i − pad, ox·s + j − pad]. */
export function convForwardRef(inp: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, sh: ConvShape): Float64Array {
  const { B, C, F, k, s, pad, OH, OW } = sh;
  const out = new Float64Array(B * F * OH * OW);
  for (let b = 0; b < B; b++)
    for (let f = 0; f < F; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let z = bias[f];
          for (let c = 0; c < C; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) z += w[((f * C + c) * k + i) * k + j] * pixel(inp, sh, b, c, oy * s + i - pad, ox * s + j - pad);
          out[((b * F + f) * OH + oy) * OW + ox] = z;
        }
  return out;
}

/** Gradients of L = Σ out ⊙ dout: dinp, dw, dbias, each by the chain rule through the same sum. */
export function convBackwardRef(inp: ArrayLike<number>, w: ArrayLike<number>, dout: ArrayLike<number>, sh: ConvShape): { dinp: Float64Array; dw: Float64Array; dbias: Float64Array } {
  const { B, C, H, W, F, k, s, pad, OH, OW } = sh;
  const dinp = new Float64Array(B * C * H * W);
  const dw = new Float64Array(F * C * k * k);
  const dbias = new Float64Array(F);
  for (let b = 0; b < B; b++)
    for (let f = 0; f < F; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const g = dout[((b * F + f) * OH + oy) * OW + ox];
          dbias[f] += g;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const y = oy * s + i - pad, x = ox * s + j - pad;
                if (y < 0 || y >= H || x < 0 || x >= W) continue;
                const wi = ((f * C + c) * k + i) * k + j, xi = ((b * C + c) * H + y) * W + x;
                dw[wi] += g * inp[xi];
                dinp[xi] += g * w[wi];
              }
        }
  return { dinp, dw, dbias };
}

/** Max over each p×p region at stride s of N planes (H, W), with the first arg-max in row-major order. */
export function maxPoolRef(inp: ArrayLike<number>, N: number, H: number, W: number, p: number, s: number): { out: Float64Array; arg: Int32Array } {
  const OH = Math.floor((H - p) / s) + 1, OW = Math.floor((W - p) / s) + 1;
  const out = new Float64Array(N * OH * OW), arg = new Int32Array(N * OH * OW);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let best = -Infinity, bi = -1;
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) {
            const idx = (oy * s + i) * W + ox * s + j, v = inp[n * H * W + idx];
            if (bi < 0 || v > best) { best = v; bi = idx; }
          }
        out[(n * OH + oy) * OW + ox] = best;
        arg[(n * OH + oy) * OW + ox] = bi;
      }
  return { out, arg };
}

/** √(Σ a²) over each p×p region, and the gradient of L = Σ out ⊙ dout: a/out · dout (0 where out = 0). */
export function l2PoolRef(inp: ArrayLike<number>, dout: ArrayLike<number> | null, N: number, H: number, W: number, p: number, s: number): { out: Float64Array; dinp: Float64Array } {
  const OH = Math.floor((H - p) / s) + 1, OW = Math.floor((W - p) / s) + 1;
  const out = new Float64Array(N * OH * OW), dinp = new Float64Array(N * H * W);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let ss = 0;
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) ss += inp[n * H * W + (oy * s + i) * W + ox * s + j] ** 2;
        const o = Math.sqrt(ss), oi = (n * OH + oy) * OW + ox;
        out[oi] = o;
        if (dout && o > 0)
          for (let i = 0; i < p; i++)
            for (let j = 0; j < p; j++) {
              const xi = n * H * W + (oy * s + i) * W + ox * s + j;
              dinp[xi] += (dout[oi] * inp[xi]) / o;
            }
      }
  return { out, dinp };
}
