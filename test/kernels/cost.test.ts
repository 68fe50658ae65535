// assembly/kernels/cost.ts against test/reference/cost.ts, for both builds: sums over whole batches
// at every size, saturated activations (a = 0 or 1) and the deltas.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import {
  costDiffRef, crossEntropyCostRef, crossEntropyGradRef, logLikelihoodCostRef, quadraticCostRef, TINY,
} from "../reference/cost.js";


type Cost = "quadratic_cost" | "cross_entropy_cost" | "log_likelihood_cost";
type Delta = "cost_diff" | "cross_entropy_grad";

function cost(e: Engine, name: Cost, a: ArrayLike<number>, y: ArrayLike<number>, B: number, C: number): number {
  return scoped(e, () => e.k[name](e.allocFrom(a), e.allocFrom(y), B, C));
}

function delta(e: Engine, name: Delta, a: ArrayLike<number>, y: ArrayLike<number>, scale: number): Float32Array {
  return scoped(e, () => {
    const out = e.allocFrom(new Float32Array(a.length).fill(NaN)); // stale data: deltas overwrite it
    e.k[name](out, e.allocFrom(a), e.allocFrom(y), a.length, scale);
    return e.read(out, a.length);
  });
}

/** B one-hot rows of C, labels from rng. */
function oneHot(rng: RefRng, B: number, C: number): Float32Array {
  const y = new Float32Array(B * C);
  for (let b = 0; b < B; b++) y[b * C + Math.floor(rng.uniform() * C)] = 1;
  return y;
}

const relClose = (got: number, want: number, rtol: number) =>
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(rtol * Math.abs(want) + 1e-12);

describe.each(VARIANTS)("cost kernels, %s build", (variant) => {
  it("quadratic, cross-entropy and log-likelihood sums match the reference at every size", async () => {
    const e = await engine(variant);
    const rng = new RefRng(30);
    for (const B of [1, 3]) for (const C of SIZES) {
      const a = rng.array(B * C, 0.001, 0.999);
      const soft = rng.array(B * C, 0, 1); // soft targets: both log terms matter
      const y = oneHot(rng, B, C);
      relClose(cost(e, "quadratic_cost", a, soft, B, C), quadraticCostRef(a, soft), 1e-12); // f64 throughout
      relClose(cost(e, "cross_entropy_cost", a, soft, B, C), crossEntropyCostRef(a, soft), 1e-6);
      relClose(cost(e, "cross_entropy_cost", a, y, B, C), crossEntropyCostRef(a, y), 1e-6);
      relClose(cost(e, "log_likelihood_cost", a, y, B, C), logLikelihoodCostRef(a, y), 1e-6);
    }
  });

  it("log_likelihood_cost is -sum ln a[label] for one-hot targets", async () => {
    const e = await engine(variant);
    const rng = new RefRng(31);
    const B = 5, C = 10;
    const a = rng.array(B * C, 0.01, 1), y = oneHot(rng, B, C);
    let want = 0;
    for (let i = 0; i < B * C; i++) if (y[i] === 1) want -= Math.log(a[i]);
    relClose(cost(e, "log_likelihood_cost", a, y, B, C), want, 1e-6);
  });

  it("stays finite for saturated activations: a zero coefficient contributes exactly 0", async () => {
    const e = await engine(variant);
    const L = -Math.log(TINY); // 87.34: the clamped -ln(0)
    // one element at a time, so each case also runs through the scalar tail (N = 1) ...
    const cases: [number, number, number][] = [[1, 1, 0], [0, 0, 0], [0, 1, L], [1, 0, L], [0.5, 1, Math.LN2]];
    for (const [a, y, want] of cases) {
      relClose(cost(e, "cross_entropy_cost", [a], [y], 1, 1), want, 1e-6);
      relClose(cost(e, "log_likelihood_cost", [a], [y], 1, 1), y === 1 ? (a === 0 ? L : -Math.log(a)) : 0, 1e-6);
    }
    // ... and all together through the SIMD body
    const a = cases.map((c) => c[0]), y = cases.map((c) => c[1]);
    relClose(cost(e, "cross_entropy_cost", a, y, 1, 5), crossEntropyCostRef(a, y), 1e-6);
    relClose(cost(e, "log_likelihood_cost", a, y, 1, 5), logLikelihoodCostRef(a, y), 1e-6);
    expect(cost(e, "cross_entropy_cost", [1, 0, 1, 0], [1, 0, 1, 0], 2, 2)).toBe(0);
    expect(cost(e, "quadratic_cost", [1, 0, 1, 0, 1], [0, 0, 1, 1, 1], 1, 5)).toBe(1);
  });

  it("the costs' vectorized log is accurate to ~1e-7 relative from the smallest normal f32 up", async () => {
    const e = await engine(variant);
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const a = Math.fround(TINY * Math.pow(2 / TINY, i / 1999)); // log-spaced over [2^-126, 2]
      const got = cost(e, "log_likelihood_cost", [a, a, a, a], [1, 0, 0, 0], 1, 4); // SIMD body
      worst = Math.max(worst, Math.abs(got + Math.log(a)) / Math.max(Math.abs(Math.log(a)), 1e-3));
    }
    expect(worst).toBeLessThan(2e-7);
  });

  it("cost_diff writes scale * (a - y) exactly, over stale data", async () => {
    const e = await engine(variant);
    const rng = new RefRng(32);
    for (const N of SIZES) {
      const a = rng.array(N, 0, 1), y = rng.array(N, 0, 1);
      const scale = Math.fround(1 / N);
      const want = costDiffRef(Float32Array.from(a, (v, i) => Math.fround(v - y[i])), new Float32Array(N), scale);
      expect(delta(e, "cost_diff", a, y, scale)).toEqual(Float32Array.from(want)); // two roundings, as in f32
    }
  });

  it("cross_entropy_grad matches the reference, and is finite at a = 0 or 1", async () => {
    const e = await engine(variant);
    const rng = new RefRng(33);
    for (const N of SIZES) {
      const a = rng.array(N, 0.01, 0.99), y = rng.array(N, 0, 1);
      expectClose(delta(e, "cross_entropy_grad", a, y, 0.5), crossEntropyGradRef(a, y, 0.5), 1e-7, 1e-6);
    }
    const a = [0, 0, 1, 1, 0.5], y = [0, 1, 0, 1, 1];
    const d = delta(e, "cross_entropy_grad", a, y, 2);
    for (const v of d) expect(Number.isFinite(v)).toBe(true);
    expectClose(d, crossEntropyGradRef(a, y, 2), 0, 1e-6);
    expect(d[3]).toBeCloseTo(-2, 5); // a = y = 1: the limit of -scale / a
    expect(d[0]).toBeCloseTo(2, 5);  // a = y = 0: the limit of scale / (1 - a)
  });
});
