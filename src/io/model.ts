/**
 * Saving and loading networks as bytes (no I/O here; src/io/node.ts writes files atomically), in the
 * one model container (src/io/container.ts): the network's part of the header is its input shape,
 * layer specs, cost and, for a graph, the wiring. network2.py's JSON ({sizes, weights, biases, cost})
 * is read and written too.
 */
import { Network } from "../network.js";
import { buildGraph } from "../layers/registry.js";
import type { LayerSpec } from "../layers/layer.js";
import type { CostName } from "../loss/costs.js";
import type { Engine } from "../wasm/engine.js";
import { readContainer, readContainerHeader, writeContainer, type ContainerHeader, type SavedOptimizer } from "./container.js";

export { crc32, MODEL_MAGIC, MODEL_VERSION } from "./container.js";

/** The JSON header of a saved network. */
export interface ModelHeader extends ContainerHeader {
  format: "simdnet-model";
  inputShape: number[];
  /** The layers' specs in execution order. */
  layers: LayerSpec[];
  /** A graph's wiring, one entry per layer (absent: a plain list). */
  graph?: { input: string; output: string; nodes: { inputs: string[]; output: string }[] };
  cost: CostName;
}

function bad(msg: string): never {
  throw new Error(`simdnet: cannot load model: ${msg}`);
}

/** Serializes a network (architecture, weights, buffers, and optionally an optimizer's state). */
export function serializeModel(net: Network, meta?: Record<string, unknown>, optimizer?: SavedOptimizer): Uint8Array {
  const { params, buffers } = net.tensorEntries();
  const header = { ...net.fileHeader(), seed: net.seed, params, numParams: net.numParams, buffers, ...(meta ? { meta } : {}) };
  return writeContainer(header, { params: net.getParams(), buffers: net.getBuffers(), optimizer: optimizer ?? null });
}

/** Reads the header of a saved network, with a clear error for anything malformed. */
export function readModelHeader(bytes: Uint8Array): { header: ModelHeader; start: number } {
  const r = readContainerHeader<ModelHeader>(bytes);
  const h = r.header;
  if (h.format !== "simdnet-model" || !Array.isArray(h.layers) || !Array.isArray(h.inputShape)) bad((h.format as string) === "simdnet-sequence-model" ? "this is a sequence model (load it with loadSequenceModel)" : "the header lacks format/layers/inputShape");
  return r;
}

/** True when bytes start like a simdnet model (magic "SNNM") or network2 JSON ("{"); anything else may be ONNX. */
export function isSimdnetModel(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[0] === 0x7b || (bytes.length >= 4 && String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === "SNNM"));
}

/** Rebuilds a network from bytes written by {@link serializeModel} (or network2.py's JSON); `optimizer` is the saved optimizer state, if any. */
export function deserializeModel(bytes: Uint8Array, opts: { engine?: Engine } = {}): { net: Network; header: ModelHeader; optimizer: SavedOptimizer | null } {
  if (bytes.length > 0 && bytes[0] === 0x7b /* "{" */) return { ...loadNetwork2Json(new TextDecoder().decode(bytes), opts), optimizer: null };
  readModelHeader(bytes);
  const { header, params, buffers, optimizer } = readContainer<ModelHeader>(bytes);
  const net = new Network(buildGraph(header.layers, header.inputShape, header.graph), { engine: opts.engine, cost: header.cost, seed: header.seed, initialize: false });
  if (net.numParams !== header.numParams) bad(`the architecture has ${net.numParams} parameters but the file holds ${header.numParams}`);
  const names = net.params.map((p) => `${p.name}:${p.shape.join("x")}`).join(",");
  const saved = header.params.map((p) => `${p.name}:${p.shape.join("x")}`).join(",");
  if (names !== saved) bad(`parameter layout mismatch: file has ${saved}, architecture builds ${names}`);
  if (net.numBuffers !== buffers.length) bad(`the architecture has ${net.numBuffers} buffer values but the file holds ${buffers.length}`);
  net.setParams(params);
  net.setBuffers(buffers);
  return { net, header, optimizer };
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
