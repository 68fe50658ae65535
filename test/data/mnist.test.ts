// The embedded 10,000 digits (build/mnist-embedded.bin): format checks, class balance, the seeded split.
import { describe, expect, it } from "vitest";
import type { DataSet } from "../../src/data/dataset.js";
import { EMBEDDED_HEADER_BYTES, loadEmbeddedMnist, parseEmbedded, readEmbeddedBytes } from "../../src/data/mnist.js";
import { gunzip } from "../../src/data/idx.js";

function histogram(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** One string per example (its pixels and label), to compare sets of examples across splits. */
function keys(d: DataSet): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < d.n; i++) out.add(`${d.labels![i]}:${d.inputs.subarray(i * 784, (i + 1) * 784).join(",")}`);
  return out;
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("parseEmbedded", () => {
  it("holds 10,000 digits of 28×28, about 1,000 per class", async () => {
    const all = parseEmbedded(await readEmbeddedBytes());
    expect(all.n).toBe(10_000);
    expect(all.inputShape).toEqual([784]);
    expect(all.inputs.length).toBe(10_000 * 784);
    const counts = histogram(all.labels!);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    for (const c of counts) expect(c).toBeGreaterThan(800), expect(c).toBeLessThan(1200);
    let max = 0;
    for (let i = 0; i < all.inputs.length; i++) max = Math.max(max, all.inputs[i]);
    expect(max).toBe(255);
  });

  it("gives a conv shape over the same bytes", async () => {
    const d = parseEmbedded(await readEmbeddedBytes(), { shape: [1, 28, 28] });
    expect(d.inputShape).toEqual([1, 28, 28]);
  });

  it("rejects bad magic, version, and truncated or oversized bytes", async () => {
    const good = await readEmbeddedBytes();
    const bad = good.slice(0, 64);
    bad[0] = 0x58;
    expect(() => parseEmbedded(bad)).toThrow(/wrong magic bytes 58 4e 4d 4e; expected 53 4e 4d 4e/);
    expect(() => parseEmbedded(good.subarray(0, 2))).toThrow(/truncated header: expected 20 bytes, got 2/);
    expect(() => parseEmbedded(good.subarray(0, 12))).toThrow(/truncated header/);
    const v2 = good.slice(0, EMBEDDED_HEADER_BYTES);
    v2[4] = 2;
    expect(() => parseEmbedded(v2)).toThrow(/format version 2/);
    expect(() => parseEmbedded(good.subarray(0, good.length - 1))).toThrow(/truncated file: 10000 images of 28×28 need 7850020 bytes, got 7850019/);
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(() => parseEmbedded(longer)).toThrow(/oversized file/);
  });

  it("says gzipped bytes (the npm package's copy) must be inflated first, and gunzip gives the digits back", async () => {
    const good = await readEmbeddedBytes();
    const gz = new Uint8Array(await new Response(new Blob([good.slice(0, 40_000)]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
    expect(() => parseEmbedded(gz)).toThrow(/the bytes are gzip-compressed \(as the npm package ships them\); decompress them first \(`await gunzip\(bytes\)`\)/);
    expect(await gunzip(gz)).toEqual(good.slice(0, 40_000));
  });
});

describe("loadEmbeddedMnist", () => {
  it("splits 8,000 / 1,000 / 1,000 by default, u8 inputs with scale 1/255", async () => {
    const { training, validation, test } = await loadEmbeddedMnist();
    expect([training.n, validation.n, test.n]).toEqual([8000, 1000, 1000]);
    for (const d of [training, validation, test]) {
      expect(d.inputShape).toEqual([784]);
      expect(d.inputs).toBeInstanceOf(Uint8Array);
      expect(d.labels).toBeInstanceOf(Uint8Array);
      expect(d.inputs.length).toBe(d.n * 784);
      expect(d.scale).toBeCloseTo(1 / 255, 12);
      for (let i = 0; i < d.n; i++) expect(d.labels![i] >= 0 && d.labels![i] <= 9).toBe(true);
    }
    // a shuffled split: every class appears in the test set in roughly its share
    for (const c of histogram(test.labels!)) expect(c).toBeGreaterThan(50);
  });

  it("is disjoint and covers all 10,000 digits", async () => {
    const { training, validation, test } = await loadEmbeddedMnist();
    const all = keys(parseEmbedded(await readEmbeddedBytes()));
    const parts = [keys(training), keys(validation), keys(test)];
    const union = new Set([...parts[0], ...parts[1], ...parts[2]]);
    expect(union.size).toBe(parts[0].size + parts[1].size + parts[2].size);
    expect(union.size).toBe(all.size);
  });

  it("is deterministic: the same seed gives the same split, another seed a different one", async () => {
    const a = await loadEmbeddedMnist({ seed: 7 });
    const b = await loadEmbeddedMnist({ seed: 7 });
    const c = await loadEmbeddedMnist({ seed: 8 });
    expect(Array.from(a.training.labels!)).toEqual(Array.from(b.training.labels!));
    expect(sameBytes(a.test.inputs, b.test.inputs)).toBe(true);
    expect(Array.from(a.training.labels!)).not.toEqual(Array.from(c.training.labels!));
  });

  it("pins the default split (the same in Node and in the browser)", async () => {
    const { training, test } = await loadEmbeddedMnist();
    expect(Array.from(training.labels!.subarray(0, 12)).join("")).toBe("835642497102");
    expect(Array.from(test.labels!.subarray(0, 12)).join("")).toBe("831358328267");
  });

  it("takes other sizes and a conv shape, and rejects sizes over 10,000", async () => {
    const { training, validation, test } = await loadEmbeddedMnist({ split: [1000, 200, 300], shape: [1, 28, 28] });
    expect([training.n, validation.n, test.n]).toEqual([1000, 200, 300]);
    expect(training.inputShape).toEqual([1, 28, 28]);
    await expect(loadEmbeddedMnist({ split: [9000, 1000, 1000] })).rejects.toThrow(/add up to 11000, but there are only 10000 examples/);
  });
});
