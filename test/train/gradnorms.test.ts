// Per-tensor gradient norms recorded by the trainer (the gradNorms option) against JS sums of getGrads().
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import type { DataSet } from "../../src/data/dataset.js";
import { engine, RefRng, scoped } from "../helpers.js";

function data(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  return { n, inputShape: [6], inputs: r.array(n * 6, 0, 1), labels: Int32Array.from({ length: n }, () => r.nextU32() % 3) };
}

/** ‖slice‖₂ of the flat gradient for every parameter tensor, in float64 JS. */
function jsNorms(net: Network): Record<string, number> {
  const g = net.getGrads();
  return Object.fromEntries(
    net.params.map((p) => {
      const off = (p.grad - net.gradPtr) / 4;
      let s = 0;
      for (let i = off; i < off + p.size; i++) s += g[i] * g[i];
      return [p.name, Math.sqrt(s)];
    }),
  );
}

describe("gradient norms", () => {
  it("one batch per epoch: each recorded norm is √Σg² of that tensor's slice of getGrads()", async () => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([6, 5, 4, 3], { engine: e, seed: 1 });
      const h = sgd(net, data(32, 1), { epochs: 1, batchSize: 32, eta: 0.5, lambda: 1, gradNorms: true });
      const rec = h.epochs[0].gradNorms!;
      expect(Object.keys(rec)).toEqual(["0.weight", "2.weight", "4.weight", "0.bias", "2.bias", "4.bias"]);
      const ref = jsNorms(net); // the update leaves the last batch's gradient in the grads buffer
      for (const [name, v] of Object.entries(ref)) {
        expect(v).toBeGreaterThan(0);
        expect(rec[name]).toBeCloseTo(v, 6);
      }
    });
  });

  it("several batches: the record is the mean of the per-batch norms; absent when off", async () => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([6, 5, 3], { engine: e, seed: 2 });
      const sums: Record<string, number> = {};
      let batches = 0;
      const h = sgd(net, data(50, 2), {
        epochs: 2, batchSize: 16, eta: 0.5, gradNorms: true, momentum: 0.5,
        onBatch: (p) => {
          if (p.epoch !== 1) return;
          batches++;
          for (const [k, v] of Object.entries(jsNorms(net))) sums[k] = (sums[k] ?? 0) + v;
        },
      });
      expect(batches).toBe(4); // 16 + 16 + 16 + 2
      for (const [k, v] of Object.entries(sums)) expect(h.epochs[1].gradNorms![k]).toBeCloseTo(v / batches, 6);
      const off = sgd(new Network([6, 5, 3], { engine: e, seed: 2 }), data(50, 2), { epochs: 1, batchSize: 16, eta: 0.5 });
      expect(off.epochs[0].gradNorms).toBeUndefined();
    });
  });
});
