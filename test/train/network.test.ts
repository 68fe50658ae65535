import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Perceptron } from "../../src/perceptron.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { Softmax } from "../../src/layers/softmax.js";
import { Dropout } from "../../src/layers/dropout.js";
import { sgd } from "../../src/train/trainer.js";
import type { DataSet } from "../../src/data/dataset.js";
import { engine, expectClose, RefRng, VARIANTS } from "../helpers.js";
import { gradErr } from "../gradcheck.js";
import { backprop, updateMiniBatch, type RefNet } from "../reference/network_py.js";

/** The network's weights and biases as network.py's nested lists. */
function toRef(net: Network): RefNet {
  const p = net.getParams();
  const slice = (ptr: number, n: number) => Array.from(p.subarray((ptr - net.paramPtr) / 4, (ptr - net.paramPtr) / 4 + n));
  const weights = net.params.filter((q) => q.decay).map((q) => {
    const v = slice(q.value, q.size);
    return Array.from({ length: q.shape[0] }, (_, j) => v.slice(j * q.shape[1], (j + 1) * q.shape[1]));
  });
  const biases = net.params.filter((q) => !q.decay).map((q) => slice(q.value, q.size));
  const sizes = [weights[0][0].length, ...weights.map((w) => w.length)];
  return { sizes, weights, biases };
}

function flatRef(nw: number[][][], nb: number[][], scale: number): number[] {
  return [...nw.flat(2), ...nb.flat()].map((v) => v * scale);
}

describe.each(VARIANTS)("Network (%s build)", (variant) => {
  it.each(["quadratic", "cross-entropy"] as const)("matches network.py's backprop and update_mini_batch (%s cost)", async (cost) => {
    const e = await engine(variant);
    const m = e.mark();
    const net = new Network([4, 3, 2], { engine: e, cost, seed: 11 });
    const r = new RefRng(5);
    const B = 5;
    const xs = Array.from({ length: B }, () => Array.from(r.array(4, 0, 1)));
    const ys = Array.from({ length: B }, () => Array.from(r.array(2, 0, 1)));
    const ref = toRef(net);
    // gradients of the mean cost: (1/m) Σ_x backprop(x, y)
    net.lossAndGradient(xs.flat(), ys.flat());
    const sum = xs.map((x, i) => backprop(ref, x, ys[i], cost)).reduce((acc, d) => ({
      nb: acc.nb.map((b, l) => b.map((v, j) => v + d.nb[l][j])),
      nw: acc.nw.map((w, l) => w.map((row, j) => row.map((v, k) => v + d.nw[l][j][k]))),
    }));
    expectClose(net.getGrads(), flatRef(sum.nw, sum.nb, 1 / B), 1e-6, 1e-4);
    // one SGD step on exactly that mini-batch with L2: the same weights as network2's update
    const data: DataSet = { n: B, inputShape: [4], inputs: Float32Array.from(xs.flat()), targets: Float32Array.from(ys.flat()) };
    sgd(net, data, { epochs: 1, batchSize: B, eta: 0.5, lambda: 0.3 });
    updateMiniBatch(ref, xs.map((x, i) => ({ x, y: ys[i] })), 0.5, 0.3, B, cost);
    expectClose(net.getParams(), [...ref.weights.flat(2), ...ref.biases.flat()], 1e-6, 1e-4);
    e.release(m);
  });

  it("stack gradients (dense/tanh/relu/dropout-off/softmax, with L2 and L1 terms) match central differences of the total cost", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const net = new Network([new Dense(6, 5), new Activation("tanh", [5]), new Dense(5, 7), new Activation("sigmoid", [7]), new Dropout(0.3, [7]), new Dense(7, 4), new Softmax(4)], { engine: e, seed: 2 });
    const r = new RefRng(9);
    const B = 3;
    const x = r.array(B * 6);
    const y = new Float32Array(B * 4);
    for (let b = 0; b < B; b++) y[b * 4 + ((b * 7) % 4)] = 1;
    const n = 10;
    const [l2, l1] = [0.7, 0.4];
    const total = (): number => net.lossAndGradient(x, y) + net.regularization(n, l2, l1);
    total();
    // analytic total gradient, through the real update kernel: w − w' with η = 1 is ∇C + (λ/n)w + (λ₁/n)sgn w
    const before = net.getParams();
    e.k.sgd_update(net.paramPtr, net.gradPtr, 0, net.numWeights, 1, l2 / n, l1 / n, 0, 0);
    const off = 4 * net.numWeights;
    e.k.sgd_update(net.paramPtr + off, net.gradPtr + off, 0, net.numParams - net.numWeights, 1, 0, 0, 0, 0);
    const analytic = net.getParams().map((v, i) => before[i] - v);
    net.setParams(before);
    const h = 1e-2;
    const numeric = before.map((_, i) => {
      const p = Float32Array.from(before);
      p[i] = before[i] + h;
      net.setParams(p);
      const up = total();
      p[i] = before[i] - h;
      net.setParams(p);
      const down = total();
      return (up - down) / (2 * h);
    });
    net.setParams(before);
    expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    e.release(m);
  });

  it("learns XOR with a hidden layer", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const data: DataSet = { n: 4, inputShape: [2], inputs: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), targets: Float32Array.of(0, 1, 1, 0) };
    const net = new Network([2, 4, 1], { engine: e, seed: 3, cost: "cross-entropy" });
    sgd(net, data, { epochs: 2000, batchSize: 4, eta: 2 });
    const out = net.feedforward(data.inputs);
    expect(Array.from(out, (v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    e.release(m);
  });

  it("same seed gives bit-identical weights; a different seed differs", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const r = new RefRng(1);
    const n = 64;
    const data: DataSet = { n, inputShape: [12], inputs: r.array(n * 12, 0, 1), labels: Int32Array.from({ length: n }, (_, i) => i % 3) };
    const train = (seed: number) => {
      const net = new Network([12, 8, 3], { engine: e, seed, dropout: 0.2, output: "softmax", cost: "log-likelihood" });
      sgd(net, data, { epochs: 3, batchSize: 10, eta: 0.3, momentum: 0.5, lambda: 0.1 });
      return net.getParams();
    };
    const a = train(7);
    expect(train(7)).toEqual(a);
    expect(train(8)).not.toEqual(a);
    e.release(m);
  });
});

describe("Network.predict", () => {
  it("is the argmax of feedforward, across more examples than one batch holds", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([5, 4, 3], { engine: e, seed: 2 });
    const x = new RefRng(3).array(5 * 300);
    const out = net.feedforward(x);
    const expected = Array.from({ length: 300 }, (_, b) => {
      const row = Array.from(out.subarray(b * 3, b * 3 + 3));
      return row.indexOf(Math.max(...row));
    });
    expect(Array.from(net.predict(x))).toEqual(expected);
    e.release(m);
  });
});

describe("perceptrons (chapter 1)", () => {
  it("the NAND perceptron: w = (−2, −2), b = 3", async () => {
    const e = await engine();
    const m = e.mark();
    const nand = new Perceptron([-2, -2], 3, { engine: e });
    expect([[0, 0], [0, 1], [1, 0], [1, 1]].map((x) => nand.fire(x)[0])).toEqual([1, 1, 1, 0]);
    e.release(m);
  });

  it("a layer of perceptrons from given weights, and no gradient through a step", async () => {
    const e = await engine();
    const m = e.mark();
    const p = new Perceptron([[1, 1], [1, 1]], [-0.5, -1.5], { engine: e }); // OR and AND
    expect(p.fire([1, 0])).toEqual([1, 0]);
    expect(p.fire([1, 1])).toEqual([1, 1]);
    expect(() => p.net.lossAndGradient([1, 0], [1, 0])).toThrow(/no useful gradient/);
    e.release(m);
  });
});

describe("Network bad input", () => {
  it("rejects architectures whose sizes don't chain and unknown names", async () => {
    const e = await engine();
    const m = e.mark();
    expect(() => new Network([new Dense(4, 3), new Dense(5, 2)], { engine: e })).toThrow(/outputs 3 values per example but layer 1 \(dense\) expects 5/);
    expect(() => new Network([784], { engine: e })).toThrow(/at least 2 layer sizes/);
    expect(() => new Network([2, 0, 1], { engine: e })).toThrow(/positive integer, got 0/);
    expect(() => new Network([2, 2], { engine: e, cost: "hinge" as never })).toThrow(/unknown cost "hinge"/);
    expect(() => new Network([2, 2], { engine: e, activation: "swish" as never })).toThrow(/unknown activation "swish"/);
    expect(() => new Network([2, 2], { engine: e, cost: "log-likelihood" })).toThrow(/needs a softmax output layer/);
    const net = new Network([2, 2], { engine: e });
    expect(() => net.feedforward([1, 2, 3])).toThrow(/expected a non-empty multiple of the network's 2 inputs/);
    expect(() => net.feedforward([1, NaN])).toThrow(/input 1 is NaN/);
    e.release(m);
  });
});
