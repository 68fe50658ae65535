/**
 * Saving and loading networks as bytes (no I/O here; src/io/node.ts writes files atomically).
 *
 * Format v1, little-endian: "SNNM" · u32 version · u32 header bytes · UTF-8 JSON header (architecture,
 * cost, parameter names and shapes, hyper-parameters, CRC-32 of the weights) · zero padding to 4 bytes ·
 * numParams f32 weights in the network's layout. network2.py's JSON ({sizes, weights, biases, cost})
 * is read and written too.
 */
import { Network } from "../network.js";
import { buildLayers } from "../layers/registry.js";
import type { LayerSpec, Shape } from "../layers/layer.js";
import type { CostName } from "../loss/costs.js";
import type { Engine } from "../wasm/engine.js";

export const MODEL_MAGIC = "SNNM";
export const MODEL_VERSION = 1;

/** The JSON header of a saved model. */
export interface ModelHeader {
  format: "simdnet-model";
  version: number;
  inputShape: number[];
  layers: LayerSpec[];
  cost: CostName;
  seed: number;
  params: { name: string; shape: number[] }[];
  numParams: number;
  crc32: number;
  /** Free-form training facts (η, λ, epochs, accuracy, …) kept with the weights. */
  meta?: Record<string, unknown>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of bytes: detects corrupted weights. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function bad(msg: string): never {
  throw new Error(`simdnet: cannot load model: ${msg}`);
}

/** Serializes a network (architecture + weights) into the v1 binary format. */
export function serializeModel(net: Network, meta?: Record<string, unknown>): Uint8Array {
  const weights = net.getParams();
  const wbytes = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
  const header: ModelHeader = {
    format: "simdnet-model",
    version: MODEL_VERSION,
    inputShape: [...net.layers[0].inShape],
    layers: net.layers.map((l) => l.spec()),
    cost: net.cost.name,
    seed: net.seed,
    params: net.params.map((p) => ({ name: p.name, shape: [...p.shape] })),
    numParams: net.numParams,
    crc32: crc32(wbytes),
    ...(meta ? { meta } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(start + wbytes.length);
  out.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, MODEL_VERSION, true);
  dv.setUint32(8, json.length, true);
  out.set(json, 12);
  // Copy through a DataView so the file is little-endian on any host.
  for (let i = 0; i < weights.length; i++) dv.setFloat32(start + 4 * i, weights[i], true);
  return out;
}

/** Reads the header of a v1 model, with a clear error for anything malformed. */
export function readModelHeader(bytes: Uint8Array): { header: ModelHeader; start: number } {
  if (bytes.length < 12) bad(`the file is ${bytes.length} bytes, too short for a simdnet model (truncated?)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MODEL_MAGIC) bad(`not a simdnet model (starts with ${JSON.stringify(magic)}, expected "${MODEL_MAGIC}")`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version > MODEL_VERSION) bad(`format version ${version} is newer than this simdnet understands (${MODEL_VERSION}); upgrade simdnet`);
  if (version < 1) bad(`format version ${version} is invalid`);
  const len = dv.getUint32(8, true);
  if (12 + len > bytes.length) bad(`the header claims ${len} bytes but the file has only ${bytes.length - 12} after the preamble (truncated)`);
  let header: ModelHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + len))) as ModelHeader;
  } catch (err) {
    bad(`the JSON header is corrupt (${String(err)})`);
  }
  if (header.format !== "simdnet-model" || !Array.isArray(header.layers) || !Array.isArray(header.inputShape)) {
    bad("the header lacks format/layers/inputShape");
  }
  return { header, start: Math.ceil((12 + len) / 4) * 4 };
}

/** Rebuilds a network from bytes written by {@link serializeModel} (or network2.py's JSON). */
export function deserializeModel(bytes: Uint8Array, opts: { engine?: Engine } = {}): { net: Network; header: ModelHeader } {
  if (bytes.length > 0 && bytes[0] === 0x7b /* "{" */) return loadNetwork2Json(new TextDecoder().decode(bytes), opts);
  const { header, start } = readModelHeader(bytes);
  const expected = start + 4 * header.numParams;
  if (bytes.length !== expected) bad(`expected ${expected} bytes for ${header.numParams} weights, got ${bytes.length} (${bytes.length < expected ? "truncated" : "trailing data"})`);
  const wbytes = bytes.slice(start);
  if (crc32(wbytes) !== header.crc32) bad("the weights fail their CRC-32 check (the file is corrupt)");
  const net = new Network(buildLayers(header.layers, header.inputShape as Shape), { engine: opts.engine, cost: header.cost, seed: header.seed, initialize: false });
  if (net.numParams !== header.numParams) bad(`the architecture has ${net.numParams} parameters but the file holds ${header.numParams}`);
  const names = net.params.map((p) => `${p.name}:${p.shape.join("x")}`).join(",");
  const saved = header.params.map((p) => `${p.name}:${p.shape.join("x")}`).join(",");
  if (names !== saved) bad(`parameter layout mismatch: file has ${saved}, architecture builds ${names}`);
  net.setParams(new Float32Array(wbytes.buffer, wbytes.byteOffset, header.numParams));
  return { net, header };
}

/** network2.py's save(): sizes, weights (out × in nested lists), biases (out × 1), cost class name. */
export function toNetwork2Json(net: Network): string {
  const dense = net.layers.filter((l) => l.spec().type === "dense");
  const ok = net.layers.every((l, i) => (i % 2 === 0 ? l.spec().type === "dense" : l.spec().type === "activation" && (l.spec() as { fn?: string }).fn === "sigmoid"));
  if (!ok || net.cost.name === "log-likelihood") throw new Error("simdnet: network2.py's JSON only describes sigmoid dense networks with quadratic or cross-entropy cost");
  const sizes = [dense[0].inSize, ...dense.map((l) => l.outSize)];
  const params = net.getParams();
  const weights: number[][][] = [];
  const biases: number[][][] = [];
  for (const p of net.params) {
    const v = Array.from(params.subarray((p.value - net.paramPtr) / 4, (p.value - net.paramPtr) / 4 + p.size));
    if (p.decay) weights.push(Array.from({ length: p.shape[0] }, (_, j) => v.slice(j * p.shape[1], (j + 1) * p.shape[1])));
    else biases.push(v.map((b) => [b]));
  }
  const cost = net.cost.name === "quadratic" ? "QuadraticCost" : "CrossEntropyCost";
  return JSON.stringify({ sizes, weights, biases, cost });
}

/** Loads network2.py's JSON into a sigmoid network of the same sizes. */
export function loadNetwork2Json(text: string, opts: { engine?: Engine } = {}): { net: Network; header: ModelHeader } {
  let d: { sizes?: number[]; weights?: number[][][]; biases?: number[][][]; cost?: string };
  try {
    d = JSON.parse(text);
  } catch (err) {
    bad(`not valid JSON (${String(err)})`);
  }
  const { sizes, weights, biases } = d;
  if (!Array.isArray(sizes) || !Array.isArray(weights) || !Array.isArray(biases)) bad("network2 JSON needs sizes, weights and biases");
  if (weights.length !== sizes.length - 1 || biases.length !== sizes.length - 1) bad(`sizes [${sizes}] need ${sizes.length - 1} weight and bias matrices`);
  const cost: CostName = d.cost === "QuadraticCost" ? "quadratic" : d.cost === "CrossEntropyCost" || d.cost === undefined ? "cross-entropy" : bad(`unknown cost ${JSON.stringify(d.cost)}`);
  const net = new Network(sizes, { engine: opts.engine, cost, initialize: false });
  const values = new Float32Array(net.numParams);
  let wi = 0;
  let bi = 0;
  for (const p of net.params) {
    const at = (p.value - net.paramPtr) / 4;
    const rows = p.decay ? weights[wi++] : biases[bi++];
    if (!Array.isArray(rows) || rows.length !== p.shape[0]) bad(`${p.name} should have ${p.shape[0]} rows`);
    const flat = rows.flat();
    if (flat.length !== p.size || flat.some((v) => typeof v !== "number" || !Number.isFinite(v))) bad(`${p.name} should hold ${p.size} finite numbers`);
    values.set(flat, at);
  }
  net.setParams(values);
  return { net, header: readModelHeader(serializeModel(net)).header };
}
