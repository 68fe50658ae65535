import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { engine } from "../helpers.js";

describe("training on the embedded digits", () => {
  it("a [784, 30, 10] sigmoid network reaches ≥ 90% test accuracy in a short seeded run", async () => {
    const e = await engine("relaxed");
    const m = e.mark();
    const { training, validation, test } = await loadEmbeddedMnist();
    const net = new Network([784, 30, 10], { engine: e, seed: 1, cost: "cross-entropy" });
    const h = sgd(net, training, { epochs: 5, batchSize: 10, eta: 0.5, evaluationData: validation });
    const r = net.evaluate(test);
    expect(h.epochs).toHaveLength(5);
    expect(r.n).toBe(1000);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    e.release(m);
  });
});
