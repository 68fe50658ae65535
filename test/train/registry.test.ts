// The optimizer registry: unknown names are refused (never plain SGD), every registered optimizer trains
// through the one Trainer, an optimizer registered here is usable by the trainer, the options check,
// checkpoints and the CLI's flags without touching any of them, and checkpoints written by the trainer
// before the registry existed (test/train/fixtures, taken by main 50ba63b) still resume bit for bit.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Network } from "../../src/network.js";
import { sgd, Trainer, type SgdOptions, type TrainState } from "../../src/train/trainer.js";
import { OPTIMIZERS, optimizerConfig, optimizerNames, registerOptimizer, unregisterOptimizer } from "../../src/train/registry.js";
import { checkState, type MiniBatchOptimizer, type OptimizerParamSpec, type OptimizerSnapshot } from "../../src/train/optimizer.js";
import { helpText, parseOptimizer } from "../../src/cli/config.js";
import type { DataSet } from "../../src/data/dataset.js";
import { pack, unpack } from "../../src/io/pack.js";
import { engine, RefRng, scoped } from "../helpers.js";

/** The class is the index of the largest of the first 3 of 8 inputs (as in optimizers.test.ts). */
function blobs(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  const inputs = r.array(n * 8, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const x = inputs.subarray(i * 8, i * 8 + 3);
    return x[0] > x[1] ? (x[0] > x[2] ? 0 : 2) : x[1] > x[2] ? 1 : 2;
  });
  return { n, inputShape: [8], inputs, labels };
}

/** Signum (sign of momentum): m ← βm + (1 − β)g, w ← w − lr·sign(m), in plain TS over the flat buffers. */
const BETA: OptimizerParamSpec = { type: "number", label: "signumBeta", check: (v) => v >= 0 && v < 1, expected: "in [0, 1)" };
let signumSteps = 0;
function withSignum<T>(fn: () => T): T {
  registerOptimizer("signum", {
    kind: "mini-batch",
    params: { signumBeta: BETA },
    create: ({ net, config }) => {
      const e = net.engine, N = net.numParams, m = e.alloc(N);
      const beta = (config as unknown as { signumBeta?: number }).signumBeta ?? 0.9;
      let t = 0;
      const opt: MiniBatchOptimizer = {
        kind: "mini-batch",
        name: "signum",
        step(lr) {
          const w = e.f32(net.paramPtr, N), g = e.f32(net.gradPtr, N), mv = e.f32(m, N);
          for (let i = 0; i < N; i++) {
            mv[i] = beta * mv[i] + (1 - beta) * g[i];
            w[i] -= lr * Math.sign(mv[i]);
          }
          t++;
          signumSteps++;
        },
        save: (): OptimizerSnapshot => ({ velocity: null, optimizer: { name: "signum", numParams: N, step: t, scalars: [], buffers: [e.read(m, N)] } }),
        load(s) {
          const st = checkState(s.optimizer, "signum", N, 1);
          e.write(m, st.buffers[0]);
          t = st.step;
        },
      };
      return opt;
    },
  });
  try {
    return fn();
  } finally {
    unregisterOptimizer("signum");
  }
}

describe("optimizer registry", () => {
  it("refuses an unknown name everywhere, naming the registered ones, and never trains with plain SGD", async () => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([8, 4, 3], { engine: e });
      const before = net.getParams();
      const expected = /unknown optimizer "sgdx"; expected one of sgd, momentum, nesterov, adam, rmsprop, adagrad, cg, lbfgs, hf$/;
      expect(() => optimizerConfig("sgdx")).toThrow(expected);
      expect(() => optimizerConfig({ name: "sgdx" })).toThrow(expected);
      expect(() => sgd(net, blobs(20, 1), { epochs: 1, batchSize: 10, eta: 0.1, optimizer: "sgdx" })).toThrow(expected);
      expect(() => parseOptimizer("sgdx")).toThrow(expected);
      expect(Array.from(net.getParams())).toEqual(Array.from(before));
      // once unregistered, a name is unknown again
      withSignum(() => expect(optimizerConfig("signum").name).toBe("signum"));
      expect(() => optimizerConfig("signum")).toThrow(/unknown optimizer "signum"/);
    });
  });

  it("refuses malformed registrations and taken names", () => {
    expect(() => registerOptimizer("adam", { kind: "mini-batch", create: () => { throw new Error("unused"); } })).toThrow(/"adam" is already registered/);
    expect(() => registerOptimizer("Bad Name", { kind: "mini-batch", create: () => { throw new Error("unused"); } })).toThrow(/optimizer name must be/);
    expect(() => registerOptimizer("x", { kind: "sideways" as never, create: () => { throw new Error("unused"); } })).toThrow(/kind "mini-batch" or "full-batch"/);
    const other: OptimizerParamSpec = { type: "number", check: () => true, expected: "anything" };
    expect(() => registerOptimizer("y", { kind: "mini-batch", params: { epsilon: other }, create: () => { throw new Error("unused"); } })).toThrow(/epsilon is already declared/);
    expect(() => unregisterOptimizer("sgd")).toThrow(/built-in optimizer sgd cannot be unregistered/);
    expect(optimizerNames()).toEqual([...OPTIMIZERS]);
  });

  it.each(OPTIMIZERS.map((n) => [n]))("%s trains through the one Trainer: the cost falls and the run is reproducible", async (name) => {
    const e = await engine();
    scoped(e, () => {
      const data = blobs(150, 6);
      const o: SgdOptions = { epochs: 4, batchSize: 10, eta: name === "adam" || name === "rmsprop" ? 0.01 : 0.3, lambda: 0.1, optimizer: name, monitorTrainingCost: true };
      const run = () => {
        const net = new Network([8, 8, 3], { engine: e, seed: 4 });
        const f0 = net.evaluate(data, { lambda: 0.1 }).cost;
        const h = sgd(net, data, o);
        return { f0, h, params: net.getParams() };
      };
      const a = run(), b = run();
      expect(["completed", "line-search"]).toContain(a.h.stopReason);
      expect(a.h.epochs.at(-1)!.trainingCost!).toBeLessThan(a.f0);
      expect(Array.from(b.params)).toEqual(Array.from(a.params));
    });
  });

  it("an optimizer registered here trains, checks its parameters, resumes bit for bit and shows in the CLI, with no trainer change", async () => {
    const e = await engine();
    scoped(e, () =>
      withSignum(() => {
        const data = blobs(120, 3);
        const o: SgdOptions = { epochs: 4, batchSize: 10, eta: 0.01, optimizer: { name: "signum", signumBeta: 0.8 } as never, monitorTrainingCost: true };
        signumSteps = 0;
        const straight = new Network([8, 6, 3], { engine: e, seed: 9 });
        const plain = new Network([8, 6, 3], { engine: e, seed: 9 });
        const f0 = straight.evaluate(data).cost;
        const h = sgd(straight, data, o);
        expect(signumSteps).toBe(4 * 12); // its step ran for every mini-batch: not plain SGD
        expect(h.epochs.at(-1)!.trainingCost!).toBeLessThan(f0);
        sgd(plain, data, { ...o, optimizer: "sgd" });
        expect(Array.from(straight.getParams())).not.toEqual(Array.from(plain.getParams()));
        // checkpoint after epoch 2, resume: the same weights as the straight run
        let saved: TrainState | null = null;
        sgd(new Network([8, 6, 3], { engine: e, seed: 9 }), data, { ...o, onEpoch: (rec, t) => { if (rec.epoch === 1) saved = unpack<TrainState>(pack(t.state())); } });
        const resumed = new Network([8, 6, 3], { engine: e, seed: 9 });
        sgd(resumed, data, { ...o, resume: saved! });
        expect(Array.from(resumed.getParams())).toEqual(Array.from(straight.getParams()));
        expect(() => new Trainer(new Network([8, 6, 3], { engine: e, seed: 9 }), data, { ...o, optimizer: "adam", resume: saved! })).toThrow(/saved by the signum optimizer, not adam/);
        // its schema checks its parameter; the trainer's rules (momentum is the SGD family's) apply to it
        expect(() => sgd(new Network([8, 6, 3], { engine: e }), data, { ...o, optimizer: { name: "signum", signumBeta: 2 } as never })).toThrow(/signumBeta must be in \[0, 1\), got 2/);
        expect(() => sgd(new Network([8, 6, 3], { engine: e }), data, { ...o, momentum: 0.9 })).toThrow(/momentum applies to sgd, momentum and nesterov only, not to signum/);
        // the CLI's flags know it
        expect(parseOptimizer("signum", "signumBeta=0.5")).toEqual({ name: "signum", signumBeta: 0.5 });
        expect(helpText()).toMatch(/--optimizer .*\| hf \| signum/);
        expect(helpText()).toMatch(/--optim .*hvp=exact\|fd signumBeta/);
      }),
    );
    expect(() => parseOptimizer("adam", "signumBeta=0.5")).toThrow(/--optim "signumBeta=0.5": expected k=v/);
  });
});

describe("checkpoints written before the registry", () => {
  const CASES = ["sgd", "sgd-momentum", "nesterov", "adam", "rmsprop", "adagrad", "cg", "lbfgs", "hf"];
  it.each(CASES)("%s: the epoch-1 checkpoint of main 50ba63b resumes to that run's final weights, bit for bit", async (name) => {
    const e = await engine("plain");
    scoped(e, () => {
      const file = new URL(`./fixtures/ckpt-${name}.bin`, import.meta.url);
      const { options, state, final } = unpack<{ options: SgdOptions; state: TrainState; final: Float32Array }>(new Uint8Array(readFileSync(file)));
      expect(state.epoch).toBe(2);
      const net = new Network([8, 6, 3], { engine: e, seed: 9 });
      const h = sgd(net, blobs(120, 3), { ...options, resume: state });
      expect(h.epochs.length).toBe(4);
      expect(Array.from(net.getParams())).toEqual(Array.from(final));
    });
  });
});
