/** Node-only: sequence models to and from files, written atomically (temp file + rename) like networks. */
import { readModelFile, writeFileAtomic } from "../io/node.js";
import type { Engine } from "../wasm/engine.js";
import type { SequenceModel } from "./model.js";
import { deserializeSequenceModel, serializeSequenceModel, type SequenceModelHeader } from "./io.js";

/** Saves a sequence model (kind, options, weights) to path. */
export async function saveSequenceModel(m: SequenceModel, path: string, meta?: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, serializeSequenceModel(m, meta));
}

/** Loads a model saved by {@link saveSequenceModel}. */
export async function loadSequenceModel(path: string, opts: { engine?: Engine } = {}): Promise<{ model: SequenceModel; header: SequenceModelHeader }> {
  return readModelFile(path, (bytes) => deserializeSequenceModel(bytes, opts));
}
