// Node-only: the CLI's --optimizer / --optim flags with checkpoints and --resume, and `simdnet slowdown`.
import { describe, expect, it } from "vitest";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { parseFlags, parseOptimizer } from "../../src/cli/config.js";
import { train } from "../../src/cli/train.js";
import { slowdown } from "../../src/cli/slowdown.js";
import { loadNetwork } from "../../src/io/node.js";
import { createEngine } from "../../src/wasm/engine.js";

const quiet = () => {};

describe("simdnet train --optimizer", () => {
  it.each([["adam", "beta2=0.99"], ["lbfgs", "history=4"], ["hf", "curvatureBatch=100,cgIterations=10"]])("%s: --resume from the checkpoint gives the uninterrupted run's weights", async (name, optim) => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-"));
    const common = ["--arch", "784-10-10", "--train-size", "300", "--eta", "0.003", "--optimizer", name, "--optim", optim, "--seed", "2", "-q"];
    const straight = await train(parseFlags([...common, "--epochs", "3", "--save", join(dir, "a.snn")]).flags, quiet);
    expect(straight.epochs.length).toBe(3);
    expect(straight.epochs[2].trainingCost!).toBeLessThan(straight.epochs[0].trainingCost!);
    await train(parseFlags([...common, "--epochs", "2", "--save", join(dir, "b.snn")]).flags, quiet);
    await train(parseFlags([...common, "--epochs", "3", "--save", join(dir, "b.snn"), "--resume"]).flags, quiet);
    const engine = await createEngine();
    const [a, b] = await Promise.all(["a.snn", "b.snn"].map((f) => loadNetwork(join(dir, f), { engine })));
    expect(b.net.getParams()).toEqual(a.net.getParams());
    // resuming with another optimizer is refused, naming both
    await expect(train(parseFlags([...common.map((s) => (s === name ? "rmsprop" : s === optim ? "" : s)), "--epochs", "4", "--save", join(dir, "b.snn"), "--resume"]).flags, quiet)).rejects.toThrow(new RegExp(`saved by the ${name} optimizer, not rmsprop`));
  });

  it("rejects bad optimizer flags with a message naming the value", async () => {
    expect(() => parseOptimizer("adam", "beta1=1")).toThrow(/beta1 \(β₁\) must be in \[0, 1\), got 1/);
    expect(() => parseOptimizer("lbfgs", "history=0")).toThrow(/history \(L-BFGS m\) must be an integer ≥ 1, got 0/);
    expect(() => parseOptimizer("adam", "gamma=2")).toThrow(/--optim "gamma=2": expected k=v/);
    await expect(train(parseFlags(["--optimizer", "sgdx"]).flags, quiet)).rejects.toThrow(/unknown optimizer "sgdx"/);
    expect(parseOptimizer("hf", "hvp=fd, damping=0.5")).toEqual({ name: "hf", hvp: "fd", damping: 0.5 });
  });
});

describe("simdnet slowdown", () => {
  it("writes the cost curves as a PNG and prints the table", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-"));
    const logs: string[] = [];
    const argv = ["--out", join(dir, "s.png")];
    await slowdown(parseFlags(argv).flags, argv, (s) => logs.push(s));
    const png = PNG.sync.read(await readFile(join(dir, "s.png")));
    expect([png.width, png.height]).toEqual([640, 220]);
    expect(logs.join("\n")).toMatch(/\(2, 2\)\s+quadratic\s+0\.982\s+0\.203/);
  });
});
