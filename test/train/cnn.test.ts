// Convolutional networks end to end: a conv-pool + softmax stack learning the embedded digits in a
// short seeded run, and save/load of conv nets (binary format) preserving every layer option.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { buildLayers } from "../../src/layers/registry.js";
import { parseArch } from "../../src/layers/arch.js";
import { deserializeModel, serializeModel } from "../../src/io/model.js";
import { engine, RefRng } from "../helpers.js";

describe("convolutional networks", () => {
  it("conv5x5x8-pool2-fc30-softmax10 (ReLU) reaches ≥ 95% test accuracy on the embedded digits in 4 epochs", async () => {
    const e = await engine("relaxed");
    const m = e.mark();
    const { training, validation, test } = await loadEmbeddedMnist();
    const net = new Network(buildLayers(parseArch("conv5x5x8:relu-pool2-fc30:relu-softmax10"), [784]), { engine: e, seed: 1 });
    expect(net.cost.name).toBe("log-likelihood");
    const h = sgd(net, training, { epochs: 4, batchSize: 10, eta: 0.05, evaluationData: validation });
    expect(h.epochs).toHaveLength(4);
    const r = net.evaluate(test);
    expect(r.n).toBe(1000);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    e.release(m);
  });

  it("save/load round-trips a conv net with padding, stride, L2 pooling and both kernel algorithms", async () => {
    const e = await engine("plain");
    const m = e.mark();
    const specs = buildLayers(parseArch("conv3x3x4s2same:tanh-l2pool2s1-conv3x3x5p1:relu-pool2-fc7:sigmoid-softmax3"), [2, 9, 9]);
    const net = new Network(specs, { engine: e, seed: 5 });
    const bytes = serializeModel(net);
    const { net: back, header } = deserializeModel(bytes, { engine: e });
    expect(back.layers.map((l) => l.spec())).toEqual(net.layers.map((l) => l.spec()));
    expect(header.inputShape).toEqual([2, 9, 9]);
    expect(back.getParams()).toEqual(net.getParams());
    const x = new RefRng(6).array(3 * 2 * 81, 0, 1);
    expect(back.feedforward(x)).toEqual(net.feedforward(x));
    // the direct kernels compute the same function (to rounding)
    const direct = new Network(
      buildLayers(
        net.layers.map((l) => l.spec()).map((s) => (s.type === "conv2d" ? { ...s, algorithm: "direct" } : s)),
        [2, 9, 9],
      ),
      { engine: e, seed: 5 },
    );
    direct.setParams(net.getParams());
    const a = net.feedforward(x), b = direct.feedforward(x);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    e.release(m);
  });
});
