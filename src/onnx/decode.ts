/**
 * ONNX's protobuf messages (onnx/onnx.proto3: ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto) decoded into plain objects. Only the fields inference reads are kept;
 * unknown fields are skipped, as protobuf requires. Tensor payloads stay views of the file's bytes
 * until {@link tensorValue} converts them (src/onnx/tensor.ts).
 */
import { I32, LEN, OnnxFormatError, ProtoReader, VARINT } from "./protobuf.js";

/** TensorProto as read: dims, element type, and whichever data field was set. */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  raw?: Uint8Array;
  floats?: number[];
  ints?: number[];
  doubles?: number[];
  /** Set for data_location = EXTERNAL: the `location` entry (a file next to the model). */
  external?: string;
}

/** An attribute: one of its value fields, by ONNX's AttributeType. */
export interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  /** Subgraph attributes (If, Loop, Scan) are not supported: recorded so the error can say so. */
  hasGraph: boolean;
}

export interface NodeProto {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Attribute[];
}

/** A graph input or output: name, element type and dims (a string for a symbolic dim, null for unknown). */
export interface ValueInfo {
  name: string;
  elemType: number;
  dims: (number | string | null)[] | null;
}

export interface GraphProto {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  sparse: number;
}

export interface ModelProto {
  irVersion: number;
  producer: string;
  /** domain ("" for ai.onnx) → opset version. */
  opsets: Map<string, number>;
  graph: GraphProto;
}

/** Decodes a ModelProto; throws OnnxFormatError naming the message and byte offset on malformed input. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (bytes.length === 0) throw new OnnxFormatError("the file is empty");
  // A ModelProto starts with field 1 (ir_version, varint: 0x08) in every exporter's output; anything
  // else that decodes must still contain a graph (checked below).
  const r = new ProtoReader(bytes, "ModelProto");
  let irVersion = 0, producer = "";
  const opsets = new Map<string, number>();
  let graph: GraphProto | undefined;
  for (const { no, wire } of r.fields()) {
    if (no === 1) { r.expect(wire, VARINT, "ir_version"); irVersion = r.varint(); }
    else if (no === 2) { r.expect(wire, LEN, "producer_name"); producer = r.string(); }
    else if (no === 7) { r.expect(wire, LEN, "graph"); graph = decodeGraph(r.message("GraphProto")); }
    else if (no === 8) {
      r.expect(wire, LEN, "opset_import");
      const o = r.message("OperatorSetIdProto");
      let domain = "", version = 0;
      for (const f of o.fields()) {
        if (f.no === 1) { o.expect(f.wire, LEN, "domain"); domain = o.string(); }
        else if (f.no === 2) { o.expect(f.wire, VARINT, "version"); version = o.int64(); }
        else o.skip(f.wire);
      }
      opsets.set(domain === "ai.onnx" ? "" : domain, version);
    } else r.skip(wire);
  }
  if (!graph) throw new OnnxFormatError("no graph in the ModelProto: this is not an ONNX model (or it is truncated)");
  return { irVersion, producer, opsets, graph };
}

function decodeGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = { name: "", nodes: [], initializers: [], inputs: [], outputs: [], sparse: 0 };
  for (const { no, wire } of r.fields()) {
    if (no === 1) { r.expect(wire, LEN, "node"); g.nodes.push(decodeNode(r.message(`node ${g.nodes.length}`))); }
    else if (no === 2) { r.expect(wire, LEN, "name"); g.name = r.string(); }
    else if (no === 5) { r.expect(wire, LEN, "initializer"); g.initializers.push(decodeTensor(r.message(`initializer ${g.initializers.length}`))); }
    else if (no === 11) { r.expect(wire, LEN, "input"); g.inputs.push(decodeValueInfo(r.message("graph input"))); }
    else if (no === 12) { r.expect(wire, LEN, "output"); g.outputs.push(decodeValueInfo(r.message("graph output"))); }
    else if (no === 15) { r.skip(wire); g.sparse++; }
    else r.skip(wire);
  }
  return g;
}

function decodeNode(r: ProtoReader): NodeProto {
  const n: NodeProto = { name: "", opType: "", domain: "", inputs: [], outputs: [], attrs: [] };
  for (const { no, wire } of r.fields()) {
    if (no === 1) { r.expect(wire, LEN, "input"); n.inputs.push(r.string()); }
    else if (no === 2) { r.expect(wire, LEN, "output"); n.outputs.push(r.string()); }
    else if (no === 3) { r.expect(wire, LEN, "name"); n.name = r.string(); }
    else if (no === 4) { r.expect(wire, LEN, "op_type"); n.opType = r.string(); }
    else if (no === 7) { r.expect(wire, LEN, "domain"); n.domain = r.string(); }
    else if (no === 5) { r.expect(wire, LEN, "attribute"); n.attrs.push(decodeAttribute(r.message(`attribute of ${n.opType || "node"}`))); }
    else r.skip(wire);
  }
  if (n.domain === "ai.onnx") n.domain = "";
  return n;
}

function decodeAttribute(r: ProtoReader): Attribute {
  const a: Attribute = { name: "", type: 0, floats: [], ints: [], strings: [], hasGraph: false };
  for (const { no, wire } of r.fields()) {
    if (no === 1) { r.expect(wire, LEN, "name"); a.name = r.string(); }
    else if (no === 20) { r.expect(wire, VARINT, "type"); a.type = r.varint(); }
    else if (no === 2) { r.expect(wire, I32, "f"); a.f = r.float(); }
    else if (no === 3) { r.expect(wire, VARINT, "i"); a.i = r.int64(); }
    else if (no === 4) { r.expect(wire, LEN, "s"); a.s = r.bytes(); }
    else if (no === 5) { r.expect(wire, LEN, "t"); a.t = decodeTensor(r.message(`tensor attribute ${a.name}`)); }
    else if (no === 6 || no === 11) { r.skip(wire); a.hasGraph = true; }
    else if (no === 7) r.floats(wire, a.floats, "floats");
    else if (no === 8) r.int64s(wire, a.ints, "ints");
    else if (no === 9) { r.expect(wire, LEN, "strings"); a.strings.push(r.bytes()); }
    else r.skip(wire);
  }
  return a;
}

/** Decodes a TensorProto (also used for the .pb files of ONNX's test data). */
export function decodeTensor(r: ProtoReader): TensorProto {
  const t: TensorProto = { name: "", dims: [], dataType: 0 };
  let location = "", isExternal = false;
  for (const { no, wire } of r.fields()) {
    if (no === 1) r.int64s(wire, t.dims, "dims");
    else if (no === 2) { r.expect(wire, VARINT, "data_type"); t.dataType = r.varint(); }
    else if (no === 8) { r.expect(wire, LEN, "name"); t.name = r.string(); }
    else if (no === 9) { r.expect(wire, LEN, "raw_data"); t.raw = r.bytes(); }
    else if (no === 4) r.floats(wire, (t.floats ??= []), "float_data");
    else if (no === 5) r.int64s(wire, (t.ints ??= []), "int32_data");
    else if (no === 7) r.int64s(wire, (t.ints ??= []), "int64_data");
    else if (no === 10) {
      r.expect(wire, LEN, "double_data");
      const [s, e] = r.span();
      if ((e - s) % 8) r.fail(`packed double_data has ${e - s} bytes, not a multiple of 8`);
      const view = new DataView(r.buf.buffer, r.buf.byteOffset + s, e - s);
      t.doubles ??= [];
      for (let i = 0; i < e - s; i += 8) t.doubles.push(view.getFloat64(i, true));
    } else if (no === 13) {
      r.expect(wire, LEN, "external_data");
      const kv = r.message("external_data entry");
      let key = "", value = "";
      for (const f of kv.fields()) {
        if (f.no === 1) { kv.expect(f.wire, LEN, "key"); key = kv.string(); }
        else if (f.no === 2) { kv.expect(f.wire, LEN, "value"); value = kv.string(); }
        else kv.skip(f.wire);
      }
      if (key === "location") location = value;
    } else if (no === 14) { r.expect(wire, VARINT, "data_location"); isExternal = r.varint() === 1; }
    else r.skip(wire);
  }
  if (isExternal || location) t.external = location || "(no location given)";
  return t;
}

function decodeValueInfo(r: ProtoReader): ValueInfo {
  const v: ValueInfo = { name: "", elemType: 0, dims: null };
  for (const { no, wire } of r.fields()) {
    if (no === 1) { r.expect(wire, LEN, "name"); v.name = r.string(); }
    else if (no === 2) {
      r.expect(wire, LEN, "type");
      const tp = r.message(`type of ${v.name}`);
      for (const f of tp.fields()) {
        if (f.no !== 1) { tp.skip(f.wire); continue; }
        tp.expect(f.wire, LEN, "tensor_type");
        const tt = tp.message(`tensor type of ${v.name}`);
        for (const g of tt.fields()) {
          if (g.no === 1) { tt.expect(g.wire, VARINT, "elem_type"); v.elemType = tt.varint(); }
          else if (g.no === 2) { tt.expect(g.wire, LEN, "shape"); v.dims = decodeShape(tt.message(`shape of ${v.name}`)); }
          else tt.skip(g.wire);
        }
      }
    } else r.skip(wire);
  }
  return v;
}

function decodeShape(r: ProtoReader): (number | string | null)[] {
  const dims: (number | string | null)[] = [];
  for (const { no, wire } of r.fields()) {
    if (no !== 1) { r.skip(wire); continue; }
    r.expect(wire, LEN, "dim");
    const d = r.message("dimension");
    let dim: number | string | null = null;
    for (const f of d.fields()) {
      if (f.no === 1) { d.expect(f.wire, VARINT, "dim_value"); dim = d.int64(); }
      else if (f.no === 2) { d.expect(f.wire, LEN, "dim_param"); dim = d.string(); }
      else d.skip(f.wire);
    }
    dims.push(dim);
  }
  return dims;
}
