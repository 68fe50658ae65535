// assembly/kernels/channel.ts against test/reference/channel.ts (forward) and central differences of it
// (backward), for both builds, over (B, C, HW) with HW around the 4-lane width.
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { channelAffineRef, preluRef } from "../reference/channel.js";
import { plus, vjpRef } from "../reference/vjp.js";

const SHAPES = [[1, 1, 1], [2, 3, 1], [2, 3, 3], [1, 2, 4], [3, 2, 5], [2, 5, 8], [2, 3, 17], [1, 4, 33]];

describe.each(VARIANTS)("channel kernels, %s build", (variant) => {
  it("channel_affine forward and backward match the reference", async () => {
    const e = await engine(variant);
    const rng = new RefRng(180);
    for (const [B, C, HW] of SHAPES) scoped(e, () => {
      const n = B * C * HW, x = rng.array(n, -2, 2), s = rng.array(C, -2, 2), t = rng.array(C), dout = rng.array(n);
      const inp = e.allocFrom(x), ps = e.allocFrom(s), pt = e.allocFrom(t), out = e.alloc(n);
      e.f32(out, n).fill(NaN);
      e.k.channel_affine_forward(out, inp, ps, pt, B, C, HW);
      expectClose(e.read(out, n), channelAffineRef(x, s, t, B, C, HW), 1e-6, 1e-6);
      e.k.channel_affine_forward(out, inp, ps, 0, B, C, HW); // no shift
      expectClose(e.read(out, n), channelAffineRef(x, s, null, B, C, HW), 1e-6, 1e-6);
      const seeds = [rng.array(n), rng.array(C), rng.array(C)];
      const [dinp, dscale, dshift] = seeds.map((v) => e.allocFrom(v));
      e.k.channel_affine_backward(dinp, dscale, dshift, e.allocFrom(dout), inp, ps, B, C, HW);
      const [gx, gs, gt] = vjpRef(([xx, ss, tt]) => channelAffineRef(xx, ss, tt, B, C, HW), [x, s, t], dout);
      expectClose(e.read(dinp, n), plus(seeds[0], gx), 1e-5, 1e-5);
      expectClose(e.read(dscale, C), plus(seeds[1], gs), 1e-5, 1e-5);
      expectClose(e.read(dshift, C), plus(seeds[2], gt), 1e-5, 1e-5);
    });
  });

  it("prelu forward and backward (dinp and dslope) match the reference", async () => {
    const e = await engine(variant);
    const rng = new RefRng(181);
    for (const [B, C, HW] of SHAPES) scoped(e, () => {
      const n = B * C * HW, x = rng.array(n, -2, 2), a = rng.array(C, -0.5, 0.5), dout = rng.array(n);
      const inp = e.allocFrom(x), pa = e.allocFrom(a), out = e.alloc(n);
      e.f32(out, n).fill(NaN);
      e.k.prelu_forward(out, inp, pa, B, C, HW);
      expectClose(e.read(out, n), preluRef(x, a, B, C, HW), 0, 1e-7);
      const sx = rng.array(n), sa = rng.array(C), dinp = e.allocFrom(sx), dslope = e.allocFrom(sa);
      e.k.prelu_backward(dinp, dslope, e.allocFrom(dout), inp, pa, B, C, HW);
      const [gx, ga] = vjpRef(([xx, aa]) => preluRef(xx, aa, B, C, HW), [x, a], dout);
      expectClose(e.read(dinp, n), plus(sx, gx), 1e-5, 1e-5);
      expectClose(e.read(dslope, C), plus(sa, ga), 1e-5, 1e-5);
      const dslope2 = e.alloc(C); // dinp = 0 skips the input gradient
      e.k.prelu_backward(0, dslope2, e.allocFrom(dout), inp, pa, B, C, HW);
      expectClose(e.read(dslope2, C), ga, 1e-5, 1e-5);
    });
  });

  it("prelu keeps NaN (never hides bad inputs)", async () => {
    const e = await engine(variant);
    scoped(e, () => {
      const out = e.alloc(5);
      e.k.prelu_forward(out, e.allocFrom([NaN, 1, -1, NaN, -2]), e.allocFrom([0.25]), 1, 1, 5);
      expect(Array.from(e.read(out, 5))).toEqual([NaN, 1, -0.25, NaN, -0.5]);
    });
  });
});
