/**
 * The one model file container, for every model kind (networks, sequence models, and whatever the
 * model registry grows): bytes only, no I/O (src/io/node.ts writes files atomically).
 *
 * Little-endian: "SNNM" · u32 version · u32 header bytes · UTF-8 JSON header · zero padding to 4 bytes ·
 * the sections as f32, back to back: parameters (numParams, the model's flat layout, weights first),
 * then buffers (numBuffers: state saved but never trained, e.g. running statistics), then the optimizer
 * state's arrays (optional). The header's crc32 covers every section byte. What rebuilds the model
 * (its layers, options, cost) is the model kind's own part of the header.
 *
 * Every file simdnet wrote before buffers existed is such a file without buffers and optimizer sections,
 * and a model with neither is still written byte for byte as before. The header fields `buffers`,
 * `numBuffers` and `optimizer` are written only when those sections exist (a reader that predates them
 * rejects such a file as having trailing data). The version stays 1: test/pkg/infer.test.ts pins it.
 */

export const MODEL_MAGIC = "SNNM";
/** The newest container version this simdnet reads and writes. */
export const MODEL_VERSION = 1;

/** A named tensor in a header: a parameter or a buffer. */
export interface TensorEntry {
  name: string;
  shape: number[];
}

/** The optimizer state a file may carry: its scalars in the header, its arrays as the last section. */
export interface SavedOptimizer {
  name: string;
  numParams: number;
  step: number;
  scalars: number[];
  buffers: Float32Array[];
}

/** The fields every container header has; each model kind adds its own beside them. */
export interface ContainerHeader {
  format: string;
  version: number;
  seed: number;
  params: TensorEntry[];
  numParams: number;
  /** The buffers section's tensors and length (absent: none). */
  buffers?: TensorEntry[];
  numBuffers?: number;
  /** The optimizer's scalars and the lengths of its arrays, which follow the buffers (absent: none). */
  optimizer?: { name: string; numParams: number; step: number; scalars: number[]; lengths: number[] };
  crc32: number;
  /** Free-form training facts (η, λ, epochs, accuracy, …) kept with the weights. */
  meta?: Record<string, unknown>;
}

/** What a model file holds besides the header. */
export interface ContainerBody {
  params: Float32Array;
  buffers: Float32Array;
  optimizer: SavedOptimizer | null;
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

/**
 * Writes a model file. `header` holds the kind's own fields and the common ones except version, crc32,
 * numBuffers and optimizer, which this fills in; key order is kept, so files come out as before.
 */
export function writeContainer(header: Omit<ContainerHeader, "version" | "crc32">, body: ContainerBody): Uint8Array {
  const { params, buffers, optimizer } = body;
  const arrays = [params, buffers, ...(optimizer?.buffers ?? [])];
  const total = arrays.reduce((a, x) => a + x.length, 0);
  const data = new Uint8Array(4 * total);
  const dv = new DataView(data.buffer);
  let at = 0;
  // through a DataView so the file is little-endian on any host
  for (const x of arrays) for (let i = 0; i < x.length; i++, at += 4) dv.setFloat32(at, x[i], true);
  const { meta, buffers: bufEntries, ...rest } = header;
  const full: ContainerHeader = {
    ...rest,
    format: header.format,
    version: MODEL_VERSION,
    ...(buffers.length > 0 ? { buffers: bufEntries ?? [], numBuffers: buffers.length } : {}),
    ...(optimizer ? { optimizer: { name: optimizer.name, numParams: optimizer.numParams, step: optimizer.step, scalars: optimizer.scalars, lengths: optimizer.buffers.map((b) => b.length) } } : {}),
    crc32: crc32(data),
    ...(meta ? { meta } : {}),
  };
  // format and version first, the kind's fields next, crc32 and meta last (as every file before)
  const ordered: ContainerHeader = Object.assign({ format: full.format, version: full.version }, full);
  const json = new TextEncoder().encode(JSON.stringify(ordered));
  const start = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(start + data.length);
  out.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const ov = new DataView(out.buffer);
  ov.setUint32(4, ordered.version, true);
  ov.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(data, start);
  return out;
}

/** Reads a container's header, with a clear error (prefixed by `what`) for anything malformed. */
export function readContainerHeader<H extends ContainerHeader>(bytes: Uint8Array, what = "model"): { header: H; start: number } {
  const bad = (msg: string): never => {
    throw new Error(`simdnet: cannot load ${what}: ${msg}`);
  };
  if (bytes.length < 12) bad(`the file is ${bytes.length} bytes, too short for a simdnet model (truncated?)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MODEL_MAGIC) bad(`not a simdnet model (starts with ${JSON.stringify(magic)}, expected "${MODEL_MAGIC}")`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  if (version > MODEL_VERSION) bad(`format version ${version} is newer than this simdnet understands (${MODEL_VERSION}); upgrade simdnet`);
  if (version < 1) bad(`format version ${version} is invalid`);
  const len = dv.getUint32(8, true);
  if (12 + len > bytes.length) bad(`the header claims ${len} bytes but the file has only ${bytes.length - 12} after the preamble (truncated)`);
  let header: H;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + len))) as H;
  } catch (err) {
    return bad(`the JSON header is corrupt (${String(err)})`);
  }
  if (!header || typeof header !== "object" || typeof header.format !== "string") bad("the header lacks its format");
  const count = (v: unknown, name: string): void => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) bad(`the header's ${name} is ${JSON.stringify(v)}; expected a count`);
  };
  count(header.numParams, "numParams");
  count(header.numBuffers, "numBuffers");
  for (const n of header.optimizer?.lengths ?? []) count(n, "optimizer array length");
  return { header, start: Math.ceil((12 + len) / 4) * 4 };
}

/** Reads a whole container: header and sections, checking the length and the CRC-32. */
export function readContainer<H extends ContainerHeader>(bytes: Uint8Array, what = "model"): { header: H } & ContainerBody {
  const bad = (msg: string): never => {
    throw new Error(`simdnet: cannot load ${what}: ${msg}`);
  };
  const { header, start } = readContainerHeader<H>(bytes, what);
  const np = header.numParams ?? 0, nb = header.numBuffers ?? 0, lengths = header.optimizer?.lengths ?? [];
  const total = np + nb + lengths.reduce((a, b) => a + b, 0);
  const expected = start + 4 * total;
  if (bytes.length !== expected) bad(`expected ${expected} bytes for ${total} values, got ${bytes.length} (${bytes.length < expected ? "truncated" : "trailing data"})`);
  const data = bytes.subarray(start);
  if (crc32(data) !== header.crc32) bad("the weights fail their CRC-32 check (the file is corrupt)");
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const take = (n: number): Float32Array => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) x[i] = dv.getFloat32(at, true);
    return x;
  };
  const params = take(np);
  const buffers = take(nb);
  const o = header.optimizer;
  const optimizer = o ? { name: o.name, numParams: o.numParams, step: o.step, scalars: o.scalars, buffers: lengths.map(take) } : null;
  return { header, params, buffers, optimizer };
}
