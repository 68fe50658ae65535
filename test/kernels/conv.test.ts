// assembly/kernels/conv.ts (both the im2col + GEMM pair and the direct pair) against the float64
// reference in test/reference/conv.ts, for both builds, over odd shapes: channels, kernels 1/2/3/5,
// strides 1-3, zero padding before and after the image (asymmetric "same"), 1×1 kernels,
// and sizes that leave SIMD tails.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { convBackwardRef, convForwardRef, type ConvShape } from "../reference/conv.js";

/** [B, C, H, W, F, k, s, pad, OH, OW]; OH/OW from the usual formula unless given (asymmetric padding). */
const CASES: number[][] = [
  [1, 1, 5, 5, 1, 1, 1, 0],
  [2, 1, 28, 28, 3, 5, 1, 0], // the book's first layer, few maps
  [3, 2, 12, 12, 5, 5, 1, 0], // the second layer's shape, few maps
  [2, 3, 7, 9, 4, 3, 1, 1], // "same" 3×3, non-square
  [2, 2, 9, 7, 3, 3, 2, 0], // stride 2
  [1, 3, 11, 13, 2, 5, 3, 2], // stride 3 with padding
  [2, 4, 6, 6, 7, 1, 1, 0], // 1×1
  [2, 3, 5, 6, 2, 1, 2, 0], // 1×1 at stride 2 (not the identity)
  [2, 2, 6, 6, 3, 2, 1, 0, 6, 6], // k = 2 "same": one zero row/column after the image only
  [1, 2, 7, 7, 3, 4, 2, 1, 4, 4], // "same" at stride 2: pad 1 before, 2 after
  [2, 5, 13, 17, 9, 3, 1, 0], // odd everything
];

function shapeOf(c: number[]): ConvShape {
  const [B, C, H, W, F, k, s, pad] = c;
  const OH = c[8] ?? Math.floor((H + 2 * pad - k) / s) + 1;
  const OW = c[9] ?? Math.floor((W + 2 * pad - k) / s) + 1;
  return { B, C, H, W, F, k, s, pad, OH, OW };
}

type Algo = "im2col" | "direct";

function runConv(e: Engine, algo: Algo, sh: ConvShape, x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, dout: ArrayLike<number>, seed: ArrayLike<number>) {
  const { B, C, H, W, F, k, s, pad, OH, OW } = sh;
  const K = C * k * k, P = OH * OW;
  return scoped(e, () => {
    const inp = e.allocFrom(x), wp = e.allocFrom(w), bp = e.allocFrom(bias), dp = e.allocFrom(dout);
    const out = e.alloc(B * F * P);
    e.k.fill(out, B * F * P, NaN); // forward must write every output
    // backward adds: start every gradient from a known value and subtract it afterwards
    const head = (n: number) => Array.from(seed).slice(0, n);
    const dinp = e.allocFrom(head(B * C * H * W)), dw = e.allocFrom(head(F * K)), db = e.allocFrom(head(F));
    if (algo === "im2col") {
      const dcol = e.alloc(K * P);
      e.k.fill(dcol, K * P, NaN);
      e.k.conv2d_forward(out, inp, wp, bp, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
      e.k.conv2d_backward(dinp, dw, db, dp, inp, wp, dcol, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
    } else {
      e.k.conv2d_direct_forward(out, inp, wp, bp, B, C, H, W, F, k, s, pad, OH, OW);
      e.k.conv2d_direct_backward(dinp, dw, db, dp, inp, wp, B, C, H, W, F, k, s, pad, OH, OW);
    }
    const minus = (v: Float32Array) => Array.from(v, (t, i) => t - seed[i]);
    return {
      out: e.read(out, B * F * P),
      dinp: minus(e.read(dinp, B * C * H * W)),
      dw: minus(e.read(dw, F * K)),
      dbias: minus(e.read(db, F)),
    };
  });
}

describe.each(VARIANTS)("conv kernels, %s build", (variant) => {
  it.each(["im2col", "direct"] as const)("%s forward and backward match the float64 reference over odd shapes", async (algo) => {
    const e = await engine(variant);
    const rng = new RefRng(algo === "im2col" ? 40 : 41);
    for (const c of CASES) {
      const sh = shapeOf(c);
      const { B, C, H, W, F, k, OH, OW } = sh;
      const x = Array.from(rng.array(B * C * H * W, -1, 1)), w = Array.from(rng.array(F * C * k * k, -1, 1)), bias = Array.from(rng.array(F, -1, 1));
      const dout = Array.from(rng.array(B * F * OH * OW, -1, 1)), seed = rng.array(Math.max(B * C * H * W, F * C * k * k), -1, 1);
      const got = runConv(e, algo, sh, x, w, bias, dout, seed);
      const ref = convBackwardRef(x, w, dout, sh);
      const what = `${algo} ${JSON.stringify(sh)}`;
      expect(got.out.every(Number.isFinite), what).toBe(true);
      expectClose(got.out, convForwardRef(x, w, bias, sh), 1e-5, 1e-4);
      expectClose(got.dw, ref.dw, 1e-4, 1e-4);
      expectClose(got.dbias, ref.dbias, 1e-4, 1e-4);
      expectClose(got.dinp, ref.dinp, 1e-5, 1e-4);
    }
  });

  it("backward with dinp = 0 skips the input gradient and still gives dw and dbias", async () => {
    const e = await engine(variant);
    const rng = new RefRng(42);
    const sh = shapeOf([2, 2, 8, 8, 3, 3, 1, 0]);
    const { B, C, H, W, F, k, s, pad, OH, OW } = sh;
    const x = rng.array(B * C * H * W, -1, 1), w = rng.array(F * C * k * k, -1, 1), dout = rng.array(B * F * OH * OW, -1, 1);
    const ref = convBackwardRef(x, w, dout, sh);
    for (const algo of ["im2col", "direct"] as const) scoped(e, () => {
      const inp = e.allocFrom(x), wp = e.allocFrom(w), dp = e.allocFrom(dout), bp = e.alloc(F);
      const out = e.alloc(B * F * OH * OW), dw = e.alloc(F * C * k * k), db = e.alloc(F);
      e.k.fill(dw, F * C * k * k, 0);
      e.k.fill(db, F, 0);
      if (algo === "im2col") {
        e.k.conv2d_forward(out, inp, wp, bp, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
        e.k.conv2d_backward(0, dw, db, dp, inp, wp, 0, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
      } else {
        e.k.conv2d_direct_backward(0, dw, db, dp, inp, wp, B, C, H, W, F, k, s, pad, OH, OW);
      }
      expectClose(e.read(dw, F * C * k * k), ref.dw, 1e-4, 1e-4);
      expectClose(e.read(db, F), ref.dbias, 1e-4, 1e-4);
    });
  });

  it("the two algorithms agree with each other on the book's second-layer shape", async () => {
    const e = await engine(variant);
    const rng = new RefRng(43);
    const sh = shapeOf([4, 20, 12, 12, 40, 5, 1, 0]);
    const { B, C, H, W, F, k, OH, OW } = sh;
    const x = rng.array(B * C * H * W, 0, 1), w = rng.array(F * C * k * k, -0.1, 0.1), bias = rng.array(F, -1, 1);
    const dout = rng.array(B * F * OH * OW, -1, 1), seed = new Array(Math.max(B * C * H * W, F * C * k * k)).fill(0);
    const a = runConv(e, "im2col", sh, x, w, bias, dout, seed);
    const b = runConv(e, "direct", sh, x, w, bias, dout, seed);
    expectClose(a.out, b.out, 1e-5, 1e-4);
    expectClose(a.dw, b.dw, 1e-4, 1e-4);
    expectClose(a.dinp, b.dinp, 1e-5, 1e-4);
  });
});
