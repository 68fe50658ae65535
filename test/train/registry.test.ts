// The optimizer registry: unknown names are refused (never plain SGD), every registered optimizer trains
// through the one Trainer, and an optimizer registered here is usable by the trainer, the options check
// and checkpoints without touching any of them. The CLI's flags and the checkpoints written before the
// registry existed: test/node/optimizer-registry.test.ts.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd, Trainer, type SgdOptions, type TrainState } from "../../src/train/trainer.js";
import { OPTIMIZERS, optimizerConfig, optimizerNames, registerOptimizer, unregisterOptimizer } from "../../src/train/registry.js";
import type { OptimizerParamSpec } from "../../src/train/optimizer.js";
import { pack, unpack } from "../../src/io/pack.js";
import { engine, scoped } from "../helpers.js";
import { blobs } from "./blobs.js";
import { signum, withSignum } from "./signum.js";

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
        signum.steps = 0;
        const straight = new Network([8, 6, 3], { engine: e, seed: 9 });
        const plain = new Network([8, 6, 3], { engine: e, seed: 9 });
        const f0 = straight.evaluate(data).cost;
        const h = sgd(straight, data, o);
        expect(signum.steps).toBe(4 * 12); // its step ran for every mini-batch: not plain SGD
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
      }),
    );
  });
});
