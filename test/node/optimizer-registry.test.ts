// Node-only side of the optimizer registry: the CLI's --optimizer / --optim come from it (an optimizer
// registered by a test shows up in the help and parses), and checkpoints written by the trainer before
// the registry existed (test/node/fixtures, taken by main 50ba63b) still resume bit for bit.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Network } from "../../src/network.js";
import { sgd, type SgdOptions, type TrainState } from "../../src/train/trainer.js";
import { helpText, parseOptimizer } from "../../src/cli/config.js";
import { unpack } from "../../src/io/pack.js";
import { engine, scoped } from "../helpers.js";
import { blobs } from "../train/blobs.js";
import { withSignum } from "../train/signum.js";

describe("the CLI's optimizer flags", () => {
  it("list and parse what the registry holds, including an optimizer registered at run time", () => {
    expect(() => parseOptimizer("sgdx")).toThrow(/unknown optimizer "sgdx"; expected one of sgd, momentum, nesterov, adam, rmsprop, adagrad, cg, lbfgs, hf$/);
    expect(helpText()).toMatch(/--optimizer +sgd \| momentum \| nesterov \| adam \| rmsprop \| adagrad \| cg \| lbfgs \| hf \(cg, lbfgs, hf: one full-batch iteration per epoch\)/);
    expect(helpText()).toMatch(/--optim +optimizer parameters "k=v,…": beta1 beta2 rho epsilon history restart damping cgIterations curvatureBatch hvp=exact\|fd$/m);
    withSignum(() => {
      expect(parseOptimizer("signum", "signumBeta=0.5")).toEqual({ name: "signum", signumBeta: 0.5 });
      expect(() => parseOptimizer("signum", "signumBeta=1")).toThrow(/signumBeta must be in \[0, 1\), got 1/);
      expect(helpText()).toMatch(/--optimizer .*\| hf \| signum \(cg, lbfgs, hf:/);
      expect(helpText()).toMatch(/--optim .*hvp=exact\|fd signumBeta/);
    });
    expect(() => parseOptimizer("adam", "signumBeta=0.5")).toThrow(/--optim "signumBeta=0.5": expected k=v/);
    expect(() => parseOptimizer("signum")).toThrow(/unknown optimizer "signum"/);
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
