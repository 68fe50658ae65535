/**
 * IDX files (the MNIST distribution format), parsed from bytes with no I/O. Images: magic 0x00000803,
 * count, rows, cols (u32 big-endian), then count·rows·cols u8 pixels. Labels: magic 0x00000801, count,
 * then count u8. Gzipped bytes (1f 8b) must go through {@link gunzip} first.
 */
import type { Shape } from "../tensor.js";
import type { DataSet } from "./dataset.js";

/** Magic number of an IDX file of u8 values in 3 dimensions (images). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of u8 values in 1 dimension (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** Images from an IDX file: `pixels` holds count·rows·cols bytes, image-major, row-major within. */
export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

function fail(what: string, msg: string): never {
  throw new Error(`simdnet: ${what}: ${msg}`);
}

function hex(x: number): string {
  return "0x" + x.toString(16).padStart(8, "0");
}

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The most bytes an IDX file may hold or decompress to, unless a caller allows more: 256 MiB, five
 * times the full MNIST training images (47 MB). A 1 MB gzip bomb stops here instead of filling memory.
 */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

/** The error for data past `limit` bytes. */
export function tooLarge(what: string, limit: number): Error {
  const size = limit % 1048576 === 0 ? `${limit / 1048576} MiB` : `${limit}-byte`;
  return new Error(`simdnet: ${what} is larger than the ${size} limit for IDX data (pass a larger maxBytes if it is genuine)`);
}

/**
 * Decompresses gzip bytes with the standard `DecompressionStream` (Node ≥ 18, every current browser),
 * stopping with an error once the output passes `maxBytes` (default {@link MAX_IDX_BYTES}).
 */
export async function gunzip(bytes: Uint8Array, maxBytes = MAX_IDX_BYTES): Promise<Uint8Array> {
  if (!isGzip(bytes)) throw new Error("simdnet: gunzip: the bytes do not start with the gzip signature 1f 8b");
  if (typeof DecompressionStream === "undefined") throw new Error("simdnet: gunzip: this runtime has no DecompressionStream");
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge("the gzip data's decompressed size", maxBytes);
      }
      chunks.push(value);
    }
  } catch (err) {
    if ((err as Error).message?.startsWith("simdnet:")) throw err;
    throw new Error(`simdnet: gunzip: the gzip data is corrupt or truncated (${String(err)})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The bytes, gunzipped first when they are gzip (at most `maxBytes` decompressed). */
export async function decompressIfGzip(bytes: Uint8Array, maxBytes = MAX_IDX_BYTES): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, maxBytes) : bytes;
}

/** Reads the header's u32 words (big-endian) after checking the magic and the header length. */
function readHeader(bytes: Uint8Array, magic: number, words: number, what: string): number[] {
  if (isGzip(bytes)) fail(what, "the bytes are gzip-compressed; decompress them first (`await gunzip(bytes)`)");
  if (bytes.length < 4) fail(what, `truncated header: expected at least ${4 * words} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const got = view.getUint32(0, false);
  if (got !== magic) {
    const other = got === IDX_IMAGES_MAGIC ? " (that is an IDX images file)" : got === IDX_LABELS_MAGIC ? " (that is an IDX labels file)" : "";
    fail(what, `wrong magic number ${hex(got)}${other}; expected ${hex(magic)}`);
  }
  if (bytes.length < 4 * words) fail(what, `truncated header: expected ${4 * words} bytes, got ${bytes.length}`);
  const out: number[] = [];
  for (let k = 1; k < words; k++) out.push(view.getUint32(4 * k, false));
  return out;
}

function checkDataLength(bytes: Uint8Array, header: number, expected: number, what: string): void {
  const got = bytes.length - header;
  if (got < expected) fail(what, `truncated data: expected ${expected} bytes after the ${header}-byte header, got ${got}`);
  if (got > expected) fail(what, `${got - expected} unexpected trailing bytes after the ${expected} data bytes`);
}

/** Parses an IDX images file (u8, 3 dimensions). The pixels are a view of `bytes`, not a copy. */
export function parseIdxImages(bytes: Uint8Array): IdxImages {
  const what = "IDX images";
  const [count, rows, cols] = readHeader(bytes, IDX_IMAGES_MAGIC, 4, what);
  checkDataLength(bytes, 16, count * rows * cols, what);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an IDX labels file (u8, 1 dimension). The labels are a view of `bytes`, not a copy. */
export function parseIdxLabels(bytes: Uint8Array): Uint8Array {
  const what = "IDX labels";
  const [count] = readHeader(bytes, IDX_LABELS_MAGIC, 2, what);
  checkDataLength(bytes, 8, count, what);
  return bytes.subarray(8);
}

/** Options for {@link idxDataSet}. */
export interface IdxDataSetOptions {
  /** Per-example input shape; default [rows·cols] (an MLP); use [1, rows, cols] for a conv net. */
  readonly shape?: Shape;
  /** For gzipped input to {@link parseIdxPair}: the most bytes a file may decompress to (default {@link MAX_IDX_BYTES}). */
  readonly maxBytes?: number;
}

/** The input shape for rows×cols images: [rows·cols] unless a shape of the same size is asked for. */
export function imageShape(rows: number, cols: number, shape?: Shape): Shape {
  if (!shape) return [rows * cols];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== rows * cols) throw new Error(`simdnet: shape [${shape}] holds ${size} values, but the images are ${rows}×${cols} = ${rows * cols}`);
  return shape;
}

/** Pairs parsed images with their labels as a DataSet (u8 inputs, scale 1/255); counts must agree. */
export function idxDataSet(images: IdxImages, labels: Uint8Array, options: IdxDataSetOptions = {}): DataSet {
  if (images.count !== labels.length) {
    throw new Error(`simdnet: IDX count mismatch: ${images.count} images but ${labels.length} labels`);
  }
  return {
    n: images.count,
    inputShape: imageShape(images.rows, images.cols, options.shape),
    inputs: images.pixels,
    scale: 1 / 255,
    labels,
  };
}

/** Parses an images file and a labels file (gzipped or not) into one DataSet. */
export async function parseIdxPair(imageBytes: Uint8Array, labelBytes: Uint8Array, options: IdxDataSetOptions = {}): Promise<DataSet> {
  const images = parseIdxImages(await decompressIfGzip(imageBytes, options.maxBytes));
  const labels = parseIdxLabels(await decompressIfGzip(labelBytes, options.maxBytes));
  return idxDataSet(images, labels, options);
}
