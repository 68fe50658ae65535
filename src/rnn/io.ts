/**
 * Saving and loading sequence models in the same container as networks (src/io/model.ts): "SNNM" · u32
 * version · u32 header bytes · JSON header · padding · f32 weights, little-endian, with a CRC-32 of the
 * weights. The header says which of the four shapes it is and the options that rebuild it.
 */
import type { Engine } from "../wasm/engine.js";
import { crc32, MODEL_MAGIC, MODEL_VERSION } from "../io/model.js";
import type { SequenceModel } from "./model.js";
import { SequenceClassifier, type SequenceClassifierOptions } from "./classifier.js";
import { LanguageModel, type LanguageModelOptions } from "./lm.js";
import { SequenceGenerator, type SequenceGeneratorOptions } from "./generator.js";
import { Seq2Seq, type Seq2SeqOptions } from "./seq2seq.js";

/** The JSON header of a saved sequence model. */
export interface SequenceModelHeader {
  format: "simdnet-sequence-model";
  version: number;
  kind: string;
  config: Record<string, unknown>;
  seed: number;
  params: { name: string; shape: number[] }[];
  numParams: number;
  crc32: number;
  meta?: Record<string, unknown>;
}

function bad(msg: string): never {
  throw new Error(`simdnet: cannot load sequence model: ${msg}`);
}

/** Serializes a sequence model (its kind, options and weights). */
export function serializeSequenceModel(m: SequenceModel, meta?: Record<string, unknown>): Uint8Array {
  const w = m.getParams();
  const header: SequenceModelHeader = {
    format: "simdnet-sequence-model",
    version: MODEL_VERSION,
    kind: m.kind,
    config: m.config(),
    seed: m.seed,
    params: m.params.map((p) => ({ name: p.name, shape: [...p.shape] })),
    numParams: m.numParams,
    crc32: 0,
    ...(meta ? { meta } : {}),
  };
  const wbytes = new Uint8Array(4 * w.length);
  const wv = new DataView(wbytes.buffer);
  for (let i = 0; i < w.length; i++) wv.setFloat32(4 * i, w[i], true);
  header.crc32 = crc32(wbytes);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const bytes = new Uint8Array(start + wbytes.length);
  bytes.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(4, MODEL_VERSION, true);
  dv.setUint32(8, json.length, true);
  bytes.set(json, 12);
  bytes.set(wbytes, start);
  return bytes;
}

/** Rebuilds a model from {@link serializeSequenceModel}'s bytes, with clear errors for damaged files. */
export function deserializeSequenceModel(bytes: Uint8Array, opts: { engine?: Engine } = {}): { model: SequenceModel; header: SequenceModelHeader } {
  if (bytes.length < 12) bad(`${bytes.length} bytes is too short (truncated?)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MODEL_MAGIC) bad(`not a simdnet model (starts with ${JSON.stringify(magic)})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version < 1 || version > MODEL_VERSION) bad(`format version ${version} is not one this simdnet reads (1..${MODEL_VERSION})`);
  const len = dv.getUint32(8, true);
  if (12 + len > bytes.length) bad("the header runs past the end of the file (truncated)");
  let h: SequenceModelHeader;
  try {
    h = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + len)));
  } catch (err) {
    bad(`the JSON header is corrupt (${String(err)})`);
  }
  if (h.format !== "simdnet-sequence-model") bad(`this is a ${JSON.stringify(h.format)} file, not a sequence model (load networks with loadModel)`);
  const start = Math.ceil((12 + len) / 4) * 4;
  if (bytes.length !== start + 4 * h.numParams) bad(`expected ${start + 4 * h.numParams} bytes for ${h.numParams} weights, got ${bytes.length}`);
  const wbytes = bytes.slice(start);
  if (crc32(wbytes) !== h.crc32) bad("the weights fail their CRC-32 check (the file is corrupt)");
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
  const wv = new DataView(wbytes.buffer, wbytes.byteOffset, wbytes.byteLength);
  model.setParams(Float32Array.from({ length: h.numParams }, (_, i) => wv.getFloat32(4 * i, true)));
  return { model, header: h };
}
