// Weight initialization schemes: the statistics each one draws for Dense and Conv2D, determinism per
// seed, and the reason "he" exists: a seeded chapter-6 ReLU net that the book's init kills at the start.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Conv2D } from "../../src/layers/conv2d.js";
import { buildLayers } from "../../src/layers/registry.js";
import { parseArch } from "../../src/layers/arch.js";
import { INIT_SCHEMES, type InitScheme } from "../../src/layers/layer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { head } from "../../src/data/dataset.js";
import { sgd } from "../../src/train/trainer.js";
import { engine } from "../helpers.js";

/** network3.py's chapter-6 net, with ReLUs and dropout (η = 0.03, m = 10 in the book). */
const CH6 = "conv5x5x20:relu-pool2-conv5x5x40:relu-pool2-dropout0.5-fc1000:relu-dropout0.5-fc1000:relu-dropout0.5-softmax10";

function meanStd(v: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

describe("weight initialization", () => {
  // fan-in per unit, written out: 1·5·5, 20·5·5, 40·4·4, 1000, 1000
  const FAN_IN = [25, 500, 640, 1000, 1000];

  it.each(["default", "he"] as const)("%s: W ~ N(0, s²/n_in) for Dense and Conv2D (n_in = inputs or C·k·k), biases as specified", async (init) => {
    const e = await engine();
    const m = e.mark();
    const net = new Network(buildLayers(parseArch(CH6), [784]), { engine: e, seed: 3, init });
    const weighted = net.layers.filter((l): l is Dense | Conv2D => l instanceof Dense || l instanceof Conv2D);
    expect(weighted.map((l) => (l instanceof Conv2D ? "conv" : "dense"))).toEqual(["conv", "conv", "dense", "dense", "dense"]);
    weighted.slice(0, 4).forEach((l, i) => {
      const w = e.read(l.weight.value, l.weight.size);
      const fanIn = l.weight.size / l.weight.shape[0];
      expect(fanIn).toBe(FAN_IN[i]);
      const want = init === "he" ? Math.sqrt(2 / fanIn) : 1 / Math.sqrt(fanIn);
      const { mean, std } = meanStd(w);
      // 5 standard errors: SE(mean) = σ/√n, SE(std) ≈ σ/√(2n) for a normal sample of n values
      expect(Math.abs(mean)).toBeLessThan((5 * want) / Math.sqrt(w.length));
      expect(Math.abs(std / want - 1)).toBeLessThan(5 / Math.sqrt(2 * w.length));
      const b = e.read(l.bias.value, l.bias.size);
      if (init === "he") expect(b.every((x) => Object.is(x, 0))).toBe(true);
      else expect(meanStd(b).std).toBeGreaterThan(0.5); // N(0, 1): 10 to 1000 values
    });
    e.release(m);
  });

  it("he: a big Dense layer has std √(2/n_in) to 1% and mean 0", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([300, 500, 10], { engine: e, seed: 11, init: "he", activation: "relu", output: "softmax" });
    const l = net.layers[0] as Dense;
    const { mean, std } = meanStd(e.read(l.weight.value, l.weight.size)); // 150,000 values: SE(std) ≈ 0.18%
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.abs(std / Math.sqrt(2 / 300) - 1)).toBeLessThan(0.01);
    e.release(m);
  });

  it.each(INIT_SCHEMES)("%s is deterministic per seed, and the seed matters", async (init) => {
    const e = await engine();
    const m = e.mark();
    const build = (seed: number) => new Network(buildLayers(parseArch("conv3x3x4:relu-pool2-fc9:relu-softmax3"), [1, 8, 8]), { engine: e, seed, init });
    const a = build(7).getParams();
    expect(build(7).getParams()).toEqual(a);
    expect(build(8).getParams()).not.toEqual(a);
    e.release(m);
  });

  it("rejects an unknown scheme, naming the accepted ones", async () => {
    const e = await engine();
    const m = e.mark();
    expect(() => new Network([4, 3, 2], { engine: e, init: "bogus" as InitScheme })).toThrow(/init must be one of "default", "large", "he"; got "bogus"/);
    e.release(m);
  });

  // Seed 1 kills the book's chapter-6 ReLU net at the start. Measured (plain build): the second conv layer's
  // ReLUs are 20% positive after 2 mini-batches, 3.6% after 3, 0.1% after 10, and none are for any of these
  // 300 digits after 100. Its biases barely move (mean 0.207 → 0.204); its weights do: their sum per filter
  // falls from +0.07 to −0.90 in 3 batches, and as its inputs (pooled ReLU outputs) are all ≥ 0 that shifts
  // every pre-activation down. Nothing below it gets a gradient any more, the output no longer depends on
  // the input, and accuracy stays at chance: 6.0% here, one class predicted (10.3% after 200 batches).
  // "he" trains the same net on the same batches to 61.0% (80.7% after 200). Full-size layers: ~1.5 s each.
  it("chapter 6 ReLU net, seed 1, 100 mini-batches of 10: \"default\" dies at the start, \"he\" learns", async () => {
    const e = await engine();
    const { training, validation } = await loadEmbeddedMnist();
    const held = head(validation, 300);
    const x = Float32Array.from(held.inputs, (v) => v * (held.scale ?? 1 / 255));
    const acc: Record<string, number> = {};
    for (const init of ["default", "he"] as const) {
      const m = e.mark();
      const net = new Network(buildLayers(parseArch(CH6), [784]), { engine: e, seed: 1, init });
      sgd(net, head(training, 1000), { epochs: 1, batchSize: 10, eta: 0.03 });
      acc[init] = net.evaluate(held).accuracy;
      if (init === "default") expect(new Set(net.predict(x)).size).toBe(1); // the output ignores the input
      e.release(m);
    }
    expect(acc.default).toBeLessThan(0.15);
    expect(acc.he).toBeGreaterThanOrEqual(0.5);
  });
});
