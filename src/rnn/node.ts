/** Node-only: sequence models to and from files, written atomically (temp file + rename) like networks. */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../io/node.js";
import type { Engine } from "../wasm/engine.js";
import type { SequenceModel } from "./model.js";
import { deserializeSequenceModel, serializeSequenceModel, type SequenceModelHeader } from "./io.js";

/** Saves a sequence model (kind, options, weights) to path. */
export async function saveSequenceModel(m: SequenceModel, path: string, meta?: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, serializeSequenceModel(m, meta));
}

/** Loads a model saved by {@link saveSequenceModel}. */
export async function loadSequenceModel(path: string, opts: { engine?: Engine } = {}): Promise<{ model: SequenceModel; header: SequenceModelHeader }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(`simdnet: cannot read model file ${path}: ${(err as Error).message}`);
  }
  try {
    return deserializeSequenceModel(bytes, opts);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file: ${path})`);
  }
}
