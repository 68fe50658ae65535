/**
 * Node-only: the full MNIST from a directory of IDX files (gzipped or not), split as in the book:
 * training = the first 50,000 of the training file, validation = its last 10,000, test = t10k.
 * Not for browser bundles (it imports node:fs and node:zlib).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Shape } from "../tensor.js";
import type { DataSet } from "./dataset.js";
import type { MnistSplit } from "./mnist.js";
import { idxDataSet, isGzip, MAX_IDX_BYTES, parseIdxImages, parseIdxLabels, tooLarge } from "./idx.js";

/** The four standard MNIST file names (each may also be present with a .gz suffix). */
export const MNIST_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** Which files, and where to get them (the mirrors TensorFlow Datasets and torchvision download from). */
export const MNIST_HOWTO = `${Object.values(MNIST_FILES).join(", ")}; e.g. the four .gz files from https://storage.googleapis.com/cvdf-datasets/mnist/ or https://ossci-datasets.s3.amazonaws.com/mnist/`;

/** Options for {@link loadIdxDir}. */
export interface LoadIdxDirOptions {
  /** How many examples at the end of the training file become validation data (default 10,000). */
  readonly validationSize?: number;
  /** Per-example input shape: default [784]; [1, 28, 28] for a conv net. */
  readonly shape?: Shape;
  /** The most bytes one file may hold or decompress to (default {@link MAX_IDX_BYTES}, 256 MiB). */
  readonly maxBytes?: number;
}

/** Which path holds `name` in `dir`: the plain file, else name.gz, else undefined. */
function findFile(dir: string, name: string): string | undefined {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** What a non-regular file is, for the error that refuses it (a FIFO would block the read forever). */
function kind(st: import("node:fs").Stats): string {
  return st.isDirectory() ? "a directory" : st.isFIFO() ? "a named pipe" : st.isSocket() ? "a socket"
    : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "not a regular file";
}

/**
 * A regular file's bytes, gunzipped when they are gzip: refuses pipes, devices and directories before
 * opening them, and files or decompressed data over `maxBytes` before holding them.
 */
function readMaybeGzipped(path: string, maxBytes: number): Uint8Array {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`simdnet: ${path} is ${kind(st)}; IDX data must be a regular file`);
  if (st.size > maxBytes) throw tooLarge(`${path} (${st.size} bytes)`, maxBytes);
  const raw = new Uint8Array(readFileSync(path));
  if (!isGzip(raw)) return raw;
  try {
    return new Uint8Array(gunzipSync(raw, { maxOutputLength: maxBytes }));
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(`${path} decompressed`, maxBytes);
    throw new Error(`simdnet: ${path} is not valid gzip data: ${String(err)}`);
  }
}

function labelled<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new Error(`${(err as Error).message} (in ${path})`);
  }
}

/**
 * Loads MNIST from `dir` (a path or a file: URL) holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally gzipped (.gz). Inputs stay u8
 * (scale 1/255). Throws an error naming every missing file.
 */
export function loadIdxDir(dir: string | URL, options: LoadIdxDirOptions = {}): MnistSplit {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, name] of Object.entries(MNIST_FILES)) {
    const file = findFile(path, name);
    if (file) found[key] = file;
    else missing.push(`${name}(.gz)`);
  }
  if (missing.length > 0) {
    throw new Error(`simdnet: MNIST directory ${path} is missing ${missing.join(", ")} (it needs ${MNIST_HOWTO})`);
  }
  const maxBytes = options.maxBytes ?? MAX_IDX_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`simdnet: maxBytes must be a positive number of bytes, got ${maxBytes}`);
  const load = (imagesKey: string, labelsKey: string): DataSet => {
    const images = labelled(found[imagesKey], () => parseIdxImages(readMaybeGzipped(found[imagesKey], maxBytes)));
    const labels = labelled(found[labelsKey], () => parseIdxLabels(readMaybeGzipped(found[labelsKey], maxBytes)));
    return labelled(`${found[imagesKey]} and ${found[labelsKey]}`, () => idxDataSet(images, labels, { shape: options.shape }));
  };
  const train = load("trainImages", "trainLabels");
  const test = load("testImages", "testLabels");
  const validationSize = options.validationSize ?? 10_000;
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize > train.n) {
    throw new RangeError(`simdnet: validationSize must be an integer in [0, ${train.n}], got ${validationSize}`);
  }
  const cut = train.n - validationSize;
  return { training: range(train, 0, cut), validation: range(train, cut, train.n), test };
}

/** Examples [start, end) of a u8 IDX data set, as views (training and validation share one buffer). */
function range(d: DataSet, start: number, end: number): DataSet {
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  return {
    n: end - start,
    inputShape: d.inputShape,
    inputs: d.inputs.subarray(start * size, end * size),
    scale: d.scale,
    labels: d.labels?.subarray(start, end),
  };
}
