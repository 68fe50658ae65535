// The protobuf writer behind ONNX export, against hand-encoded bytes (protobuf.dev's encoding guide).
import { describe, expect, it } from "vitest";
import { ProtoWriter, encodeModel } from "../../src/onnx/write.js";

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe("ProtoWriter", () => {
  it("varints: 150 in field 1 is 08 96 01; -1 as int64 takes ten bytes; 2^53 - 1 exactly", () => {
    expect(bytes(new ProtoWriter().varint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().varint(2, -1))).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes(new ProtoWriter().varint(1, Number.MAX_SAFE_INTEGER))).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => new ProtoWriter().varint(1, 0.5)).toThrow(/cannot encode 0.5 as a protobuf integer/);
  });

  it("length-delimited: a string, a nested message, packed varints; a float is wire type 5, little-endian", () => {
    expect(bytes(new ProtoWriter().string(2, "testing"))).toEqual([0x12, 0x07, ...new TextEncoder().encode("testing")]);
    expect(bytes(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().packedVarints(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // a field number ≥ 16 needs a two-byte tag: field 20 (AttributeProto.type), varint 7
    expect(bytes(new ProtoWriter().varint(20, 7))).toEqual([0xa0, 0x01, 0x07]);
  });

  it("encodeModel: ir_version first, producer \"simdnet\", raw_data little-endian", () => {
    const out = encodeModel({
      irVersion: 8, opset: 17, graphName: "g", nodes: [{ op: "Identity", inputs: ["input"], outputs: ["output"], name: "n" }],
      initializers: [{ name: "w", dims: [2], data: Float32Array.from([1, -2]) }],
      inputs: [{ name: "input", dims: ["N", 2] }], outputs: [{ name: "output", dims: ["N", 2] }],
    });
    expect(Array.from(out.subarray(0, 11))).toEqual([0x08, 0x08, 0x12, 0x07, ...new TextEncoder().encode("simdnet")]);
    const raw = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]; // 1.0f, -2.0f
    const at = out.findIndex((_, i) => raw.every((b, j) => out[i + j] === b));
    expect(at).toBeGreaterThan(0);
    expect(out[at - 2]).toBe(0x4a); // field 9 (raw_data), wire type 2
    expect(out[at - 1]).toBe(8);
  });
});
