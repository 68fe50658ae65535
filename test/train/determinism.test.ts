// Cross-runtime determinism: the same seeded training (init, shuffles, dropout masks, momentum) must give
// bit-identical weights in Node and in Chromium for a given build. This file runs in both test projects
// and compares an FNV-1a hash of the final weights with one recorded per build; if a kernel changes on
// purpose, re-record with `GOLDEN_PRINT=1 npx vitest run --project node test/train/determinism.test.ts`.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { subset } from "../../src/data/split.js";
import { engine, VARIANTS } from "../helpers.js";

const GOLDEN: Record<string, string> = {
  plain: "28354984",
  relaxed: "a7c563a3",
};

function fnv1a(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

describe.each(VARIANTS)("seeded training is bit-identical across runtimes (%s build)", (variant) => {
  it("matches the recorded weights hash", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const { training } = await loadEmbeddedMnist();
    const data = subset(training, Array.from({ length: 500 }, (_, i) => i));
    const net = new Network([784, 32, 10], { engine: e, seed: 42, activation: "relu", output: "softmax", dropout: 0.2 });
    sgd(net, data, { epochs: 2, batchSize: 16, eta: 0.1, momentum: 0.9, nesterov: true, lambda: 1, l1: 0.1 });
    const hash = fnv1a(net.getParams());
    if (typeof process !== "undefined" && process.env?.GOLDEN_PRINT) console.log(`${variant}: "${hash}"`);
    expect(hash).toBe(GOLDEN[variant]);
    e.release(m);
  });
});
