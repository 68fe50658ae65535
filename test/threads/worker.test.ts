// Browsers only: a threaded engine inside a module Web Worker that trains (the demo's setup), whose pool
// workers are nested workers; its weights must equal those of the same training on this page.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { subset } from "../../src/data/split.js";
import { parseArch } from "../../src/layers/arch.js";
import { buildLayers } from "../../src/layers/registry.js";
import { splitPolicy } from "../../src/wasm/parallel.js";
import { NO_THREADS, threaded } from "./helpers.js";

const inBrowser = typeof window !== "undefined";

describe.runIf(inBrowser && !NO_THREADS)("threads inside a Web Worker", () => {
  it("trains on 2 threads in a module worker, bit for bit as on the page", async () => {
    const w = new Worker(new URL("./fixtures/train-worker.ts", import.meta.url), { type: "module" });
    const got = await new Promise<{ threads?: number; params?: Float32Array; error?: string }>((resolve, reject) => {
      w.onmessage = (ev) => resolve(ev.data);
      w.onerror = (ev) => reject(new Error(ev.message));
      w.postMessage({ threads: 2 });
    });
    w.terminate();
    expect(got.error).toBeUndefined();
    expect(got.threads).toBe(2);
    const saved = { ...splitPolicy };
    Object.assign(splitPolicy, { minFlops: 0, minValues: 0 });
    try {
      const e = await threaded(2, "relaxed");
      const { training } = await loadEmbeddedMnist();
      const data = subset(training, Array.from({ length: 100 }, (_, i) => i));
      const mark = e.mark();
      const net = new Network(buildLayers(parseArch("conv5x5x4:relu-pool2-fc20:relu-softmax10"), [784]), { engine: e, seed: 3 });
      sgd(net, data, { epochs: 1, batchSize: 10, eta: 0.05 });
      expect(got.params).toEqual(net.getParams());
      e.release(mark);
    } finally {
      Object.assign(splitPolicy, saved);
    }
  });
});
