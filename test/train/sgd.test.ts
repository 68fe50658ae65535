import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd, Trainer, type TrainState } from "../../src/train/trainer.js";
import type { DataSet } from "../../src/data/dataset.js";
import { engine, RefRng } from "../helpers.js";

/** A small learnable problem: the class is the index of the largest of the first 3 inputs. */
function blobs(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  const inputs = r.array(n * 8, 0, 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = inputs.subarray(i * 8, i * 8 + 3);
    labels[i] = x[0] > x[1] ? (x[0] > x[2] ? 0 : 2) : x[1] > x[2] ? 1 : 2;
  }
  return { n, inputShape: [8], inputs, labels };
}

/** Labels that carry no information: validation accuracy cannot keep improving. */
function noise(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  return { n, inputShape: [8], inputs: r.array(n * 8, 0, 1), labels: Int32Array.from({ length: n }, () => r.nextU32() % 3) };
}

describe("sgd trainer", () => {
  it("learns, and reports per-epoch monitoring like network2", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 16, 3], { engine: e, seed: 1 });
    const h = sgd(net, blobs(600, 1), {
      epochs: 10, batchSize: 10, eta: 1, evaluationData: blobs(200, 2),
      monitorEvaluationCost: true, monitorTrainingCost: true, monitorTrainingAccuracy: true,
    });
    expect(h.epochs).toHaveLength(10);
    const first = h.epochs[0];
    const last = h.epochs[9];
    expect(last.trainingCost!).toBeLessThan(first.trainingCost!);
    expect(last.evaluationAccuracy!).toBeGreaterThan(0.8);
    expect(last.examplesPerSecond).toBeGreaterThan(0);
    expect(h.stopReason).toBe("completed");
    e.release(m);
  });

  it("early stopping ends a run whose validation accuracy stalls, and restores the best weights", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 16, 3], { engine: e, seed: 2 });
    const val = noise(200, 4);
    const h = sgd(net, noise(300, 3), { epochs: 200, batchSize: 10, eta: 0.5, evaluationData: val, earlyStopping: { patience: 3 } });
    expect(h.stopReason).toBe("early-stopping");
    expect(h.epochs.length).toBeLessThan(200);
    expect(h.epochs.length).toBe(h.bestEpoch + 1 + 3); // stopped exactly patience epochs after the best
    expect(net.evaluate(val).accuracy).toBe(h.bestAccuracy);
    e.release(m);
  });

  it("the plateau schedule halves η after each no-improvement-in-N and stops at the given fraction", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 16, 3], { engine: e, seed: 2 });
    const h = sgd(net, noise(300, 3), { epochs: 500, batchSize: 10, eta: 0.5, evaluationData: noise(200, 4), schedule: { type: "plateau", patience: 2, minFraction: 1 / 8 } });
    expect(h.stopReason).toBe("schedule");
    const etas = [...new Set(h.epochs.map((r) => r.eta))];
    expect(etas).toEqual([0.5, 0.25, 0.125]);
    e.release(m);
  });

  it("step and exponential schedules change η on time", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 4, 3], { engine: e });
    const step = sgd(net, blobs(50, 1), { epochs: 5, batchSize: 10, eta: 1, schedule: { type: "step", every: 2, factor: 0.1 } });
    expect(step.epochs.map((r) => r.eta)).toEqual([1, 1, 0.1, 0.1, 0.1 * 0.1]);
    const exp = sgd(net, blobs(50, 1), { epochs: 3, batchSize: 10, eta: 1, schedule: { type: "exponential", gamma: 0.5 } });
    expect(exp.epochs.map((r) => r.eta)).toEqual([1, 0.5, 0.25]);
    e.release(m);
  });

  it("stops with a clear message when training diverges, keeping the last good weights", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 16, 3], { engine: e, output: "identity", cost: "quadratic", init: "large" });
    const h = sgd(net, blobs(100, 1), { epochs: 50, batchSize: 10, eta: 1e6 });
    expect(h.stopReason).toBe("diverged");
    expect(h.message).toMatch(/diverged in epoch \d+.*η = 1000000 is probably too large/);
    expect(e.k.count_nonfinite(net.paramPtr, net.numParams)).toBe(0);
    e.release(m);
  });

  it("resuming from a between-epoch state gives the same weights as an uninterrupted run", async () => {
    const e = await engine();
    const m = e.mark();
    const data = blobs(200, 5);
    const opts = { epochs: 4, batchSize: 10, eta: 0.5, momentum: 0.9, nesterov: true, lambda: 0.1 };
    const a = new Network([8, 16, 3], { engine: e, seed: 4, dropout: 0.3 });
    sgd(a, data, opts);
    const b = new Network([8, 16, 3], { engine: e, seed: 4, dropout: 0.3 });
    let saved: TrainState | undefined;
    const t = new Trainer(b, data, { ...opts, onEpoch: (rec, tr) => { if (rec.epoch === 1) saved = tr.state(); } });
    t.runEpoch();
    t.runEpoch();
    const c = new Network([8, 16, 3], { engine: e, seed: 99, dropout: 0.3 }); // different init: resume overwrites it
    const h = sgd(c, data, { ...opts, resume: saved });
    expect(h.epochs).toHaveLength(4);
    expect(c.getParams()).toEqual(a.getParams());
    e.release(m);
  });

  it("rejects bad hyper-parameters and data before training", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([8, 4, 3], { engine: e });
    const d = blobs(20, 1);
    const base = { epochs: 1, batchSize: 10, eta: 0.1 };
    expect(() => sgd(net, d, { ...base, eta: 0 })).toThrow(/eta \(η\) must be a finite number > 0, got 0/);
    expect(() => sgd(net, d, { ...base, eta: -1 })).toThrow(/got -1/);
    expect(() => sgd(net, d, { ...base, lambda: -1 })).toThrow(/lambda \(λ\) must be a finite number ≥ 0, got -1/);
    expect(() => sgd(net, d, { ...base, batchSize: 30 })).toThrow(/batchSize \(m = 30\) is larger than the training set \(n = 20\)/);
    expect(() => sgd(net, d, { ...base, epochs: 0 })).toThrow(/epochs must be a positive integer, got 0/);
    expect(() => sgd(net, d, { ...base, momentum: 1 })).toThrow(/momentum/);
    expect(() => sgd(net, d, { ...base, earlyStopping: { patience: 3 } })).toThrow(/needs evaluationData/);
    expect(() => sgd(net, { ...d, n: 0, inputs: new Float32Array(0), labels: new Int32Array(0) }, base)).toThrow(/empty \(n = 0\)/);
    const badLabel = { ...d, labels: Int32Array.from(d.labels!, (l, i) => (i === 5 ? 3 : l)) };
    expect(() => sgd(net, badLabel, base)).toThrow(/labels\[5\] is 3; expected an integer class in \[0, 3\)/);
    const nan = { ...d, inputs: Float32Array.from(d.inputs, (v, i) => (i === 17 ? NaN : v)) };
    expect(() => sgd(net, nan, base)).toThrow(/inputs\[17\] is NaN \(example 2\)/);
    expect(() => sgd(net, { ...d, inputShape: [7], inputs: d.inputs.subarray(0, 140) }, base)).toThrow(/7 inputs per example .* expects 8/);
    e.release(m);
  });
});
