/**
 * Node-only file I/O for models, checkpoints and PNG images. Every write goes to a temporary file in
 * the same directory and is renamed over the target, so a crash never leaves a half-written file behind.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { deserializeModel, isSimdnetModel, serializeModel, type ModelHeader } from "./model.js";
import { loadOnnxNet, type OnnxHeader, type OnnxNet } from "../onnx/net.js";
import { pack, unpack } from "./pack.js";
import { PNG } from "pngjs";
import type { RgbaImage } from "../draw/png.js";
import type { Network } from "../network.js";
import { defaultEngine, type Engine } from "../wasm/engine.js";

/** Writes bytes to path atomically (temp file + rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path) || ".", { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Saves a network in the simdnet format (or network2.py's JSON when path ends in .json). */
export async function saveModel(net: Network, path: string, meta?: Record<string, unknown>): Promise<void> {
  if (path.endsWith(".json")) {
    const { toNetwork2Json } = await import("./model.js");
    await writeFileAtomic(path, toNetwork2Json(net));
  } else await writeFileAtomic(path, serializeModel(net, meta));
}

/** Reads a model file and parses it, naming the file in any error (unreadable, corrupt, mismatched). */
export async function readModelFile<T>(path: string, parse: (bytes: Uint8Array) => T): Promise<T> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(`simdnet: cannot read model file ${path}: ${(err as Error).message}`);
  }
  try {
    return parse(bytes);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file: ${path})`);
  }
}

/** Loads a network saved by {@link saveModel} (either format): simdnet files only, typed as a {@link Network}. */
export async function loadNetwork(path: string, opts: { engine?: Engine } = {}): Promise<{ net: Network; header: ModelHeader }> {
  return readModelFile(path, (bytes) => deserializeModel(bytes, opts));
}

/**
 * Loads a network saved by {@link saveModel} (either format), or an ONNX model (any file without the
 * simdnet magic that decodes as an ONNX ModelProto) as an {@link OnnxNet} with the same
 * `feedforward`/`predict`/`evaluate` over its first input and output (`header.format === "onnx"`).
 */
export async function loadModel(path: string, opts: { engine?: Engine } = {}): Promise<{ net: Network; header: ModelHeader } | { net: OnnxNet; header: OnnxHeader }> {
  return readModelFile(path, (bytes) => {
    if (isSimdnetModel(bytes)) return deserializeModel(bytes, opts);
    return loadOnnxNet(bytes, opts.engine ?? defaultEngine);
  });
}

/** Saves any packable value (a checkpoint) atomically. */
export async function saveCheckpoint(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, pack(value));
}

/** Loads a checkpoint saved by {@link saveCheckpoint}. */
export async function loadCheckpoint<T>(path: string): Promise<T> {
  return unpack<T>(new Uint8Array(await readFile(path)));
}

/** The PNG file bytes of an RGBA image (pngjs's PNG.sync.write). */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const buf = PNG.sync.write(png);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Writes an RGBA image (filterGrid, digitGrid) to path as a PNG, atomically. */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(path, encodePng(image));
}
