// Node-only data loading: loadIdxDir on the full MNIST in ../shared, and on small hand-built directories.
import { existsSync, mkdtempSync, rmSync, writeFileSync, unlinkSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { idxBytes as idx } from "../helpers.js";
import { loadIdxDir } from "../../src/data/node.js";

/** The full MNIST: ../shared/data/mnist next to the checkout, else /work/shared/data/mnist. */
const MNIST_DIR = [fileURLToPath(new URL("../../../shared/data/mnist", import.meta.url)), "/work/shared/data/mnist"].find((dir) =>
  existsSync(join(dir, "train-images-idx3-ubyte.gz")),
);


const tmpDirs: string[] = [];
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory of tiny 2×2 IDX files: `train` training and `test` test images, labels i % 10. */
function tinyDir(train: number, test: number, gzip: boolean, skip: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "simdnet-idx-"));
  tmpDirs.push(dir);
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte": idx(0x803, [train, 2, 2], Array.from({ length: 4 * train }, (_, i) => i % 256)),
    "train-labels-idx1-ubyte": idx(0x801, [train], Array.from({ length: train }, (_, i) => i % 10)),
    "t10k-images-idx3-ubyte": idx(0x803, [test, 2, 2], new Uint8Array(4 * test).fill(9)),
    "t10k-labels-idx1-ubyte": idx(0x801, [test], Array.from({ length: test }, (_, i) => (i + 3) % 10)),
  };
  for (const [name, bytes] of Object.entries(files)) {
    if (!skip.includes(name)) writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
  return dir;
}

describe("loadIdxDir", () => {
  const full = "loads the full MNIST as 50k / 10k / 10k";
  it.skipIf(!MNIST_DIR)(MNIST_DIR ? full : `${full}: SKIPPED, no MNIST at ../shared/data/mnist or /work/shared/data/mnist`, () => {
    const { training, validation, test } = loadIdxDir(MNIST_DIR!);
    expect([training.n, validation.n, test.n]).toEqual([50_000, 10_000, 10_000]);
    for (const d of [training, validation, test]) {
      expect(d.inputShape).toEqual([784]);
      expect(d.inputs).toBeInstanceOf(Uint8Array);
      expect(d.inputs.length).toBe(d.n * 784);
      expect(d.labels).toBeInstanceOf(Uint8Array);
      expect(d.scale).toBeCloseTo(1 / 255, 12);
    }
    expect(training.labels![0]).toBe(5);
    expect(test.labels![0]).toBe(7);
    expect(Array.from(training.labels!.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });

  it("reads plain and gzipped files alike, splitting off the last validationSize examples", () => {
    for (const gzip of [false, true]) {
      const { training, validation, test } = loadIdxDir(tinyDir(12, 3, gzip), { validationSize: 4, shape: [1, 2, 2] });
      expect([training.n, validation.n, test.n]).toEqual([8, 4, 3]);
      expect(training.inputShape).toEqual([1, 2, 2]);
      expect(Array.from(validation.labels!)).toEqual([8, 9, 0, 1]);
      expect(Array.from(validation.inputs.subarray(0, 4))).toEqual([32, 33, 34, 35]);
      expect(Array.from(test.labels!)).toEqual([3, 4, 5]);
    }
  });

  it("names every missing file and the directory", () => {
    const dir = tinyDir(12, 3, true, ["train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"]);
    expect(() => loadIdxDir(dir)).toThrow(`MNIST directory ${dir} is missing train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz)`);
  });

  it("names the file when a header is wrong, and rejects a bad validationSize", () => {
    const dir = tinyDir(12, 3, false);
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idx(0x803, [3, 1, 1], [1, 2, 3]));
    expect(() => loadIdxDir(dir)).toThrow(/IDX labels: wrong magic number 0x00000803 .* \(in .*t10k-labels-idx1-ubyte\)/);
    expect(() => loadIdxDir(tinyDir(12, 3, false), { validationSize: 13 })).toThrow(/validationSize must be an integer in \[0, 12\]/);
  });

  it("refuses a named pipe at once instead of blocking on it", () => {
    const dir = tinyDir(12, 5, false);
    const fifo = join(dir, "t10k-labels-idx1-ubyte");
    unlinkSync(fifo);
    execFileSync("mkfifo", [fifo]);   // nobody writes to it: reading it would block forever
    expect(() => loadIdxDir(dir)).toThrow(/t10k-labels-idx1-ubyte is a named pipe; IDX data must be a regular file/);
    unlinkSync(fifo);
    mkdirSync(fifo);
    expect(() => loadIdxDir(dir)).toThrow(/is a directory; IDX data must be a regular file/);
  });

  it("refuses a gzip file that decompresses past maxBytes, and a plain file larger than it", () => {
    const dir = tinyDir(1000, 5, true);   // 4,000 pixel bytes of training images
    expect(() => loadIdxDir(dir, { maxBytes: 2048, validationSize: 10 })).toThrow(/train-images-idx3-ubyte.gz decompressed is larger than the 2048-byte limit/);
    const plain = tinyDir(1000, 5, false);
    expect(() => loadIdxDir(plain, { maxBytes: 2048, validationSize: 10 })).toThrow(/train-images-idx3-ubyte \(4016 bytes\) is larger/);
    expect(loadIdxDir(plain, { maxBytes: 4016, validationSize: 10 }).training.n).toBe(990);
    expect(() => loadIdxDir(plain, { maxBytes: 0 })).toThrow(/maxBytes must be a positive number/);
  });
});
