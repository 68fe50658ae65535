// ONNX import in every vitest project (Node and Chromium): a fixture fetched by URL, run on the full
// engine and on the "simdnet/onnx" inference entry, against PyTorch's output.
import { describe, expect, it } from "vitest";
import { loadOnnx as loadOnEngine } from "../../src/onnx/model.js";
import { loadOnnx } from "../../src/onnx/entry.js";
import { readUrl } from "../../src/wasm/load.js";
import { engine } from "../helpers.js";

const json = async (name: string, file: string) =>
  JSON.parse(new TextDecoder().decode(await readUrl(new URL(`../fixtures/onnx/${name}/${file}`, import.meta.url)))) as { shape: number[]; data: number[] };

describe("ONNX in this runtime", () => {
  for (const name of ["concat", "gru"]) {
    it(`${name}: loads by URL and matches PyTorch within 1e-4 (full engine and simdnet/onnx)`, async () => {
      const x = await json(name, "input.json"), want = await json(name, "expected.json");
      const url = new URL(`../fixtures/onnx/${name}/model.onnx`, import.meta.url);
      const e = await engine();
      const mark = e.mark();
      for (const m of [await loadOnEngine(url, { engine: e, inputShape: x.shape }), await loadOnnx(url, { inputShape: x.shape })]) {
        const y = m.run(x).y;
        expect(y.shape).toEqual(want.shape);
        y.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThan(1e-4));
      }
      e.release(mark);
    });
  }
});
