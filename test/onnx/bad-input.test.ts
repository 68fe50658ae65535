// Bad ONNX input: every case must fail at load with an Error that names what is wrong and where, leave
// the engine's arena where it was (nothing half-loads), and never trap. Hand-built models (test/onnx/pb.ts)
// and damaged copies of the fixtures.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnx, loadOnnxSync } from "../../src/onnx/model.js";
import { OnnxFormatError } from "../../src/onnx/protobuf.js";
import { engine } from "../helpers.js";
import { attrInt, encode, model, node, tensor, valueInfo } from "./pb.js";

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "..", "fixtures", "onnx", name, "model.onnx")));

/** x [1, 4] → Relu → y, with extra nodes/initializers spliced in by each case. */
const relu = (extra: Partial<Parameters<typeof model>[0]> = {}, opset = 13) => model({
  nodes: extra.nodes ?? [node("Relu", ["x"], ["y"])], inits: extra.inits ?? [],
  inputs: extra.inputs ?? [valueInfo("x", [1, 4])], outputs: extra.outputs ?? [valueInfo("y", [1, 4])],
}, opset);

async function expectLoadError(bytes: Uint8Array, pattern: RegExp, options: { maxBytes?: number; inputShape?: number[] } = {}) {
  const e = await engine();
  const mark = e.mark();
  let err: unknown;
  try {
    loadOnnxSync(bytes, e, options);
  } catch (x) {
    err = x;
  }
  expect(err, "load should fail").toBeInstanceOf(OnnxFormatError);
  expect((err as Error).message).toMatch(/^simdnet: ONNX: /);
  expect((err as Error).message).toMatch(pattern);
  expect(e.mark()).toBe(mark); // nothing half-loaded
}

describe("loadOnnx on bad input", () => {
  it("a well-formed hand-built model loads and runs (the baseline the cases below break)", async () => {
    const e = await engine();
    const mark = e.mark();
    const m = loadOnnxSync(relu(), e);
    expect(Array.from(m.run({ shape: [1, 4], data: [-1, 2, -3, 4] }).y.data)).toEqual([0, 2, 0, 4]);
    e.release(mark);
  });

  it("empty, not protobuf, wrong magic", async () => {
    await expectLoadError(new Uint8Array(0), /the file is empty/);
    await expectLoadError(new TextEncoder().encode('{"shape": [1], "data": [1]}'), /ModelProto: .* at byte|no graph/);
    await expectLoadError(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /ModelProto: .*at byte \d+|no graph/);
    await expectLoadError(encode([[1, 7], [2, "no graph here"]]), /no graph in the ModelProto/);
  });

  it("truncated files name the message and byte offset", async () => {
    const bytes = fixture("bn_cnn");
    for (const cut of [1, 17, bytes.length >> 1, bytes.length - 3]) {
      await expectLoadError(bytes.subarray(0, cut), /(truncated|runs past the end|no graph|not produced|NaN|raw_data has)/);
    }
    await expectLoadError(bytes.subarray(0, bytes.length >> 1), /at byte \d+/);
  });

  it("wrong wire types", async () => {
    await expectLoadError(encode([[1, 8], [7, 5]]), /field graph has wire type 0, expected 2/);
  });

  it("dangling tensor names, duplicates, missing outputs", async () => {
    await expectLoadError(relu({ nodes: [node("Relu", ["nope"], ["y"])] }), /node 0 \(Relu\) reads tensor "nope", which no graph input, initializer or node defines/);
    await expectLoadError(relu({ nodes: [node("Relu", ["x"], ["y"]), node("Relu", ["x"], ["y"])] }), /tensor "y" is defined twice/);
    await expectLoadError(relu({ outputs: [valueInfo("z", [1, 4])] }), /graph output "z" is not produced by any node/);
  });

  it("cycles", async () => {
    const nodes = [node("Relu", ["x"], ["a"]), node("Add", ["a", "c"], ["b"]), node("Relu", ["b"], ["c"]), node("Relu", ["c"], ["y"])];
    await expectLoadError(relu({ nodes }), /the graph has a cycle through node 1 \(Add\), node 2 \(Relu\)/);
  });

  it("shape mismatches name the node, operator and opset", async () => {
    const inits = [tensor("w", [3, 5], new Array(15).fill(0.5))];
    await expectLoadError(relu({ nodes: [node("Gemm", ["x", "w"], ["y"])], inits }), /node 0 \(Gemm\), opset 13: inner dimensions differ: op\(A\) is 1×4, op\(B\) is 3×5/);
    await expectLoadError(relu({ nodes: [node("Add", ["x", "w"], ["y"])], inits }), /node 0 \(Add\), opset 13: shapes \[1, 4\] and \[3, 5\] do not broadcast/);
  });

  it("a run with the wrong input shape, count or NaN fails clearly and leaves the model usable", async () => {
    const e = await engine();
    const mark = e.mark();
    const m = loadOnnxSync(relu(), e);
    expect(() => m.run({ shape: [1, 5], data: new Float32Array(5) })).toThrow(/input "x" has shape \[1, 5\]; the model declares \[1, 4\]/);
    expect(() => m.run({ shape: [1, 4], data: new Float32Array(3) })).toThrow(/has shape \[1, 4\] \(4 values\) but 3 values/);
    expect(() => m.run({ shape: [1, 4], data: [0, NaN, 0, 0] })).toThrow(/holds NaN at index 1/);
    expect(() => m.run({ z: { shape: [1, 4], data: new Float32Array(4) } })).toThrow(/has no input "z"/);
    expect(Array.from(m.run({ shape: [1, 4], data: [1, -1, 1, -1] }).y.data)).toEqual([1, 0, 1, 0]);
    e.release(mark);
  });

  it("absurd dimensions fail before allocating", async () => {
    await expectLoadError(relu({ inputs: [valueInfo("x", ["b", 4])], outputs: [valueInfo("y", ["b", 4])] }), /needs \d+ bytes .* over the limit of 1000/, { maxBytes: 1000, inputShape: [1000, 4] });
    await expectLoadError(relu({ inputs: [valueInfo("x", [1 << 20, 1 << 20])] }), /over the loader's limit of 268435456/);
    const bigShape = [tensor("s", [2], [], 7).map((f) => (f[0] === 9 ? [9, new Uint8Array(new BigInt64Array([1n << 40n, 1n << 40n]).buffer)] : f)) as never];
    await expectLoadError(relu({ nodes: [node("ConstantOfShape", ["s"], ["y"])], inits: bigShape as never, inputs: [] }), /node 0 \(ConstantOfShape\): shape .* over the loader's limit/);
  });

  it("NaN weights name the initializer and the element", async () => {
    await expectLoadError(relu({ nodes: [node("Add", ["x", "b"], ["y"])], inits: [tensor("b", [4], [0, 1, NaN, 2])] }), /initializer "b" \(input 1 of node 0 \(Add\), opset 13\): value 2 of \[4\] is NaN/);
  });

  it("unsupported types, external data, domains, opsets, operators and attributes", async () => {
    const f16 = tensor("h", [2], [], 10).map((f) => (f[0] === 9 ? [9, new Uint8Array(4)] : f)) as never;
    await expectLoadError(relu({ inits: [f16] }), /initializer "h": element type float16 is not supported \(float32 for values/);
    const ext = [[1, 4], [2, 1], [8, "w"], [13, [[1, "location"], [2, "weights.bin"]]], [14, 1]] as never;
    await expectLoadError(relu({ inits: [ext] }), /initializer "w": its data is stored in the external file "weights.bin"/);
    await expectLoadError(relu({}, 22), /opset 22; supported are opsets 1–21/);
    await expectLoadError(relu({ nodes: [[...node("Relu", ["x"], ["y"]), [7, "com.microsoft"]] as never] }), /node 0 \(Relu\) is in domain "com.microsoft"/);
    await expectLoadError(relu({ nodes: [node("Erf", ["x"], ["y"])] }), /node 0 \(Erf\), opset 13: operator Erf is not supported; supported: .*Conv/);
    await expectLoadError(relu({ nodes: [node("Softmax", ["x"], ["y"], [attrInt("axis", 5)])] }), /node 0 \(Softmax\), opset 13: axis 5 is out of range for rank 2/);
    await expectLoadError(relu({ inputs: [[[1, "x"], [2, [[1, [[1, 7]]]]]] as never] }), /graph input "x" has element type int64; only float32 inputs/);
  });

  it("loadOnnx rejects what is not bytes or a URL, and reads a file: URL", async () => {
    await expect(loadOnnx(42 as never)).rejects.toThrow(/takes the model's bytes/);
    const url = new URL("../fixtures/onnx/gru/model.onnx", import.meta.url);
    const m = await loadOnnx(url, { engine: await engine() });
    expect(m.inputs[0].name).toBe("x");
  });
});

describe("unsupported element types", () => {
  it("name the node that reads the tensor, its operator and the opset", async () => {
    const i8 = tensor("w8", [4], [], 3).map((f) => (f[0] === 9 ? [9, new Uint8Array(4)] : f)) as never;
    await expectLoadError(relu({ nodes: [node("Mul", ["x", "w8"], ["y"])], inits: [i8] }),
      /initializer "w8" \(input 1 of node 0 \(Mul\), opset 13\): element type int8 is not supported \(float32 for values; int64, int32, bool for shapes and indices\)/);
  });
});

describe("re-planning for a new input shape", () => {
  it("a shape over maxBytes fails clearly and the model keeps running at its old shape", async () => {
    const e = await engine();
    const mark = e.mark();
    const m = loadOnnxSync(relu({ inputs: [valueInfo("x", ["b", 4])], outputs: [valueInfo("y", ["b", 4])] }), e, { maxBytes: 4096 });
    expect(Array.from(m.run({ shape: [2, 4], data: [1, -1, 2, -2, 3, -3, 4, -4] }).y.data)).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
    expect(() => m.run({ shape: [1000, 4], data: new Float32Array(4000) })).toThrow(/needs \d+ bytes .* over the limit of 4096/);
    expect(m.inputShapes.x).toEqual([2, 4]);
    expect(Array.from(m.run({ shape: [1, 4], data: [-5, 5, -6, 6] }).y.data)).toEqual([0, 5, 0, 6]);
    e.release(mark);
  });
});
