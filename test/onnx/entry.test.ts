// "simdnet/onnx" (src/onnx/entry.ts): loadOnnx on the inference kernel build, same results as PyTorch.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnx } from "../../src/onnx/entry.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "onnx");

describe("simdnet/onnx entry", () => {
  for (const name of ["mobilenetv2", "lstm", "book_cnn"]) {
    it(`${name} on the inference build matches PyTorch within 1e-4`, async () => {
      const x = JSON.parse(readFileSync(join(FIX, name, "input.json"), "utf8"));
      const want = JSON.parse(readFileSync(join(FIX, name, "expected.json"), "utf8"));
      const m = await loadOnnx(new URL(`../fixtures/onnx/${name}/model.onnx`, import.meta.url), { inputShape: x.shape, variant: "plain" });
      expect(m.engine.k).not.toHaveProperty("sgd_update"); // really the forward-only build
      const y = m.run(x).y;
      expect(y.shape).toEqual(want.shape);
      y.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThan(1e-4));
    });
  }

  it("names a bad URL", async () => {
    await expect(loadOnnx(new URL("./nowhere.onnx", import.meta.url))).rejects.toThrow(/cannot read the ONNX model .*nowhere\.onnx/);
  });
});
