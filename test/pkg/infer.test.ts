// simdnet/infer (src/infer.ts + the forward-only build assembly/infer.ts), in Node and in Chromium: every
// layer kind predicts exactly what the full build predicts, and bad modules fail clearly.
import { describe, expect, it } from "vitest";
import { createInferenceEngine, loadModel } from "../../src/infer.js";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { buildLayers } from "../../src/layers/registry.js";
import { parseArch } from "../../src/layers/arch.js";
import { serializeModel } from "../../src/io/model.js";
import { engine, RefRng } from "../helpers.js";

/** Every forward kernel: both conv algorithms, max and L2 pooling, each activation, dropout, softmax. */
function convSpecs() {
  const specs = parseArch("conv5x5x4:relu-pool2-conv3x3x3same:tanh-l2pool2-fc12:sigmoid-dropout0.5-softmax10");
  return specs.map((s, i) => (i === 3 ? { ...s, algorithm: "direct" } : s));
}

describe("simdnet/infer", () => {
  it("loads the inference build, forward kernels only", async () => {
    const e = await createInferenceEngine({ variant: "plain" });
    expect(e.variant).toBe("plain");
    expect(e.k).not.toHaveProperty("sgd_update");
    expect(e.k).not.toHaveProperty("conv2d_backward");
    expect(typeof e.k.gemm).toBe("function");
  });

  it.each(["plain", "auto"] as const)("predicts what the full %s build predicts, for every layer kind", async (variant) => {
    const full = await engine("plain");
    const m = full.mark();
    const nets = [
      new Network(buildLayers(convSpecs(), [784]), { engine: full, seed: 5 }),
      new Network([784, 30, 10], { engine: full, seed: 2, activation: "relu", output: "softmax" }),
      new Network([new Dense(16, 3), new Activation("step", [3])], { engine: full, seed: 1, cost: "quadratic" }),
    ];
    const shared = await createInferenceEngine({ variant });
    for (const net of nets) {
      const x = new RefRng(9).array(net.inputSize * 7).map((v) => Math.abs(v));
      const { net: back, header } = await loadModel(serializeModel(net), { engine: shared });
      expect(header.numParams).toBe(net.numParams);
      if (variant === "plain") expect(back.feedforward(x)).toEqual(net.feedforward(x));
      else expect(Array.from(back.feedforward(x)).every((v, i) => Math.abs(v - net.feedforward(x)[i]) < 1e-4)).toBe(true);
      expect(back.predict(x)).toEqual(net.predict(x));
    }
    full.release(m);
  });

  it("takes a precompiled module, as edge workers pass it, and ArrayBuffers", async () => {
    const full = await engine("plain");
    const net = new Network([8, 4, 3], { engine: full, seed: 4 });
    const bytes = serializeModel(net);
    const wasm = await WebAssembly.compile(await fetchBuild());
    const { net: back } = await loadModel(bytes.slice().buffer, { wasm });
    const x = new RefRng(3).array(16);
    expect(back.feedforward(x)).toEqual(net.feedforward(x));
  });

  it("names the problem and the fix for bad modules and models", async () => {
    const net = new Network([4, 2], { engine: await engine("plain"), seed: 1 });
    const bytes = serializeModel(net);
    await expect(loadModel(bytes, { wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })).rejects.toThrow(/does not import its memory, so it is not a simdnet kernel build/);
    await expect(loadModel(bytes, { wasm: new Uint8Array([1, 2, 3, 4, 5]) })).rejects.toThrow(/not a WebAssembly module/);
    await expect(loadModel(bytes, { wasm: (await fetchBuild()).subarray(0, 3000) })).rejects.toThrow(/truncated or corrupt/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(4, 7, true);
    await expect(loadModel(future, { variant: "plain" })).rejects.toThrow(/format version 7 is newer than this simdnet understands \(1\); upgrade simdnet/);
    // a string is a URL: relative to the page in a browser (here a 404), an error elsewhere
    const relative = typeof location === "undefined" ? /is not a URL: pass the model's bytes/ : /fetching the model .*nowhere\.simdnet failed: HTTP 404/;
    await expect(loadModel("nowhere.simdnet", { variant: "plain" })).rejects.toThrow(relative);
    await expect(createInferenceEngine({ variant: "fast" as never })).rejects.toThrow(/unknown variant "fast"/);
  });
});

/** simdnet.infer.wasm's bytes, read the way this runtime can (node:fs under Node, fetch in a browser). */
async function fetchBuild(): Promise<Uint8Array<ArrayBuffer>> {
  const url = new URL("../../build/simdnet.infer.wasm", import.meta.url);
  if (url.protocol === "file:") {
    const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process!.getBuiltinModule!("node:fs/promises") as typeof import("node:fs/promises");
    return new Uint8Array(await fs.readFile(url));
  }
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
