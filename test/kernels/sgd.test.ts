// assembly/kernels/sgd.ts against test/reference/sgd.ts, for both builds: all four modes over a few
// steps at every size, sign(0) = 0 for L1, and network2.py's L2-regularised update rule.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import { network2UpdateRef, sgdStepRef, type SgdOptions } from "../reference/sgd.js";


const MODES: [string, SgdOptions, boolean][] = [
  ["plain", { lr: 0.5, l2: 0, l1: 0, momentum: 0, nesterov: false }, false],
  ["L2 + L1", { lr: 0.1, l2: 0.05, l1: 0.01, momentum: 0, nesterov: false }, false],
  ["momentum", { lr: 0.1, l2: 0.02, l1: 0.003, momentum: 0.9, nesterov: false }, true],
  ["nesterov", { lr: 0.1, l2: 0.02, l1: 0.003, momentum: 0.9, nesterov: true }, true],
];

/** Runs `steps` kernel updates with fresh gradients each step; returns w and v after the last one. */
function runSgd(e: Engine, w0: Float32Array, grads: Float32Array[], o: SgdOptions, useVel: boolean) {
  const N = w0.length;
  return scoped(e, () => {
    const pw = e.allocFrom(w0), pg = e.alloc(N), pv = useVel ? e.alloc(N) : 0;
    for (const g of grads) {
      e.write(pg, g);
      e.k.sgd_update(pw, pg, pv, N, o.lr, o.l2, o.l1, o.momentum, o.nesterov ? 1 : 0);
    }
    return { w: e.read(pw, N), v: useVel ? e.read(pv, N) : new Float32Array(0) };
  });
}

describe.each(VARIANTS)("sgd_update, %s build", (variant) => {
  it.each(MODES)("%s matches the float64 reference over 3 steps at every N", async (_, o, useVel) => {
    const e = await engine(variant);
    const rng = new RefRng(50);
    for (const N of SIZES) {
      const w0 = rng.array(N);
      if (N > 2) w0[1] = 0; // sign(0) = 0: L1 leaves a zero weight alone
      const grads = [rng.array(N), rng.array(N), rng.array(N)];
      const { w, v } = runSgd(e, w0, grads, o, useVel);
      const rw = Float64Array.from(w0), rv = useVel ? new Float64Array(N) : null;
      for (const g of grads) sgdStepRef(rw, g, rv, o);
      expectClose(w, rw, 1e-6, 1e-5);
      if (rv) expectClose(v, rv, 1e-6, 1e-5);
    }
  });

  it("leaves a zero weight with a zero gradient at exactly 0 under L1 and L2", async () => {
    const e = await engine(variant);
    for (const N of [3, 4, 5]) {
      const { w } = runSgd(e, new Float32Array(N), [new Float32Array(N)], MODES[3][1], true);
      expect(Array.from(w)).toEqual(new Array(N).fill(0));
    }
  });

  it("with l2 = lambda / n is network2.py's (1 - eta lambda / n) w - (eta / m) nabla_w", async () => {
    const e = await engine(variant);
    const rng = new RefRng(51);
    const N = 33, eta = 0.5, lmbda = 5, n = 50000, m = 10;
    const w0 = rng.array(N), nabla = rng.array(N, -5, 5); // the mini-batch's summed gradient
    const grad = Float32Array.from(nabla, (x) => x / m);
    const { w } = runSgd(e, w0, [grad], { lr: eta, l2: lmbda / n, l1: 0, momentum: 0, nesterov: false }, false);
    expectClose(w, network2UpdateRef(w0, nabla, eta, lmbda, n, m), 1e-6, 1e-5);
  });
});
