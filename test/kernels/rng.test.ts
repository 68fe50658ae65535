// assembly/kernels/rng.ts against test/reference/rng.ts, for both builds: the raw stream bit for bit,
// every derived kernel bit for bit (normals within 1 ulp of a JS transcription), and statistics.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, RefRng, VARIANTS, scoped } from "../helpers.js";
import { refBelow, refDropoutMask, refNormal, refShuffle, refUniform } from "../reference/rng.js";


const SEEDS = [0, 1, 42, 0xdeadbeef, 0xffffffff];

/** A seeded generator state in the engine's memory. */
function seeded(e: Engine, seed: number): number {
  const state = e.alloc(4);
  e.k.rng_seed(state, seed);
  return state;
}

/** Fills N f32 with one of the rng kernels and reads them back. */
function draw(e: Engine, seed: number, N: number, fill: (state: number, out: number) => void): Float32Array {
  return scoped(e, () => {
    const state = seeded(e, seed), out = e.alloc(N);
    fill(state, out);
    return e.read(out, N);
  });
}

/** Fails at the first index where a and b differ in bits (toEqual is slow on 1e5 elements). */
function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) expect.fail(`element ${i}: ${a[i]} vs ${b[i]}`);
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

describe.each(VARIANTS)("rng kernels, %s build", (variant) => {
  it("rng_next_u32 is RefRng's xoshiro128** stream bit for bit (seen unsigned after >>> 0)", async () => {
    const e = await engine(variant);
    for (const seed of SEEDS) scoped(e, () => {
      const state = seeded(e, seed), ref = new RefRng(seed);
      const got = Array.from({ length: 1000 }, () => e.k.rng_next_u32(state) >>> 0);
      expect(got).toEqual(Array.from({ length: 1000 }, () => ref.nextU32()));
    });
  });

  it("rng_below is Lemire's method drawing exactly like refBelow, always in [0, n)", async () => {
    const e = await engine(variant);
    for (const n of [1, 2, 3, 7, 10, 1000, 2 ** 30 + 1, 2 ** 31 - 1]) scoped(e, () => {
      const state = seeded(e, n), ref = new RefRng(n);
      const got = Array.from({ length: 2000 }, () => e.k.rng_below(state, n));
      expect(got).toEqual(Array.from({ length: 2000 }, () => refBelow(ref, n)));
      for (const v of got) expect(v >= 0 && v < n && Number.isInteger(v)).toBe(true);
      expect(e.k.rng_next_u32(state) >>> 0).toBe(ref.nextU32()); // rejections consumed the same draws
    });
  });

  it("rng_below(3) is uniform (chi-square over 30000 draws)", async () => {
    const e = await engine(variant);
    scoped(e, () => {
      const state = seeded(e, 7), counts = [0, 0, 0];
      for (let i = 0; i < 30000; i++) counts[e.k.rng_below(state, 3)]++;
      const chi2 = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
      expect(chi2).toBeLessThan(13.8); // p = 0.001 with 2 degrees of freedom
    });
  });

  it("rng_uniform equals refUniform bit for bit; values lie in [lo, hi) with the right mean", async () => {
    const e = await engine(variant);
    for (const [lo, hi] of [[0, 1], [-1, 1], [-0.5, 2.5]]) {
      const N = 100000;
      const got = draw(e, 3, N, (s, out) => e.k.rng_uniform(s, out, N, lo, hi));
      expectSameBits(got, refUniform(new RefRng(3), N, lo, hi));
      for (const v of got) if (!(v >= lo && v < hi)) expect.fail(`${v} outside [${lo}, ${hi})`);
      const sd = (hi - lo) / Math.sqrt(12 * N);
      expect(Math.abs(mean(got) - (lo + hi) / 2)).toBeLessThan(5 * sd);
    }
  });

  it("rng_normal has the right mean and variance over 1e5 draws, and matches refNormal to 1 ulp", async () => {
    const e = await engine(variant);
    const N = 100000, mu = 0.5, std = 2;
    const got = draw(e, 11, N, (s, out) => e.k.rng_normal(s, out, N, mu, std));
    const ref = refNormal(new RefRng(11), N, mu, std);
    for (let i = 0; i < N; i++) {
      // JS's Math and AS's compiled-in Math may differ in the last bit of f64, rarely of f32
      if (Math.abs(got[i] - ref[i]) > 4e-7 * Math.max(1, Math.abs(ref[i]))) expect.fail(`${i}: ${got[i]} vs ${ref[i]}`);
    }
    const m = mean(got);
    const v = got.reduce((s, x) => s + (x - m) ** 2, 0) / (N - 1);
    expect(Math.abs(m - mu)).toBeLessThan((5 * std) / Math.sqrt(N));
    expect(Math.abs(v - std * std)).toBeLessThan(5 * std * std * Math.sqrt(2 / N));
  });

  it("rng_normal draws two u32 per pair: an odd N drops the last sine", async () => {
    const e = await engine(variant);
    scoped(e, () => {
      const state = seeded(e, 5), out = e.alloc(3);
      e.k.rng_normal(state, out, 3, 0, 1);
      const ref = new RefRng(5);
      for (let i = 0; i < 4; i++) ref.nextU32();
      expect(e.k.rng_next_u32(state) >>> 0).toBe(ref.nextU32());
    });
  });

  it("rng_normal gives the recorded bits in every build and runtime", async () => {
    const e = await engine(variant);
    const got = draw(e, 2024, 6, (s, out) => e.k.rng_normal(s, out, 6, 0, 1));
    expect(Array.from(new Uint32Array(got.buffer))).toEqual(GOLDEN_NORMAL);
  });

  it("rng_dropout_mask keeps a `keep` fraction, scaled by 1 / keep, bit for bit like the reference", async () => {
    const e = await engine(variant);
    const N = 100000;
    for (const keep of [0.5, 0.8]) {
      const got = draw(e, 9, N, (s, out) => e.k.rng_dropout_mask(s, out, N, keep));
      expectSameBits(got, refDropoutMask(new RefRng(9), N, keep));
      const kept = got.filter((v) => v !== 0);
      expect(kept.every((v) => v === Math.fround(1 / Math.fround(keep)))).toBe(true);
      expect(Math.abs(kept.length / N - keep)).toBeLessThan(5 * Math.sqrt((keep * (1 - keep)) / N));
    }
    expect(Array.from(draw(e, 9, 7, (s, out) => e.k.rng_dropout_mask(s, out, 7, 1)))).toEqual(new Array(7).fill(1));
    expect(Array.from(draw(e, 9, 7, (s, out) => e.k.rng_dropout_mask(s, out, 7, 0)))).toEqual(new Array(7).fill(0));
  });

  it("rng_shuffle is a permutation, equal to refShuffle and deterministic per seed", async () => {
    const e = await engine(variant);
    const shuffle = (seed: number, N: number) => scoped(e, () => {
      const state = seeded(e, seed), idx = e.alloc(N);
      e.i32(idx, N).set(Int32Array.from({ length: N }, (_, i) => i));
      e.k.rng_shuffle(state, idx, N);
      return e.i32(idx, N).slice();
    });
    for (const N of [0, 1, 2, 10, 1000]) {
      const p = shuffle(1, N);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(p).toEqual(refShuffle(new RefRng(1), Int32Array.from({ length: N }, (_, i) => i)));
      expect(shuffle(1, N)).toEqual(p);
    }
    expect(shuffle(2, 1000)).not.toEqual(shuffle(1, 1000));
  });
});

// Recorded once (Node 20, V8): rng_normal uses no relaxed ops and AS's own Math, so every build and
// runtime must reproduce these f32 bit patterns; Chromium runs this same test.
const GOLDEN_NORMAL = [3201634871, 3214668707, 3209286021, 3196287357, 3203323660, 3215227595];
