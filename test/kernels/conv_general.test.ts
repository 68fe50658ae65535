// assembly/kernels/depthwise.ts and im2col2d.ts against the direct float64 convolution of
// test/reference/conv2d.ts (and central differences of it for the backward kernels), for both builds:
// rectangular kernels, strides 1-3 per axis, dilations, asymmetric pads (the pads after the image implied
// by OH / OW), 1x1, and widths around the 4-lane width. The general case runs as the caller will: im2col
// per group, then the existing gemm per group.
import { describe, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { conv2dRef, convOut, im2colRef, type Conv2dShape } from "../reference/conv2d.js";
import { plus, vjpRef } from "../reference/vjp.js";

/** [B, C, H, W, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw] */
const GEOMS = [
  [2, 3, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], // MobileNet's 3x3 "same"
  [1, 2, 9, 13, 3, 3, 2, 2, 0, 1, 1, 1, 1, 1], // stride 2, asymmetric pads (TF "SAME")
  [2, 3, 6, 17, 1, 5, 1, 1, 0, 2, 0, 2, 1, 1], // 1x5
  [1, 2, 11, 10, 2, 3, 3, 2, 1, 0, 2, 1, 1, 1], // rectangular, per-axis strides
  [1, 2, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2], // dilation 2
  [2, 1, 8, 9, 3, 2, 1, 2, 0, 0, 0, 0, 2, 3], // per-axis dilations
  [1, 4, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1], // 1x1
  [1, 1, 4, 4, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1], // kernel larger than the image
  [1, 2, 6, 33, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1], // stride 2 wide enough for its SIMD path and tail
  [1, 1, 5, 40, 1, 4, 1, 2, 0, 3, 0, 0, 1, 2], // stride 2 with dilation
];

function shapeOf(g: number[], F: number, group: number): Conv2dShape {
  const [B, C, H, W, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw] = g;
  return { B, C, H, W, F, group, kh, kw, sh, sw, pt, pl, dh, dw, OH: convOut(H, kh, sh, pt, pb, dh), OW: convOut(W, kw, sw, pl, pr, dw) };
}

describe.each(VARIANTS)("general convolution kernels, %s build", (variant) => {
  it("dwconv2d forward and backward match the direct float64 convolution (group = C)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(210);
    for (const g of GEOMS) scoped(e, () => {
      const s = shapeOf(g, g[1], g[1]), { B, C, H, W, OH, OW, kh, kw } = s;
      const n = B * C * H * W, m = B * C * OH * OW, nw = C * kh * kw;
      const x = rng.array(n), w = rng.array(nw), bias = rng.array(C), dout = rng.array(m);
      const geo = [B, C, H, W, OH, OW, kh, kw, s.sh, s.sw, s.pt, s.pl, s.dh, s.dw] as const;
      const out = e.alloc(m), inp = e.allocFrom(x), pw = e.allocFrom(w), pb = e.allocFrom(bias);
      e.f32(out, m).fill(NaN);
      e.k.dwconv2d_forward(out, inp, pw, pb, ...geo);
      expectClose(e.read(out, m), conv2dRef(x, w, bias, s), 1e-5, 1e-5);
      e.k.dwconv2d_forward(out, inp, pw, 0, ...geo); // no bias
      expectClose(e.read(out, m), conv2dRef(x, w, null, s), 1e-5, 1e-5);
      const seeds = [rng.array(n), rng.array(nw), rng.array(C)];
      const [dinp, dw, db] = seeds.map((v) => e.allocFrom(v));
      e.k.dwconv2d_backward(dinp, dw, db, e.allocFrom(dout), inp, pw, ...geo);
      const [gx, gw, gb] = vjpRef(([xx, ww, bb]) => conv2dRef(xx, ww, bb, s), [x, w, bias], dout);
      expectClose(e.read(dinp, n), plus(seeds[0], gx), 1e-5, 1e-4);
      expectClose(e.read(dw, nw), plus(seeds[1], gw), 1e-5, 1e-4);
      expectClose(e.read(db, C), plus(seeds[2], gb), 1e-5, 1e-4);
    });
  });

  it("im2col2d writes the exact columns, and its backward is their adjoint", async () => {
    const e = await engine(variant);
    const rng = new RefRng(211);
    for (const g of GEOMS) scoped(e, () => {
      const s = shapeOf(g, 1, 1), { C, H, W, OH, OW, kh, kw } = s;
      const geo = [C, H, W, OH, OW, kh, kw, s.sh, s.sw, s.pt, s.pl, s.dh, s.dw] as const;
      const K = C * kh * kw, P = OH * OW, x = rng.array(C * H * W);
      const col = e.alloc(K * P);
      e.f32(col, K * P).fill(NaN);
      e.k.im2col2d_forward(col, e.allocFrom(x), ...geo);
      expectClose(e.read(col, K * P), im2colRef(x, C, s), 0, 0);
      const dcol = rng.array(K * P), seed = rng.array(C * H * W), dimg = e.allocFrom(seed);
      e.k.im2col2d_backward(dimg, e.allocFrom(dcol), ...geo);
      const [gx] = vjpRef(([xx]) => im2colRef(xx, C, s), [x], dcol);
      expectClose(e.read(dimg, C * H * W), plus(seed, gx), 1e-5, 1e-5);
    });
  });

  it("grouped convolution as im2col per group + gemm per group matches the direct convolution", async () => {
    const e = await engine(variant);
    const rng = new RefRng(212);
    for (const [g, F, group] of [[[1, 4, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], 6, 2], [[2, 6, 9, 8, 3, 2, 2, 1, 1, 0, 1, 1, 2, 1], 3, 3],
                                  [[1, 3, 6, 6, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1], 5, 1]] as [number[], number, number][]) scoped(e, () => {
      const s = shapeOf(g, F, group), { B, C, H, W, OH, OW, kh, kw } = s;
      const Cg = C / group, Fg = F / group, K = Cg * kh * kw, P = OH * OW;
      const x = rng.array(B * C * H * W), w = rng.array(F * K), bias = rng.array(F);
      const inp = e.allocFrom(x), pw = e.allocFrom(w), out = e.alloc(B * F * P), col = e.alloc(K * P);
      const scratch = e.alloc(e.k.gemm_scratch_floats());
      for (let b = 0; b < B; b++) for (let gi = 0; gi < group; gi++) {
        e.k.im2col2d_forward(col, inp + 4 * (b * C + gi * Cg) * H * W, Cg, H, W, OH, OW, kh, kw, s.sh, s.sw, s.pt, s.pl, s.dh, s.dw);
        e.k.gemm(out + 4 * (b * F + gi * Fg) * P, pw + 4 * gi * Fg * K, col, scratch, Fg, P, K, 0, 0, 1, 0);
      }
      e.k.channel_affine_forward(out, out, e.allocFrom(new Float32Array(F).fill(1)), e.allocFrom(bias), B, F, P);
      expectClose(e.read(out, B * F * P), conv2dRef(x, w, bias, s), 1e-5, 1e-4);
    });
  });
});
