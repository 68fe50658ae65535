// The demo's training code (demo/session.ts, what its Web Worker runs, a few mini-batches per chunk)
// must give bit-identical weights in Node and in Chromium for a given build. This file runs in both
// vitest projects and checks an FNV-1a hash of the final weights against one recorded per build and
// preset; test/node/demo-e2e.test.ts does the same against the built demo's real worker. If a kernel
// changes on purpose, re-record with `GOLDEN_PRINT=1 npx vitest run --project node test/parity/`.
import { describe, expect, it } from "vitest";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { PRESETS, Session, weightsHash } from "../../demo/session.js";
import { engine, VARIANTS } from "../helpers.js";

const GOLDEN: Record<string, Record<string, string>> = {
  plain: { network: "19f2d0b4", network2: "c0025e77", conv: "cd25b5c3" },
  relaxed: { network: "597d3831", network2: "8728c128", conv: "86d8d703" },
};

describe.each(VARIANTS)("the demo's training is bit-identical across runtimes (%s build)", (variant) => {
  it.each(Object.keys(PRESETS))("preset %s", async (key) => {
    const e = await engine(variant);
    const m = e.mark();
    try {
      const split = await loadEmbeddedMnist();
      const s = new Session(e, split, { ...PRESETS[key].config, trainSize: 300, epochs: 2, seed: 7 });
      const first = s.initialPoint();
      const points = [];
      while (!s.done) {
        const p = s.step(7); // odd chunks, as the worker cuts epochs at arbitrary batches
        if (p) points.push(p);
      }
      expect(points.map((p) => p.epoch)).toEqual([1, 2]);
      expect(points[1].trainingCost).toBeLessThan(first.trainingCost);
      const hash = weightsHash(s.net.getParams());
      if (typeof process !== "undefined" && process.env?.GOLDEN_PRINT) console.log(`${variant} ${key}: "${hash}"`);
      expect(hash).toBe(GOLDEN[variant][key]);
    } finally {
      e.release(m);
    }
  });
});
