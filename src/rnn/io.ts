/**
 * Saving and loading sequence models in the one model container (src/io/container.ts), the same as
 * networks: the header's kind says which of the four shapes it is and config holds the options that
 * rebuild it.
 */
import type { Engine } from "../wasm/engine.js";
import { readContainer, writeContainer, type ContainerHeader, type SavedOptimizer } from "../io/container.js";
import type { SequenceModel } from "./model.js";
import { SequenceClassifier, type SequenceClassifierOptions } from "./classifier.js";
import { LanguageModel, type LanguageModelOptions } from "./lm.js";
import { SequenceGenerator, type SequenceGeneratorOptions } from "./generator.js";
import { Seq2Seq, type Seq2SeqOptions } from "./seq2seq.js";

/** The JSON header of a saved sequence model. */
export interface SequenceModelHeader extends ContainerHeader {
  format: "simdnet-sequence-model";
  kind: string;
  config: Record<string, unknown>;
}

function bad(msg: string): never {
  throw new Error(`simdnet: cannot load sequence model: ${msg}`);
}

/** Serializes a sequence model (its kind, options, weights, and optionally an optimizer's state). */
export function serializeSequenceModel(m: SequenceModel, meta?: Record<string, unknown>, optimizer?: SavedOptimizer): Uint8Array {
  const { params, buffers } = m.tensorEntries();
  const header = { ...m.fileHeader(), seed: m.seed, params, numParams: m.numParams, buffers, ...(meta ? { meta } : {}) };
  return writeContainer(header, { params: m.getParams(), buffers: m.getBuffers(), optimizer: optimizer ?? null });
}

/** Rebuilds a model from {@link serializeSequenceModel}'s bytes, with clear errors for damaged files. */
export function deserializeSequenceModel(bytes: Uint8Array, opts: { engine?: Engine } = {}): { model: SequenceModel; header: SequenceModelHeader; optimizer: SavedOptimizer | null } {
  const { header: h, params, buffers, optimizer } = readContainer<SequenceModelHeader>(bytes, "sequence model");
  if (h.format !== "simdnet-sequence-model") bad(`this is a ${JSON.stringify(h.format)} file, not a sequence model (load networks with loadModel)`);
  const o = { ...h.config, engine: opts.engine, seed: h.seed };
  let model: SequenceModel;
  switch (h.kind) {
    case "many-to-one": model = new SequenceClassifier(o as unknown as SequenceClassifierOptions); break;
    case "many-to-many": model = new LanguageModel(o as unknown as LanguageModelOptions); break;
    case "one-to-many": model = new SequenceGenerator(o as unknown as SequenceGeneratorOptions); break;
    case "encoder-decoder": model = new Seq2Seq(o as unknown as Seq2SeqOptions); break;
    default: bad(`unknown kind ${JSON.stringify(h.kind)}`);
  }
  if (model.numParams !== h.numParams) bad(`the options build ${model.numParams} parameters but the file holds ${h.numParams}`);
  if (model.numBuffers !== buffers.length) bad(`the options build ${model.numBuffers} buffer values but the file holds ${buffers.length}`);
  model.setParams(params);
  model.setBuffers(buffers);
  return { model, header: h, optimizer };
}
