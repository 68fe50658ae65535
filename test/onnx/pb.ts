/**
 * A tiny protobuf writer for hand-built ONNX models in tests (the bad-input cases): just varints,
 * length-delimited fields and fixed32 floats, enough for ModelProto / GraphProto / NodeProto / TensorProto.
 */
type Field = [no: number, value: number | string | Uint8Array | Field[] | { f32: number[] }];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** Encodes fields in order: numbers as varints, strings/bytes/sub-messages length-delimited, {f32} packed floats. */
export function encode(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const [no, v] of fields) {
    if (typeof v === "number") out.push(...varint(no * 8), ...varint(v));
    else {
      const body = typeof v === "string" ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v
        : Array.isArray(v) ? encode(v) : new Uint8Array(Float32Array.from(v.f32).buffer);
      out.push(...varint(no * 8 + 2), ...varint(body.length), ...body);
    }
  }
  return Uint8Array.from(out);
}

export const tensor = (name: string, dims: number[], f32: number[], dataType = 1): Field[] =>
  [...dims.map((d): Field => [1, d]), [2, dataType], [8, name], [9, new Uint8Array(Float32Array.from(f32).buffer)]];
export const attrInt = (name: string, i: number): Field[] => [[1, name], [20, 2], [3, i]];
export const node = (op: string, inputs: string[], outputs: string[], attrs: Field[][] = []): Field[] =>
  [...inputs.map((n): Field => [1, n]), ...outputs.map((n): Field => [2, n]), [4, op], ...attrs.map((a): Field => [5, a])];
export const valueInfo = (name: string, dims: (number | string)[]): Field[] =>
  [[1, name], [2, [[1, [[1, 1], [2, dims.map((d): Field => [1, typeof d === "number" ? [[1, d]] : [[2, d]]])]]]]]];

/** A ModelProto: graph of nodes, initializers, inputs and outputs, at `opset`. */
export function model(g: { nodes: Field[][]; inits?: Field[][]; inputs: Field[][]; outputs: Field[][] }, opset = 13): Uint8Array {
  const graph: Field[] = [...g.nodes.map((n): Field => [1, n]), [2, "g"], ...(g.inits ?? []).map((t): Field => [5, t]),
    ...g.inputs.map((v): Field => [11, v]), ...g.outputs.map((v): Field => [12, v])];
  return encode([[1, 8], [2, "test"], [7, graph], [8, [[1, ""], [2, opset]]]]);
}
