// The seeded split gives the same subsets as before its generator moved into src/rng.ts (HostRng):
// permutations and the embedded digits' 8,000/1,000/1,000 split against values recorded from the old
// SplitRng in src/data/split.ts (FNV-1a over the little-endian bytes of each i32 / label / 4 input bytes).
import { describe, expect, it } from "vitest";
import { shuffledIndices } from "../../src/data/split.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { HostRng } from "../../src/rng.js";

function fnv(a: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) {
    for (let b = 0; b < 32; b += 8) h = Math.imul(h ^ ((a[i] >>> b) & 0xff), 16777619) >>> 0;
  }
  return h.toString(16);
}

describe("seeded split (recorded before the generator was folded into src/rng.ts)", () => {
  it.each([
    [10, 0, "3,6,1,5,9,7,4,0", "53faaca4"],
    [1000, 1, "704,150,674,988,940,386,508,992", "abc94a75"],
    [60000, 0, "4128,13025,24358,11296,18091,54518,7309,50514", "7eeb2291"],
    [70000, 42, "36410,33591,49606,32140,30341,11900,58285,45737", "fd85e9d"],
    [12345, 0xffffffff, "10056,8047,6367,11643,6183,3654,12158,1296", "d76b2371"],
  ])("shuffledIndices(%i, %i) is the recorded permutation", (n, seed, first, hash) => {
    const p = shuffledIndices(n, seed);
    expect(Array.from(p.subarray(0, 8)).join(",")).toBe(first);
    expect(fnv(p)).toBe(hash);
  });

  it("HostRng draws the recorded values", () => {
    const r = new HostRng(7);
    expect(Array.from({ length: 5 }, () => r.nextU32())).toEqual([1004282400, 2200021487, 1928073449, 741806228, 2429532727]);
    expect([r.below(1000), r.below(0x7fffffff)]).toEqual([473, 1102113187]);
  });

  it("the embedded digits split into the recorded training / validation / test subsets", async () => {
    const m = await loadEmbeddedMnist();
    const got = [m.training, m.validation, m.test].map((d) => {
      const bytes = d.inputs as Uint8Array;
      return [d.n, fnv(d.labels!), fnv(new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4))))];
    });
    expect(got).toEqual([[8000, "7562a255", "be0cb30c"], [1000, "28e763a4", "655c1c08"], [1000, "d6638d52", "3de44493"]]);
  });
});
