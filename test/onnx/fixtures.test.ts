// Real models exported from PyTorch 1.13 (scripts/onnx-fixtures.py): MLP, the book's CNN, a BatchNorm CNN,
// MobileNetV2- and ResNet-style nets, a Concat net, a Pad + ReduceMean/Max net, GRU and bidirectional-LSTM classifiers, and
// onnx.helper-built MatMul+Add (opset 21) and Conv+BatchNormalization (opset 18) graphs. Outputs must
// be within 1e-4 of PyTorch's, at the exported batch and one example at a time (the batch dim is free).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel } from "../../src/onnx/decode.js";
import { loadOnnx, type OnnxTensor } from "../../src/onnx/model.js";
import { createEngine } from "../../src/wasm/engine.js";
import { engine } from "../helpers.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "onnx");
export const FIXTURES = ["mlp", "book_cnn", "bn_cnn", "mobilenetv2", "resnet", "concat", "pad_reduce", "gru", "lstm", "matmul_mlp_opset21", "conv_bn_opset18"];

const json = (name: string, file: string): OnnxTensor => {
  const t = JSON.parse(readFileSync(join(DIR, name, file), "utf8")) as { shape: number[]; data: number[] };
  return { shape: t.shape, data: Float32Array.from(t.data) };
};
export const modelBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name, "model.onnx")));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("ONNX fixtures from PyTorch", () => {
  for (const name of FIXTURES) {
    it(`${name}: matches PyTorch within 1e-4, whole batch and per example`, async () => {
      const e = await engine("relaxed");
      const mark = e.mark();
      try {
        const x = json(name, "input.json"), want = json(name, "expected.json");
        const model = await loadOnnx(modelBytes(name), { engine: e, inputShape: x.shape });
        const y = Object.values(model.run(x))[0];
        expect(y.shape).toEqual(want.shape);
        expect(maxAbsDiff(y.data, want.data)).toBeLessThan(1e-4);
        // the same model, one example: the plan is rebuilt for batch 1
        const B = x.shape[0], per = x.data.length / B, out = want.data.length / B;
        const y1 = Object.values(model.run({ shape: [1, ...x.shape.slice(1)], data: x.data.slice(per, 2 * per) }))[0];
        expect(y1.shape).toEqual([1, ...want.shape.slice(1)]);
        expect(maxAbsDiff(y1.data, want.data.slice(out, 2 * out))).toBeLessThan(1e-4);
      } finally {
        e.release(mark);
      }
    });
  }

  it("folds the exporters' BatchNormalization into the Conv/Gemm before it (and keeps one that follows a ReLU)", async () => {
    const e = await engine();
    const mark = e.mark();
    const bn = decodeModel(modelBytes("mobilenetv2")).graph.nodes.filter((n) => n.opType === "BatchNormalization").length;
    const m = await loadOnnx(modelBytes("mobilenetv2"), { engine: e });
    expect(bn).toBeGreaterThan(0);
    expect(m.foldedBatchNorms).toBe(bn);
    const kept = await loadOnnx(modelBytes("conv_bn_opset18"), { engine: e });
    expect(kept.foldedBatchNorms).toBe(0);
    e.release(mark);
  });

  it("runs on a two-thread engine with the same results (the big GEMMs and convolutions split)", async () => {
    const e = await createEngine({ threads: 2, variant: "plain" });
    try {
      for (const name of ["book_cnn", "resnet"]) {
        const x = json(name, "input.json"), want = json(name, "expected.json");
        const y = Object.values((await loadOnnx(modelBytes(name), { engine: e, inputShape: x.shape })).run(x))[0];
        expect(maxAbsDiff(y.data, want.data)).toBeLessThan(1e-4);
      }
    } finally {
      e.dispose();
    }
  });

  it("reuses intermediate buffers by liveness", async () => {
    const e = await engine();
    const mark = e.mark();
    const m = await loadOnnx(modelBytes("resnet"), { engine: e, inputShape: [4, 3, 12, 12] });
    expect(m.memory.buffers).toBeLessThan(0.6 * m.memory.withoutReuse);
    e.release(mark);
  });
});
