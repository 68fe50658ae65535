// Naive float64 direct 2-D convolution with everything ONNX Conv has (rectangular kernels, per-axis
// strides and dilations, pads before the image, groups): the reference for assembly/kernels/depthwise.ts
// and im2col2d.ts. NCHW; inp (B, C, H, W), w (F, C/group, kh, kw), bias (F) or null, out (B, F, OH, OW).

export interface Conv2dShape {
  B: number; C: number; H: number; W: number; F: number; group: number; OH: number; OW: number;
  kh: number; kw: number; sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
}

/** out[b, f, oy, ox] = bias[f] + Σ_{c in f's group, i, j} w[f, c, i, j] · inp[b, c, oy·sh + i·dh − pt, ox·sw + j·dw − pl]. */
export function conv2dRef(inp: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, s: Conv2dShape): Float64Array {
  const out = new Float64Array(s.B * s.F * s.OH * s.OW);
  const Cg = s.C / s.group, Fg = s.F / s.group;
  for (let b = 0; b < s.B; b++) for (let f = 0; f < s.F; f++) for (let oy = 0; oy < s.OH; oy++) for (let ox = 0; ox < s.OW; ox++) {
    let z = bias ? bias[f] : 0;
    const g = Math.floor(f / Fg);
    for (let c = 0; c < Cg; c++) for (let i = 0; i < s.kh; i++) for (let j = 0; j < s.kw; j++) {
      const y = oy * s.sh + i * s.dh - s.pt, x = ox * s.sw + j * s.dw - s.pl;
      if (y < 0 || y >= s.H || x < 0 || x >= s.W) continue;
      z += w[((f * Cg + c) * s.kh + i) * s.kw + j] * inp[((b * s.C + g * Cg + c) * s.H + y) * s.W + x];
    }
    out[((b * s.F + f) * s.OH + oy) * s.OW + ox] = z;
  }
  return out;
}

/** ONNX's output size for one axis: floor((n + before + after − d·(k − 1) − 1) / s) + 1. */
export const convOut = (n: number, k: number, s: number, before: number, after: number, d: number): number =>
  Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;

/** col (C·kh·kw, OH·OW) of one image (C, H, W): col[(c, i, j), (oy, ox)] = img[c, oy·sh + i·dh − pt, ox·sw + j·dw − pl], 0 outside. */
export function im2colRef(img: ArrayLike<number>, C: number, s: Conv2dShape): Float64Array {
  const P = s.OH * s.OW, col = new Float64Array(C * s.kh * s.kw * P);
  for (let c = 0; c < C; c++) for (let i = 0; i < s.kh; i++) for (let j = 0; j < s.kw; j++) for (let oy = 0; oy < s.OH; oy++) for (let ox = 0; ox < s.OW; ox++) {
    const y = oy * s.sh + i * s.dh - s.pt, x = ox * s.sw + j * s.dw - s.pl;
    const inside = y >= 0 && y < s.H && x >= 0 && x < s.W;
    col[((c * s.kh + i) * s.kw + j) * P + oy * s.OW + ox] = inside ? img[(c * s.H + y) * s.W + x] : 0;
  }
  return col;
}
