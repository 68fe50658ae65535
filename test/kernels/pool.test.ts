// assembly/kernels/pool.ts against test/reference/conv.ts, for both builds: max and L2 pooling over
// region sizes 1-3 and strides 1-3 (overlapping and not), widths that exercise the 2×2 SIMD path and
// its scalar tail, the tie rule (first in row-major order), and the accumulate contract of backward.
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { l2PoolRef, maxPoolRef } from "../reference/conv.js";

/** [N, H, W, p, s] */
const CASES = [
  [1, 2, 2, 2, 2], [3, 24, 24, 2, 2], [2, 8, 8, 2, 2], [2, 6, 22, 2, 2], [2, 7, 9, 2, 2], [1, 4, 34, 2, 2],
  [2, 9, 9, 3, 3], [2, 7, 8, 3, 2], [1, 5, 5, 2, 1], [2, 5, 6, 1, 1], [1, 6, 6, 2, 3],
];
const dims = (H: number, W: number, p: number, s: number) => [Math.floor((H - p) / s) + 1, Math.floor((W - p) / s) + 1];

describe.each(VARIANTS)("pool kernels, %s build", (variant) => {
  it("maxpool2d forward/backward match the reference (values, arg-max, routed gradients)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(50);
    for (const [N, H, W, p, s] of CASES) scoped(e, () => {
      const [OH, OW] = dims(H, W, p, s);
      const x = rng.array(N * H * W, -1, 1), dout = rng.array(N * OH * OW, -1, 1), seed = rng.array(N * H * W, -1, 1);
      const inp = e.allocFrom(x), out = e.alloc(N * OH * OW), arg = e.alloc(N * OH * OW), dinp = e.allocFrom(seed);
      e.k.maxpool2d_forward(out, arg, inp, N, H, W, p, s);
      e.k.maxpool2d_backward(dinp, arg, e.allocFrom(dout), N, H, W, p, s);
      const ref = maxPoolRef(x, N, H, W, p, s);
      const what = `[${N}, ${H}, ${W}] p=${p} s=${s}`;
      expectClose(e.read(out, N * OH * OW), ref.out, 0, 0);
      expect(Array.from(e.i32(arg, N * OH * OW)), what).toEqual(Array.from(ref.arg));
      const want = Float64Array.from(seed);
      ref.arg.forEach((a, o) => (want[Math.floor(o / (OH * OW)) * H * W + a] += dout[o]));
      expectClose(e.read(dinp, N * H * W), want, 1e-6, 1e-6);
    });
  });

  it("maxpool2d breaks ties toward the first position in row-major order", async () => {
    const e = await engine(variant);
    for (const [H, W] of [[2, 2], [2, 8], [4, 10]]) scoped(e, () => {
      // constant planes: every region ties, so the arg-max is always the region's top-left corner;
      // then a plane where only the bottom row of each 2×2 region holds the (tied) maximum
      const n = H * W;
      const flat = new Array(n).fill(0.5);
      const bottom = Array.from({ length: n }, (_, i) => (Math.floor(i / W) % 2 === 1 ? 1 : 0));
      const inp = e.allocFrom([...flat, ...bottom]);
      const [OH, OW] = dims(H, W, 2, 2);
      const out = e.alloc(2 * OH * OW), arg = e.alloc(2 * OH * OW);
      e.k.maxpool2d_forward(out, arg, inp, 2, H, W, 2, 2);
      const args = Array.from(e.i32(arg, 2 * OH * OW));
      const corner = (o: number) => 2 * Math.floor(o / OW) * W + 2 * (o % OW);
      expect(args.slice(0, OH * OW)).toEqual(Array.from({ length: OH * OW }, (_, o) => corner(o)));
      expect(args.slice(OH * OW)).toEqual(Array.from({ length: OH * OW }, (_, o) => corner(o) + W));
    });
  });

  it("l2pool2d forward/backward match the reference, with 0 gradient for all-zero regions", async () => {
    const e = await engine(variant);
    const rng = new RefRng(51);
    for (const [N, H, W, p, s] of CASES) scoped(e, () => {
      const [OH, OW] = dims(H, W, p, s);
      const x = rng.array(N * H * W, -1, 1);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) x[i * W + j] = 0; // region (0, 0) of plane 0 is all zero
      const dout = rng.array(N * OH * OW, -1, 1), seed = rng.array(N * H * W, -1, 1);
      const inp = e.allocFrom(x), out = e.alloc(N * OH * OW), dinp = e.allocFrom(seed);
      e.k.l2pool2d_forward(out, inp, N, H, W, p, s);
      e.k.l2pool2d_backward(dinp, inp, out, e.allocFrom(dout), N, H, W, p, s);
      const ref = l2PoolRef(x, dout, N, H, W, p, s);
      expectClose(e.read(out, N * OH * OW), ref.out, 1e-6, 1e-5);
      const got = e.read(dinp, N * H * W);
      expect(got.every(Number.isFinite)).toBe(true);
      expectClose(Array.from(got, (v, i) => v - seed[i]), ref.dinp, 1e-5, 1e-4);
    });
  });
});
