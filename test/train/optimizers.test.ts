// The optimizers through the trainer: Adam / RMSProp / AdaGrad's first steps against a float64 reference
// of their update rules; CG and L-BFGS reach the optimum of a convex problem that a long SGD run reaches;
// Hessian-free training; bit-exact resume with the optimizer state in the checkpoint; bad input.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Softmax } from "../../src/layers/softmax.js";
import { sgd, Trainer, type SgdOptions, type TrainState } from "../../src/train/trainer.js";
import { Objective } from "../../src/train/fullbatch.js";
import type { DataSet } from "../../src/data/dataset.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { head } from "../../src/data/dataset.js";
import { pack, unpack } from "../../src/io/pack.js";
import { engine, expectClose, scoped } from "../helpers.js";
import { blobs } from "./blobs.js";
import { adaptiveStepRef } from "../reference/optim.js";

describe("adaptive optimizers in the trainer", () => {
  it.each(["adam", "rmsprop", "adagrad"] as const)("%s: the first 3 full-batch steps follow the float64 update rule, biases undecayed", async (name) => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(40, 7);
      const lambda = 2, l1 = 0.5, eta = 0.01, n = data.n;
      const net = new Network([8, 5, 3], { engine: e, seed: 3 });
      const twin = new Network([8, 5, 3], { engine: e, seed: 3 });
      const w = Float64Array.from(net.getParams()), m = new Float64Array(net.numParams), v = new Float64Array(net.numParams);
      const cfg = { name, beta1: 0.8, beta2: 0.95, rho: 0.95, epsilon: 1e-7 };
      const trainer = new Trainer(net, data, { epochs: 3, batchSize: n, eta, lambda, l1, optimizer: cfg });
      const y = new Float32Array(n * 3);
      data.labels!.forEach((c, i) => (y[i * 3 + c] = 1));
      for (let t = 1; t <= 3; t++) {
        twin.setParams(w);
        twin.lossAndGradient(data.inputs as Float32Array, y);
        const g = twin.getGrads();
        const ref = { kind: name, lr: eta, beta1: 0.8, beta2: 0.95, eps: 1e-7 } as const;
        const W = net.numWeights;
        const [ww, mw, vw] = [w, m, v].map((a) => a.subarray(0, W));
        const [wb, mb, vb] = [w, m, v].map((a) => a.subarray(W));
        adaptiveStepRef(ww, g.subarray(0, W), mw, vw, t, { ...ref, l2: lambda / n, l1: l1 / n });
        adaptiveStepRef(wb, g.subarray(W), mb, vb, t, { ...ref, l2: 0, l1: 0 });
        trainer.runEpoch();
        expectClose(net.getParams(), w, 1e-6, 1e-4);
      }
    });
  });

  it("Adam trains the blobs problem to high accuracy", async () => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([8, 16, 3], { engine: e, seed: 1 });
      const h = sgd(net, blobs(600, 1), { epochs: 15, batchSize: 10, eta: 0.01, optimizer: "adam", evaluationData: blobs(200, 2) });
      expect(h.epochs.at(-1)!.evaluationAccuracy).toBeGreaterThan(0.9);
    });
  });
});

describe("full-batch methods on logistic regression", () => {
  it("CG and L-BFGS reach the optimum that a long SGD run reaches (λ = 5, 200 digits)", async () => {
    const e = await engine();
    const { training } = await loadEmbeddedMnist();
    const data = head(training, 200);
    const lambda = 5;
    scoped(e, () => {
      const fit = (o: Partial<SgdOptions>) => {
        const net = new Network([new Dense(784, 10), new Softmax(10)], { engine: e, seed: 1 });
        const h = sgd(net, data, { epochs: 100, batchSize: 20, eta: 1, lambda, ...o });
        const obj = new Objective(net, data, lambda, 0);
        return { f: obj.evaluate(e.alloc(net.numParams)), theta: net.getParams(), h };
      };
      const ref = fit({ epochs: 600, schedule: { type: "exponential", gamma: 0.993 } });
      const relDist = (a: Float32Array, b: Float32Array): number => {
        let d = 0, s = 0;
        a.forEach((t, i) => ((d += (t - b[i]) ** 2), (s += b[i] * b[i])));
        return Math.sqrt(d / s);
      };
      const [cg, lbfgs] = (["cg", "lbfgs"] as const).map((optimizer) => fit({ optimizer }));
      for (const r of [cg, lbfgs]) {
        expect(["completed", "line-search"]).toContain(r.h.stopReason);
        expect(r.f).toBeLessThanOrEqual(ref.f + 1e-6);
        expect(Math.abs(r.f - ref.f) / ref.f).toBeLessThan(2e-3);
        expect(relDist(r.theta, ref.theta)).toBeLessThan(0.1); // SGD's last steps are still noisy
      }
      // the same minimiser (strictly convex with λ > 0): CG and L-BFGS agree much more closely
      expect(relDist(cg.theta, lbfgs.theta)).toBeLessThan(0.01);
    });
  });

  it("Hessian-free training lowers the cost of a small sigmoid net, with exact and finite-difference products", async () => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(300, 4);
      for (const hvp of ["exact", "fd"] as const) {
        const net = new Network([8, 10, 3], { engine: e, seed: 2 });
        const f0 = net.evaluate(data).cost;
        const h = sgd(net, data, { epochs: 15, batchSize: 10, eta: 1, optimizer: { name: "hf", hvp, curvatureBatch: 100 }, monitorTrainingCost: true, monitorTrainingAccuracy: true });
        expect(h.epochs.at(-1)!.trainingCost!).toBeLessThan(0.5 * f0);
        expect(h.epochs.at(-1)!.trainingAccuracy!).toBeGreaterThan(0.85);
      }
    });
  });

  it("a line search that cannot go on stops the run cleanly with the last good weights", async () => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(60, 5);
      const net = new Network([new Dense(8, 3), new Softmax(3)], { engine: e, seed: 1 });
      let last: Float32Array | null = null;
      const h = sgd(net, data, { epochs: 2000, batchSize: 10, eta: 1, lambda: 1, optimizer: "lbfgs", onEpoch: () => (last = net.getParams()) });
      expect(h.stopReason).toBe("line-search");
      expect(h.message).toMatch(/Wolfe|zero/);
      expect(h.epochs.length).toBeLessThan(2000);
      expect(Array.from(net.getParams())).toEqual(Array.from(last!));
    });
  });
});

describe("optimizer state in checkpoints", () => {
  const CASES: [string, SgdOptions["optimizer"]][] = [["adam", "adam"], ["rmsprop", "rmsprop"], ["adagrad", "adagrad"], ["nesterov", "nesterov"], ["cg", "cg"], ["lbfgs", { name: "lbfgs", history: 3 }], ["hf", { name: "hf", curvatureBatch: 50 }]];
  it.each(CASES)("%s: 2 epochs, checkpoint, resume 2 more = 4 epochs straight, bit for bit", async (_, optimizer) => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(120, 3);
      const o: SgdOptions = { epochs: 4, batchSize: 10, eta: 0.05, lambda: 0.5, optimizer };
      const straight = new Network([8, 6, 3], { engine: e, seed: 9 });
      sgd(straight, data, o);
      const first = new Network([8, 6, 3], { engine: e, seed: 9 });
      let saved: TrainState | null = null;
      sgd(first, data, { ...o, onEpoch: (rec, t) => { if (rec.epoch === 1) saved = unpack<TrainState>(pack(t.state())); } });
      const resumed = new Network([8, 6, 3], { engine: e, seed: 9 });
      sgd(resumed, data, { ...o, resume: saved! });
      expect(Array.from(resumed.getParams())).toEqual(Array.from(straight.getParams()));
    });
  });

  it("refuses optimizer state from another optimizer or another architecture", async () => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(50, 3);
      const o: SgdOptions = { epochs: 1, batchSize: 10, eta: 0.05, optimizer: "adam" };
      const t = new Trainer(new Network([8, 6, 3], { engine: e }), data, o);
      t.runEpoch();
      const s = t.state();
      expect(() => new Trainer(new Network([8, 6, 3], { engine: e }), data, { ...o, optimizer: "rmsprop", resume: s })).toThrow(/saved by the adam optimizer, not rmsprop/);
      const other = { ...s, params: new Float32Array(8 * 7 + 7 + 7 * 3 + 3) };
      expect(() => new Trainer(new Network([8, 7, 3], { engine: e }), data, { ...o, resume: other })).toThrow(/adam optimizer state is for a network with 75 parameters; this one has 87/);
    });
  });
});

describe("optimizer hyper-parameters", () => {
  it.each([
    [{ name: "adam", beta1: 1 }, /beta1 \(β₁\) must be in \[0, 1\), got 1/],
    [{ name: "adam", beta2: -0.1 }, /beta2 \(β₂\) must be in \[0, 1\), got -0.1/],
    [{ name: "rmsprop", rho: 1.5 }, /rho \(ρ\) must be in \[0, 1\), got 1.5/],
    [{ name: "adagrad", epsilon: 0 }, /epsilon \(ε\) must be a finite number > 0, got 0/],
    [{ name: "lbfgs", history: 0 }, /history \(L-BFGS m\) must be an integer ≥ 1, got 0/],
    [{ name: "hf", damping: -1 }, /damping \(λ\) must be a finite number > 0, got -1/],
    [{ name: "hf", cgIterations: 2.5 }, /cgIterations must be an integer ≥ 1, got 2.5/],
    [{ name: "hf", hvp: "magic" }, /hvp must be "exact" or "fd"/],
    [{ name: "bfgs" }, /unknown optimizer "bfgs"; expected one of sgd, momentum/],
  ] as const)("%o is refused before training", async (optimizer, msg) => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([8, 4, 3], { engine: e });
      const before = net.getParams();
      expect(() => sgd(net, blobs(20, 1), { epochs: 1, batchSize: 10, eta: 0.1, optimizer: optimizer as never })).toThrow(msg);
      expect(Array.from(net.getParams())).toEqual(Array.from(before));
    });
  });

  it("refuses momentum with adam, schedules with line-search methods, dropout with CG", async () => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(20, 1);
      const base = { epochs: 1, batchSize: 10, eta: 0.1 };
      expect(() => sgd(new Network([8, 4, 3], { engine: e }), data, { ...base, optimizer: "adam", momentum: 0.9 })).toThrow(/momentum applies to sgd.*β₁/);
      expect(() => sgd(new Network([8, 4, 3], { engine: e }), data, { ...base, optimizer: "lbfgs", schedule: { type: "step", every: 1, factor: 0.5 } })).toThrow(/schedules don't apply to lbfgs/);
      expect(() => sgd(new Network([8, 4, 3], { engine: e, dropout: 0.5 }), data, { ...base, optimizer: "cg" })).toThrow(/dropout/);
      // "momentum" and "nesterov" by name default to μ = 0.9
      const t = new Trainer(new Network([8, 4, 3], { engine: e }), data, { ...base, optimizer: "nesterov" });
      expect([t.opts.momentum, t.opts.nesterov]).toEqual([0.9, true]);
    });
  });
});
