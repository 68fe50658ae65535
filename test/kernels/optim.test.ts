// assembly/kernels/optim.ts against test/reference/optim.ts, for both builds: Adam, RMSProp and AdaGrad
// over their first steps at every size (with and without L2/L1), the decay gradient and the f64 dot.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import { adaptiveStepRef, type AdaptiveRefOptions } from "../reference/optim.js";

const CASES: [string, AdaptiveRefOptions][] = [
  ["adam", { kind: "adam", lr: 0.01, l2: 0, l1: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }],
  ["adam + L2/L1", { kind: "adam", lr: 0.05, l2: 0.02, l1: 0.003, beta1: 0.8, beta2: 0.99, eps: 1e-6 }],
  ["rmsprop", { kind: "rmsprop", lr: 0.01, l2: 0, l1: 0, beta1: 0, beta2: 0.9, eps: 1e-8 }],
  ["rmsprop + L2/L1", { kind: "rmsprop", lr: 0.001, l2: 0.05, l1: 0.01, beta1: 0, beta2: 0.95, eps: 1e-7 }],
  ["adagrad", { kind: "adagrad", lr: 0.1, l2: 0, l1: 0, beta1: 0, beta2: 0, eps: 1e-8 }],
  ["adagrad + L2/L1", { kind: "adagrad", lr: 0.05, l2: 0.02, l1: 0.003, beta1: 0, beta2: 0, eps: 1e-6 }],
];

/** Runs the kernel for `grads.length` steps (t = 1, 2, …); returns w, m, v after the last one. */
function runKernel(e: Engine, w0: Float32Array, grads: Float32Array[], o: AdaptiveRefOptions) {
  const N = w0.length;
  return scoped(e, () => {
    const pw = e.allocFrom(w0), pg = e.alloc(N), pm = e.alloc(N), pv = e.alloc(N);
    grads.forEach((g, s) => {
      const t = s + 1;
      e.write(pg, g);
      if (o.kind === "adam") e.k.adam_update(pw, pg, pm, pv, N, o.lr, o.l2, o.l1, o.beta1, o.beta2, o.eps, 1 / (1 - o.beta1 ** t), 1 / (1 - o.beta2 ** t));
      else if (o.kind === "rmsprop") e.k.rmsprop_update(pw, pg, pv, N, o.lr, o.l2, o.l1, o.beta2, o.eps);
      else e.k.adagrad_update(pw, pg, pv, N, o.lr, o.l2, o.l1, o.eps);
    });
    return { w: e.read(pw, N), m: e.read(pm, N), v: e.read(pv, N) };
  });
}

describe.each(VARIANTS)("adaptive optimizer kernels, %s build", (variant) => {
  it.each(CASES)("%s matches the float64 reference over its first 4 steps at every N", async (_, o) => {
    const e = await engine(variant);
    const rng = new RefRng(90);
    for (const N of SIZES) {
      const w0 = rng.array(N);
      if (N > 2) w0[1] = 0; // sign(0) = 0 under L1
      const grads = Array.from({ length: 4 }, () => rng.array(N, -2, 2));
      const got = runKernel(e, w0, grads, o);
      const w = Float64Array.from(w0), m = new Float64Array(N), v = new Float64Array(N);
      grads.forEach((g, s) => adaptiveStepRef(w, g, m, v, s + 1, o));
      expectClose(got.w, w, 1e-6, 1e-5);
      expectClose(got.v, v, 1e-7, 1e-5);
      if (o.kind === "adam") expectClose(got.m, m, 1e-7, 1e-5);
    }
  });

  it("Adam's first step moves every weight by about lr against its gradient's sign", async () => {
    const e = await engine(variant);
    const w0 = new Float32Array([0.5, -0.5, 1, 0, 2]);
    const g = new Float32Array([3, -0.001, 1e-3, 7, -40]);
    const { w } = runKernel(e, w0, [g], CASES[0][1]);
    expectClose(Array.from(w, (x, i) => x - w0[i]), Array.from(g, (x) => -0.01 * Math.sign(x)), 1e-6, 1e-3);
  });

  it("add_decay adds l2 w + l1 sign w, and dot_f64 sums products in f64", async () => {
    const e = await engine(variant);
    const rng = new RefRng(91);
    for (const N of SIZES) {
      const w = rng.array(N), g = rng.array(N), y = rng.array(N);
      if (N > 2) w[2] = 0;
      scoped(e, () => {
        const pw = e.allocFrom(w), pg = e.allocFrom(g), py = e.allocFrom(y);
        e.k.add_decay(pg, pw, N, 0.3, 0.01);
        expectClose(e.read(pg, N), Array.from(g, (x, i) => x + 0.3 * w[i] + 0.01 * Math.sign(w[i])), 1e-6, 1e-6);
        const ref = w.reduce((s, x, i) => s + x * y[i], 0);
        expect(Math.abs(e.k.dot_f64(pw, py, N) - ref)).toBeLessThan(1e-12 * (1 + Math.abs(ref)) * N);
      });
    }
  });
});
