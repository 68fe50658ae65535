// The load-time generator and seeded split: the kernels' xoshiro128** stream, in plain TS.
import { describe, expect, it } from "vitest";
import { shuffledIndices, splitDataSet, subset } from "../../src/data/split.js";
import { HostRng as SplitRng } from "../../src/rng.js";
import type { DataSet } from "../../src/data/dataset.js";
import { createEngine } from "../../src/wasm/engine.js";
import { RefRng } from "../reference/rng.js";

/** n examples of 2 inputs, example i holding [i, 100 + i] and label i % 10. */
function counting(n: number): DataSet {
  const inputs = new Uint8Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    inputs[2 * i] = i;
    inputs[2 * i + 1] = 100 + i;
    labels[i] = i % 10;
  }
  return { n, inputShape: [2], inputs, scale: 1 / 255, labels };
}

describe("SplitRng", () => {
  it("matches the reference xoshiro128** stream", () => {
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const a = new SplitRng(seed);
      const b = new RefRng(seed);
      for (let i = 0; i < 100; i++) expect(a.nextU32()).toBe(b.nextU32());
    }
  });

  it("below(n) is Lemire's multiply-and-reject on the same stream (checked in BigInt)", () => {
    for (const n of [1, 2, 3, 10, 1000, 0x40000001, 0x7fffffff]) {
      const a = new SplitRng(n);
      const b = new RefRng(n);
      const reject = (2n ** 32n - BigInt(n)) % BigInt(n);
      for (let i = 0; i < 200; i++) {
        let m = BigInt(b.nextU32()) * BigInt(n);
        while ((m & 0xffffffffn) < reject) m = BigInt(b.nextU32()) * BigInt(n);
        const v = a.below(n);
        expect(v).toBe(Number(m >> 32n));
        expect(v >= 0 && v < n).toBe(true);
      }
    }
    expect(() => new SplitRng(0).below(0)).toThrow(/integer n in \[1, 2\^31\)/);
  });

  it("shuffles exactly like the rng_shuffle kernel", async () => {
    const e = await createEngine({ variant: "plain" });
    const n = 1000;
    const state = e.alloc(4);
    const idx = e.alloc(n);
    e.k.rng_seed(state, 123);
    const view = e.i32(idx, n);
    for (let i = 0; i < n; i++) view[i] = i;
    e.k.rng_shuffle(state, idx, n);
    expect(Array.from(e.i32(idx, n))).toEqual(Array.from(shuffledIndices(n, 123)));
  });
});

describe("shuffledIndices / splitDataSet / subset", () => {
  it("gives a permutation that depends on the seed", () => {
    const p = shuffledIndices(500, 3);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(Array.from(shuffledIndices(500, 3))).toEqual(Array.from(p));
    expect(Array.from(shuffledIndices(500, 4))).not.toEqual(Array.from(p));
  });

  it("subset copies inputs and labels in the given order", () => {
    const s = subset(counting(20), [5, 0, 19]);
    expect(s.n).toBe(3);
    expect(Array.from(s.inputs)).toEqual([5, 105, 0, 100, 19, 119]);
    expect(Array.from(s.labels!)).toEqual([5, 0, 9]);
    expect(() => subset(counting(20), [20])).toThrow(/subset index 20 \(position 0\) is outside \[0, 20\)/);
  });

  it("splits into disjoint parts of the asked sizes", () => {
    const [a, b, c] = splitDataSet(counting(100), [50, 30, 10], 9);
    expect([a.n, b.n, c.n]).toEqual([50, 30, 10]);
    const seen = new Set<number>();
    for (const d of [a, b, c]) for (let i = 0; i < d.n; i++) seen.add(d.inputs[2 * i]);
    expect(seen.size).toBe(90);
    expect(() => splitDataSet(counting(10), [5, 6])).toThrow(/add up to 11, but there are only 10/);
    expect(() => splitDataSet(counting(10), [-1])).toThrow(/non-negative integers/);
  });
});
