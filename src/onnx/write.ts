/**
 * A minimal protobuf wire-format writer for ONNX export: varints, length-delimited fields (strings,
 * bytes, nested messages) and packed repeated varints, plus the encoders of the few onnx.proto messages
 * an exported model needs. Nested messages are kept as lists of chunks and copied once, in finish().
 * Wire format: https://protobuf.dev/programming-guides/encoding/ (tag = field << 3 | wire type).
 */

/**
 * The onnx.proto field numbers this writer uses (onnx/onnx.proto, IR version 10; stable since IR 3:
 * protobuf field numbers are never reused). Message → field → number.
 */
export const ONNX_FIELDS = {
  ModelProto: { ir_version: 1, producer_name: 2, producer_version: 3, domain: 4, model_version: 5, doc_string: 6, graph: 7, opset_import: 8, metadata_props: 14 },
  OperatorSetIdProto: { domain: 1, version: 2 },
  StringStringEntryProto: { key: 1, value: 2 },
  GraphProto: { node: 1, name: 2, initializer: 5, doc_string: 10, input: 11, output: 12, value_info: 13 },
  NodeProto: { input: 1, output: 2, name: 3, op_type: 4, attribute: 5, doc_string: 6, domain: 7 },
  AttributeProto: { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, strings: 9, type: 20 },
  TensorProto: { dims: 1, data_type: 2, name: 8, raw_data: 9 },
  ValueInfoProto: { name: 1, type: 2 },
  TypeProto: { tensor_type: 1 },
  "TypeProto.Tensor": { elem_type: 1, shape: 2 },
  TensorShapeProto: { dim: 1 },
  "TensorShapeProto.Dimension": { dim_value: 1, dim_param: 2 },
} as const;

/** TensorProto.DataType values used here (onnx.proto). */
export const DATA_TYPE = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/** AttributeProto.AttributeType values (onnx.proto). */
export const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

const VARINT = 0;
const I32 = 5;
const LEN = 2;
const utf8 = new TextEncoder();

/** Appends protobuf fields; {@link finish} returns the bytes. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private n = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.n;
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.n += b.length;
  }

  /** A base-128 varint; negative int64 values take 10 bytes (two's complement), as protobuf does. */
  private rawVarint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** An int32/int64/enum field. */
  varint(field: number, v: number | bigint): this {
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new RangeError(`simdnet: cannot encode ${v} as a protobuf integer`);
    this.tag(field, VARINT);
    this.rawVarint(v);
    return this;
  }

  /** A float field (wire type 5, little-endian). */
  float(field: number, v: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.rawVarint(b.length);
    this.push(b);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** A nested message, without copying its chunks. */
  message(field: number, m: ProtoWriter): this {
    this.tag(field, LEN);
    this.rawVarint(m.length);
    for (const p of m.parts) this.push(p);
    return this;
  }

  /** A packed repeated int64 field (proto3's default for repeated scalars). */
  packedVarints(field: number, vs: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of vs) inner.rawVarint(v);
    this.tag(field, LEN);
    this.rawVarint(inner.length);
    for (const p of inner.parts) this.push(p);
    return this;
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

/** An attribute value: a number is an INT unless listed in floats; arrays likewise; strings are STRING(S). */
export type AttrValue = number | string | readonly number[] | readonly string[] | { float: number } | { floats: readonly number[] };

/** One NodeProto. */
export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attrs?: Readonly<Record<string, AttrValue>>;
}

/** One initializer: float32 or int64 values, stored as little-endian raw_data. */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

/** A graph input or output: float32 unless elemType says otherwise; a string dim is symbolic (dim_param). */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
  elemType?: number;
}

/** Everything a ModelProto holds here. */
export interface OnnxModel {
  irVersion: number;
  opset: number;
  /** Free-form; omitted when not given. */
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graphName: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

const A = ONNX_FIELDS.AttributeProto;

function attribute(name: string, v: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(A.name, name);
  if (typeof v === "number") return w.varint(A.i, v).varint(A.type, ATTR_TYPE.INT);
  if (typeof v === "string") return w.bytes(A.s, utf8.encode(v)).varint(A.type, ATTR_TYPE.STRING);
  if ("float" in v) return w.float(A.f, v.float).varint(A.type, ATTR_TYPE.FLOAT);
  if ("floats" in v) {
    for (const f of v.floats) w.float(A.floats, f);
    return w.varint(A.type, ATTR_TYPE.FLOATS);
  }
  if (v.every((x) => typeof x === "string")) {
    for (const s of v as readonly string[]) w.bytes(A.strings, utf8.encode(s));
    return w.varint(A.type, ATTR_TYPE.STRINGS);
  }
  return w.packedVarints(A.ints, v as readonly number[]).varint(A.type, ATTR_TYPE.INTS);
}

function tensor(t: OnnxTensor): ProtoWriter {
  const T = ONNX_FIELDS.TensorProto;
  const type = t.data instanceof Float32Array ? DATA_TYPE.FLOAT : t.data instanceof Int32Array ? DATA_TYPE.INT32 : DATA_TYPE.INT64;
  const raw = new Uint8Array(t.data.byteLength);
  const dv = new DataView(raw.buffer);
  // little-endian on every host (ONNX's raw_data byte order)
  if (t.data instanceof BigInt64Array) t.data.forEach((v, i) => dv.setBigInt64(8 * i, v, true));
  else if (t.data instanceof Int32Array) t.data.forEach((v, i) => dv.setInt32(4 * i, v, true));
  else t.data.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  return new ProtoWriter().packedVarints(T.dims, t.dims).varint(T.data_type, type).string(T.name, t.name).bytes(T.raw_data, raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const D = ONNX_FIELDS["TensorShapeProto.Dimension"];
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    shape.message(ONNX_FIELDS.TensorShapeProto.dim, typeof d === "string" ? new ProtoWriter().string(D.dim_param, d) : new ProtoWriter().varint(D.dim_value, d));
  }
  const tt = ONNX_FIELDS["TypeProto.Tensor"];
  const tensorType = new ProtoWriter().varint(tt.elem_type, v.elemType ?? DATA_TYPE.FLOAT).message(tt.shape, shape);
  const type = new ProtoWriter().message(ONNX_FIELDS.TypeProto.tensor_type, tensorType);
  return new ProtoWriter().string(ONNX_FIELDS.ValueInfoProto.name, v.name).message(ONNX_FIELDS.ValueInfoProto.type, type);
}

function node(n: OnnxNode): ProtoWriter {
  const N = ONNX_FIELDS.NodeProto;
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(N.input, i);
  for (const o of n.outputs) w.string(N.output, o);
  w.string(N.name, n.name).string(N.op_type, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(N.attribute, attribute(k, v));
  return w;
}

/** The ModelProto bytes of a model (the default "ai.onnx" domain at the given opset). */
export function encodeModel(m: OnnxModel): Uint8Array {
  const G = ONNX_FIELDS.GraphProto;
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(G.node, node(n));
  graph.string(G.name, m.graphName);
  for (const t of m.initializers) graph.message(G.initializer, tensor(t));
  for (const v of m.inputs) graph.message(G.input, valueInfo(v));
  for (const v of m.outputs) graph.message(G.output, valueInfo(v));
  const M = ONNX_FIELDS.ModelProto;
  const model = new ProtoWriter()
    .varint(M.ir_version, m.irVersion)
    .string(M.producer_name, "simdnet");
  if (m.producerVersion) model.string(M.producer_version, m.producerVersion);
  if (m.docString) model.string(M.doc_string, m.docString);
  model.message(M.graph, graph);
  model.message(M.opset_import, new ProtoWriter().string(ONNX_FIELDS.OperatorSetIdProto.domain, "").varint(ONNX_FIELDS.OperatorSetIdProto.version, m.opset));
  for (const [k, v] of Object.entries(m.metadata ?? {})) {
    const S = ONNX_FIELDS.StringStringEntryProto;
    model.message(M.metadata_props, new ProtoWriter().string(S.key, k).string(S.value, v));
  }
  return model.finish();
}
