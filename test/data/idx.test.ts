// IDX parsing from hand-built bytes: the happy path, gzip, and every malformed input.
import { describe, expect, it } from "vitest";
import { idxBytes as idx } from "../helpers.js";
import {
  decompressIfGzip, gunzip, idxDataSet, isGzip, parseIdxImages, parseIdxLabels, parseIdxPair,
} from "../../src/data/idx.js";


const PIXELS = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 10); // 2 images of 3×2
const imagesFile = (): Uint8Array => idx(0x803, [2, 3, 2], PIXELS);
const labelsFile = (): Uint8Array => idx(0x801, [2], [7, 3]);

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("parseIdxImages / parseIdxLabels", () => {
  it("reads the header and the bytes", () => {
    const images = parseIdxImages(imagesFile());
    expect([images.count, images.rows, images.cols]).toEqual([2, 3, 2]);
    expect(Array.from(images.pixels)).toEqual(PIXELS);
    expect(Array.from(parseIdxLabels(labelsFile()))).toEqual([7, 3]);
  });

  it("reads an empty file (count 0)", () => {
    expect(parseIdxImages(idx(0x803, [0, 28, 28], [])).count).toBe(0);
    expect(parseIdxLabels(idx(0x801, [0], [])).length).toBe(0);
  });

  it("names a wrong magic number, and what was expected", () => {
    expect(() => parseIdxImages(idx(0x1234, [2, 3, 2], PIXELS))).toThrow(/wrong magic number 0x00001234; expected 0x00000803/);
    expect(() => parseIdxImages(labelsFile())).toThrow(/0x00000801 \(that is an IDX labels file\); expected 0x00000803/);
    expect(() => parseIdxLabels(imagesFile())).toThrow(/0x00000803 \(that is an IDX images file\); expected 0x00000801/);
  });

  it("reports a truncated header", () => {
    expect(() => parseIdxImages(new Uint8Array([0, 0]))).toThrow(/truncated header: expected at least 16 bytes, got 2/);
    expect(() => parseIdxImages(imagesFile().subarray(0, 10))).toThrow(/IDX images: truncated header: expected 16 bytes, got 10/);
    expect(() => parseIdxLabels(labelsFile().subarray(0, 6))).toThrow(/IDX labels: truncated header: expected 8 bytes, got 6/);
  });

  it("reports truncated data with the expected and actual byte counts", () => {
    expect(() => parseIdxImages(imagesFile().subarray(0, 16 + 5))).toThrow(/truncated data: expected 12 bytes .* got 5/);
    expect(() => parseIdxLabels(labelsFile().subarray(0, 9))).toThrow(/truncated data: expected 2 bytes .* got 1/);
  });

  it("rejects trailing bytes", () => {
    expect(() => parseIdxLabels(idx(0x801, [2], [1, 2, 3]))).toThrow(/1 unexpected trailing bytes/);
  });

  it("says gzipped bytes must be decompressed first", async () => {
    const gz = await gzip(imagesFile());
    expect(isGzip(gz)).toBe(true);
    expect(() => parseIdxImages(gz)).toThrow(/gzip-compressed; decompress them first/);
    expect(() => parseIdxLabels(gz)).toThrow(/gzip-compressed/);
  });
});

describe("gunzip", () => {
  it("round-trips through CompressionStream", async () => {
    const raw = imagesFile();
    const back = await gunzip(await gzip(raw));
    expect(Array.from(back)).toEqual(Array.from(raw));
    expect(Array.from(await decompressIfGzip(raw))).toEqual(Array.from(raw));
  });

  it("rejects non-gzip and corrupt gzip bytes clearly", async () => {
    await expect(gunzip(labelsFile())).rejects.toThrow(/do not start with the gzip signature/);
    const gz = await gzip(imagesFile());
    await expect(gunzip(gz.subarray(0, gz.length - 12))).rejects.toThrow(/corrupt or truncated/);
  });

  it("stops a gzip bomb at the size limit instead of filling memory", async () => {
    const bomb = await gzip(new Uint8Array(4 << 20));   // 4 MiB of zeros: ~4 KB compressed
    expect(bomb.length).toBeLessThan(64 << 10);
    await expect(gunzip(bomb, 1 << 20)).rejects.toThrow(/larger than the 1 MiB limit/);
    await expect(decompressIfGzip(bomb, 1 << 20)).rejects.toThrow(/larger than the 1 MiB limit/);
    expect((await gunzip(bomb, 4 << 20)).length).toBe(4 << 20);   // exactly at the limit is fine
  });
});

describe("idxDataSet / parseIdxPair", () => {
  it("pairs images with labels as u8 inputs with scale 1/255", async () => {
    const d = await parseIdxPair(await gzip(imagesFile()), labelsFile());
    expect(d.n).toBe(2);
    expect(d.inputShape).toEqual([6]);
    expect(d.inputs).toBeInstanceOf(Uint8Array);
    expect(d.scale).toBeCloseTo(1 / 255, 12);
    expect(Array.from(d.labels!)).toEqual([7, 3]);
  });

  it("takes a conv shape of the same size, and rejects one of another size", () => {
    const images = parseIdxImages(imagesFile());
    const labels = parseIdxLabels(labelsFile());
    expect(idxDataSet(images, labels, { shape: [1, 3, 2] }).inputShape).toEqual([1, 3, 2]);
    expect(() => idxDataSet(images, labels, { shape: [1, 28, 28] })).toThrow(/shape \[1,28,28\] holds 784 values, but the images are 3×2 = 6/);
  });

  it("reports a count mismatch between images and labels", () => {
    const images = parseIdxImages(imagesFile());
    expect(() => idxDataSet(images, parseIdxLabels(idx(0x801, [3], [1, 2, 3])))).toThrow(/count mismatch: 2 images but 3 labels/);
  });
});
