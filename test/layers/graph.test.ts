// The graph of layers (src/graph.ts) with residual Add and Concat: values against plain TS, gradients
// against central differences, a list written as a graph runs bit-identically to the list, save/load,
// and clear errors for malformed graphs.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { Softmax } from "../../src/layers/softmax.js";
import { Add } from "../../src/layers/add.js";
import { Concat } from "../../src/layers/concat.js";
import { Rng } from "../../src/rng.js";
import { chainNodes, type GraphSpec } from "../../src/graph.js";
import { deserializeModel, serializeModel } from "../../src/io/model.js";
import { Trainer } from "../../src/train/trainer.js";
import { HessianVector, exactHvpUnsupported } from "../../src/train/hessian.js";
import { HessianFree } from "../../src/train/hf.js";
import { Objective } from "../../src/train/fullbatch.js";
import { optimizerConfig } from "../../src/train/registry.js";
import { engine, RefRng, VARIANTS } from "../helpers.js";
import { gradErr, modelGradients } from "../gradcheck.js";

/** input [6] → dense 5 → tanh (read twice) → dense 5 → add(tanh, ·) → concat(·, input) [11] → dense 3 → softmax. */
function residual(): GraphSpec {
  return {
    nodes: [
      { layer: new Dense(6, 5), inputs: ["input"], output: "z1" },
      { layer: new Activation("tanh", [5]), inputs: ["z1"], output: "h1" },
      { layer: new Dense(5, 5), inputs: ["h1"], output: "z2" },
      { layer: new Add([5]), inputs: ["h1", "z2"], output: "r" },
      { layer: new Concat([[5], [6]]), inputs: ["r", "input"], output: "c" },
      { layer: new Dense(11, 3), inputs: ["c"], output: "z3" },
      { layer: new Softmax(3), inputs: ["z3"], output: "p" },
    ],
  };
}

describe.each(VARIANTS)("graph of layers (%s build)", (variant) => {
  it("Add sums and Concat joins per example, forward and backward, over odd sizes", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const r = new RefRng(5);
    const rng = new Rng(e, 1);
    for (const [B, C1, C2, HW] of [[1, 1, 2, 1], [3, 2, 3, 5], [5, 3, 1, 7]]) {
      const n1 = C1 * HW, n2 = C2 * HW;
      const a = r.array(B * n1), b = r.array(B * n1), c = r.array(B * n2);
      const add = new Add([C1, HW]);
      add.allocate(e, B);
      const sum = e.read(add.forwardMany([e.allocFrom(a), e.allocFrom(b)], B, { training: false, rng }), B * n1);
      expect(Array.from(sum)).toEqual(Array.from(a, (v, i) => Math.fround(Math.fround(v) + Math.fround(b[i]))));
      const cat = new Concat([[C1, HW], [C2, HW]]);
      expect(cat.outShape).toEqual([C1 + C2, HW]);
      cat.allocate(e, B);
      const out = e.read(cat.forwardMany([e.allocFrom(a), e.allocFrom(c)], B, { training: false, rng }), B * (n1 + n2));
      const want = Array.from({ length: B }, (_, i) => [...Array.from(a).slice(i * n1, (i + 1) * n1), ...Array.from(c).slice(i * n2, (i + 1) * n2)]).flat();
      expect(Array.from(out)).toEqual(Array.from(Float32Array.from(want)));
      const g = r.array(B * (n1 + n2));
      const [da, dc] = cat.backwardMany(e.allocFrom(g), B, [true, true]);
      const ga = Array.from({ length: B }, (_, i) => Array.from(g).slice(i * (n1 + n2), i * (n1 + n2) + n1)).flat();
      const gc = Array.from({ length: B }, (_, i) => Array.from(g).slice(i * (n1 + n2) + n1, (i + 1) * (n1 + n2))).flat();
      expect(Array.from(e.read(da, B * n1))).toEqual(Array.from(Float32Array.from(ga)));
      expect(Array.from(e.read(dc, B * n2))).toEqual(Array.from(Float32Array.from(gc)));
    }
    e.release(m);
  });

  it("a residual graph's gradients (fan-out, Add, Concat) match central differences", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const net = new Network(residual(), { engine: e, seed: 2 });
    expect(net.graph.chain).toBe(false);
    expect(net.cost.name).toBe("log-likelihood");
    const r = new RefRng(3);
    const B = 4;
    const x = r.array(B * 6);
    const y = Array.from({ length: B * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
    const { analytic, numeric } = modelGradients(net, x, y);
    expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    e.release(m);
  });

  it("a list written as a graph runs bit-identically to the list, training included", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const layers = () => [new Dense(4, 7), new Activation("relu", [7]), new Dense(7, 3), new Activation("sigmoid", [3])];
    const list = new Network(layers(), { engine: e, seed: 4 });
    const shuffledNodes = chainNodes(layers()).reverse();
    const graph = new Network({ nodes: shuffledNodes, output: "3" }, { engine: e, seed: 4 });
    expect(graph.graph.chain).toBe(true);
    const data = { n: 12, inputShape: [4], inputs: Float32Array.from(new RefRng(6).array(48)), labels: Uint8Array.from({ length: 12 }, (_, i) => i % 3) };
    for (const net of [list, graph]) new Trainer(net, data, { epochs: 1, batchSize: 5, eta: 0.5 }).runEpoch();
    expect(graph.getParams()).toEqual(list.getParams());
    expect(graph.feedforward(data.inputs)).toEqual(list.feedforward(data.inputs));
    e.release(m);
  });

  it("a graph network trains, saves its wiring and loads to the same outputs", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const net = new Network(residual(), { engine: e, seed: 7 });
    const data = { n: 30, inputShape: [6], inputs: Float32Array.from(new RefRng(8).array(180)), labels: Uint8Array.from({ length: 30 }, (_, i) => (i * 5) % 3) };
    const before = net.evaluate(data).cost;
    new Trainer(net, data, { epochs: 5, batchSize: 6, eta: 0.3 }).runEpoch();
    for (let i = 0; i < 4; i++) new Trainer(net, data, { epochs: 1, batchSize: 6, eta: 0.3 }).runEpoch();
    expect(net.evaluate(data).cost).toBeLessThan(before);
    const bytes = serializeModel(net);
    const { net: back, header } = deserializeModel(bytes, { engine: e });
    expect(header.graph?.nodes.map((n) => n.inputs)).toEqual([["input"], ["z1"], ["h1"], ["h1", "z2"], ["r", "input"], ["c"], ["z3"]]);
    expect(back.feedforward(data.inputs)).toEqual(net.feedforward(data.inputs));
    e.release(m);
  });
});

describe("graph errors", () => {
  it("names the node and what is wrong", async () => {
    const e = await engine();
    const d = (i: number, o: number) => new Dense(i, o);
    const net = (nodes: GraphSpec["nodes"], output?: string) => new Network({ nodes, output }, { engine: e });
    expect(() => net([{ layer: d(2, 2), inputs: ["input"], output: "a" }, { layer: d(2, 2), inputs: ["b"], output: "a" }])).toThrow(/writes tensor "a", which node 0 writes too/);
    expect(() => net([{ layer: d(2, 2), inputs: ["nowhere"], output: "a" }])).toThrow(/reads tensor "nowhere", which no node writes/);
    expect(() => net([{ layer: new Add([2]), inputs: ["input", "b"], output: "a" }, { layer: d(2, 2), inputs: ["a"], output: "b" }])).toThrow(/cycle through node 0 \(add\)/);
    expect(() => net([{ layer: d(2, 3), inputs: ["input"], output: "a" }, { layer: new Add([2]), inputs: ["a", "input"], output: "b" }])).toThrow(/reads "a" of 3 values per example as its input 0, which takes 2/);
    expect(() => net([{ layer: d(2, 3), inputs: ["input"], output: "a" }, { layer: d(2, 2), inputs: ["input"], output: "b" }])).toThrow(/node "a" \(dense\) does not lead to the output "b"/);
    expect(() => net([{ layer: new Add([2]), inputs: ["input"], output: "a" }])).toThrow(/reads 1 tensors; the layer takes 2/);
    const shared = d(2, 2);
    expect(() => net([{ layer: shared, inputs: ["input"], output: "a" }, { layer: shared, inputs: ["a"], output: "b" }])).toThrow(/uses a layer that another node uses too/);
    expect(() => new Concat([[2, 3], [2, 4]])).toThrow(/other axes must match: input 0 is \[2, 3\], input 1 is \[2, 4\]/);
    expect(() => new Add([3], 1)).toThrow(/at least 2 inputs, got 1/);
  });

  it("exact Hessian-vector products say why a graph or a layer without an R-operator needs finite differences", async () => {
    const e = await engine();
    const m = e.mark();
    const g = new Network(residual(), { engine: e });
    expect(exactHvpUnsupported(g)).toMatch(/this network is a graph; use hvp "fd"/);
    expect(() => new HessianVector(g, "exact", 2)).toThrow(/graph/);
    expect(exactHvpUnsupported(new Network([new Dense(2, 2), new Activation("step", [2])], { engine: e, cost: "quadratic" }))).toMatch(/layer 1 \(activation\) has no R-operator \(the step/);
    expect(exactHvpUnsupported(new Network([new Dense(2, 2), new Softmax(2)], { engine: e, cost: "quadratic" }))).toMatch(/layer 1 \(softmax\) has an R-operator only as the output layer under the log-likelihood cost/);
    // Hessian-free picks finite differences only where a layer declares no R-operator, and says so
    const data = { n: 4, inputShape: [6], inputs: Float32Array.from(new RefRng(1).array(24)), labels: Uint8Array.from([0, 1, 2, 0]) };
    const hf = (net: Network) => new HessianFree(new Objective(net, data, 0, 0), optimizerConfig("hf"), new Rng(e, 1));
    expect(hf(g).hvpFallback).toMatch(/graph/);
    expect(hf(new Network([new Dense(6, 3), new Softmax(3)], { engine: e })).hvpFallback).toBeNull();
    e.release(m);
  });
});
