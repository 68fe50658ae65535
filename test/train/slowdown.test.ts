// Chapter 3's learning slowdown (src/train/slowdown.ts): the quadratic cost from the saturated start
// 2.0/2.0 learns measurably slower than cross-entropy, and the pure float64 curves match the same
// neuron trained by the engine's own trainer.
import { describe, expect, it } from "vitest";
import { slowdownChart, slowdownCurves } from "../../src/train/slowdown.js";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { engine, scoped } from "../helpers.js";

describe("learning slowdown toy", () => {
  it("from w = b = 2 the quadratic cost learns much slower than cross-entropy (the book's point)", () => {
    const [q6, ce6, q2, ce2] = slowdownCurves();
    expect([q6, ce6, q2, ce2].map((r) => [r.w0, r.b0, r.cost])).toEqual([[0.6, 0.9, "quadratic"], [0.6, 0.9, "cross-entropy"], [2, 2, "quadratic"], [2, 2, "cross-entropy"]]);
    expect(q2.costs).toHaveLength(301);
    expect(q2.outputs[0]).toBeCloseTo(0.982, 3); // σ(4)
    expect(q6.outputs[0]).toBeCloseTo(0.818, 3); // σ(1.5)
    const halve = (r: typeof q2) => r.outputs.findIndex((a) => a <= r.outputs[0] / 2);
    // saturated: after 100 epochs the quadratic run's output has barely moved, cross-entropy's is near 0
    expect(q2.outputs[100]).toBeGreaterThan(0.9);
    expect(ce2.outputs[100]).toBeLessThan(0.05);
    expect(halve(q2)).toBeGreaterThan(5 * halve(ce2));
    // unsaturated start: the gap is much smaller
    expect(halve(q6) / halve(ce6)).toBeLessThan(halve(q2) / halve(ce2) / 2);
    for (const r of [q6, ce6, q2, ce2]) expect(r.costs.at(-1)!).toBeLessThan(r.costs[0]);
  });

  it("matches the same neuron trained by the library (Network [1, 1], batch 1)", async () => {
    const e = await engine();
    scoped(e, () => {
      for (const run of slowdownCurves({ starts: [[2, 2]], epochs: 40 })) {
        const net = new Network([1, 1], { engine: e, cost: run.cost });
        net.setParams([2, 2]);
        const costs: number[] = [];
        sgd(net, { n: 1, inputShape: [1], inputs: new Float32Array([1]), targets: new Float32Array([0]) }, { epochs: 40, batchSize: 1, eta: 0.15, monitorTrainingCost: true, onEpoch: (rec) => costs.push(rec.trainingCost!) });
        costs.forEach((c, t) => expect(Math.abs(c - run.costs[t + 1])).toBeLessThan(1e-5 + 1e-4 * run.costs[t + 1]));
      }
    });
  });

  it("charts one panel per start, and refuses a bad η", () => {
    const img = slowdownChart(slowdownCurves({ epochs: 20 }), 100, 80);
    expect([img.width, img.height]).toEqual([200, 80]);
    expect(img.data.some((v, i) => i % 4 === 0 && v === 214)).toBe(true); // a red (quadratic) pixel
    expect(() => slowdownCurves({ eta: 0 })).toThrow(/eta must be a finite number > 0, got 0/);
  });
});
