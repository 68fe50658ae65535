// assembly/kernels/batchnorm.ts against test/reference/batchnorm.ts (forward) and central differences of
// it (backward), for both builds, with HW around the 4-lane width; plus a finite-difference check of the
// f32 kernels themselves on the composite L = Σ out ⊙ g (STYLE.md 3.9.2), a large offset (variance by
// two passes), and the running-statistics update.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { batchnormRef } from "../reference/batchnorm.js";
import { gradErr } from "../gradcheck.js";
import { plus, vjpRef } from "../reference/vjp.js";

const SHAPES = [[2, 1, 1], [3, 2, 1], [2, 3, 3], [2, 2, 4], [3, 3, 5], [2, 2, 8], [2, 3, 17], [4, 2, 33]];
const EPS = 1e-5;

/** Runs the forward kernel: { out, mean, rstd }. */
function forward(e: Engine, x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, B: number, C: number, HW: number) {
  return scoped(e, () => {
    const n = B * C * HW, out = e.alloc(n), mean = e.alloc(C), rstd = e.alloc(C);
    e.k.batchnorm_forward(out, mean, rstd, e.allocFrom(x), e.allocFrom(gamma), e.allocFrom(beta), B, C, HW, EPS);
    return { out: e.read(out, n), mean: e.read(mean, C), rstd: e.read(rstd, C) };
  });
}

describe.each(VARIANTS)("batchnorm kernels, %s build", (variant) => {
  it("forward matches the float64 reference (output, mean, inverse std)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(240);
    for (const [B, C, HW] of SHAPES) {
      const x = rng.array(B * C * HW, -2, 3), gamma = rng.array(C, 0.5, 2), beta = rng.array(C);
      const got = forward(e, x, gamma, beta, B, C, HW), ref = batchnormRef(x, gamma, beta, B, C, HW, EPS);
      expectClose(got.out, ref.out, 1e-5, 1e-4);
      expectClose(got.mean, ref.mean, 1e-6, 1e-5);
      expectClose(got.rstd, ref.rstd, 1e-6, 1e-5);
    }
  });

  it("keeps its accuracy on values with a large common offset (two-pass variance)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(241);
    const [B, C, HW] = [8, 2, 49], x = Float32Array.from(rng.array(B * C * HW), (v) => 1000 + v);
    const got = forward(e, x, [1, 1], [0, 0], B, C, HW), ref = batchnormRef(x, [1, 1], [0, 0], B, C, HW, EPS);
    expectClose(got.rstd, ref.rstd, 0, 1e-3);
    expectClose(got.out, ref.out, 2e-3, 1e-3);
  });

  it("backward adds dinp, dgamma and dbeta matching central differences of the reference", async () => {
    const e = await engine(variant);
    const rng = new RefRng(242);
    for (const [B, C, HW] of SHAPES) scoped(e, () => {
      const n = B * C * HW, x = rng.array(n, -2, 3), gamma = rng.array(C, 0.5, 2), beta = rng.array(C), dout = rng.array(n);
      const inp = e.allocFrom(x), pg = e.allocFrom(gamma), out = e.alloc(n), mean = e.alloc(C), rstd = e.alloc(C);
      e.k.batchnorm_forward(out, mean, rstd, inp, pg, e.allocFrom(beta), B, C, HW, EPS);
      const seeds = [rng.array(n), rng.array(C), rng.array(C)];
      const [dinp, dgamma, dbeta] = seeds.map((v) => e.allocFrom(v));
      e.k.batchnorm_backward(dinp, dgamma, dbeta, e.allocFrom(dout), inp, mean, rstd, pg, B, C, HW);
      const [gx, gg, gb] = vjpRef(([xx, gm, bt]) => batchnormRef(xx, gm, bt, B, C, HW, EPS).out, [x, gamma, beta], dout);
      expectClose(e.read(dinp, n), plus(seeds[0], gx), 1e-4, 1e-3);
      expectClose(e.read(dgamma, C), plus(seeds[1], gg), 1e-4, 1e-4);
      expectClose(e.read(dbeta, C), plus(seeds[2], gb), 1e-5, 1e-5);
    });
  });

  it("gradients of the f32 kernels match central differences of the f32 forward kernel", async () => {
    const e = await engine(variant);
    const rng = new RefRng(243);
    const [B, C, HW] = [3, 2, 5], n = B * C * HW;
    const x = rng.array(n, -2, 2), gamma = rng.array(C, 0.5, 2), beta = rng.array(C), g = rng.array(n);
    const loss = (xx: ArrayLike<number>, gm: ArrayLike<number>, bt: ArrayLike<number>) => forward(e, xx, gm, bt, B, C, HW).out.reduce((s, v, i) => s + v * g[i], 0);
    const h = 1e-2;
    const numeric = (vals: Float32Array, which: number) => Float64Array.from(vals, (_, i) => {
      const args = (d: number): [Float32Array, Float32Array, Float32Array] => {
        const a = [x, gamma, beta].map((v) => Float32Array.from(v)) as [Float32Array, Float32Array, Float32Array];
        a[which][i] += d;
        return a;
      };
      return (loss(...args(h)) - loss(...args(-h))) / (2 * h);
    });
    const analytic = scoped(e, () => {
      const inp = e.allocFrom(x), pg = e.allocFrom(gamma), out = e.alloc(n), mean = e.alloc(C), rstd = e.alloc(C);
      e.k.batchnorm_forward(out, mean, rstd, inp, pg, e.allocFrom(beta), B, C, HW, EPS);
      const dinp = e.alloc(n), dgamma = e.alloc(C), dbeta = e.alloc(C);
      e.k.batchnorm_backward(dinp, dgamma, dbeta, e.allocFrom(g), inp, mean, rstd, pg, B, C, HW);
      return [e.read(dinp, n), e.read(dgamma, C), e.read(dbeta, C)];
    });
    [x, gamma, beta].forEach((v, which) => expect(gradErr(analytic[which], numeric(v, which)), ["dinp", "dgamma", "dbeta"][which]).toBeLessThan(1e-2));
  });

  it("batchnorm_running_update blends in the batch mean and the unbiased variance", async () => {
    const e = await engine(variant);
    const rng = new RefRng(244);
    const [B, C, HW] = [4, 3, 5], x = rng.array(B * C * HW, -1, 2), M = B * HW;
    const { mean, rstd } = forward(e, x, [1, 1, 1], [0, 0, 0], B, C, HW);
    const ref = batchnormRef(x, [1, 1, 1], [0, 0, 0], B, C, HW, EPS);
    scoped(e, () => {
      const r0 = rng.array(C), v0 = rng.array(C, 0.5, 1.5), rmean = e.allocFrom(r0), rvar = e.allocFrom(v0);
      e.k.batchnorm_running_update(rmean, rvar, e.allocFrom(mean), e.allocFrom(rstd), C, M, 0.1, EPS);
      const varUnbiased = Array.from(ref.rstd, (r) => (1 / (r * r) - EPS) * M / (M - 1));
      expectClose(e.read(rmean, C), Array.from(r0, (v, c) => 0.9 * v + 0.1 * ref.mean[c]), 1e-6, 1e-5);
      expectClose(e.read(rvar, C), Array.from(v0, (v, c) => 0.9 * v + 0.1 * varUnbiased[c]), 1e-6, 1e-5);
      // one value per channel (a layer refuses it): the biased variance, never Infinity or NaN
      e.k.batchnorm_running_update(rmean, rvar, e.allocFrom(mean), e.allocFrom(rstd), C, 1, 0.1, EPS);
      expect(e.read(rvar, C).every(Number.isFinite)).toBe(true);
    });
  });
});
