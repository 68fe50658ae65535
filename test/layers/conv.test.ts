// Conv2D and Pool2D layers: finite-difference gradient checks (stride 1 and 2, padding, several
// channels, k = 1, 3, 5, both kernel pairs; both poolings away from ties), shapes, specs, and the
// construction errors the issue names.
import { describe, expect, it } from "vitest";
import { Conv2D } from "../../src/layers/conv2d.js";
import { Pool2D } from "../../src/layers/pool2d.js";
import { Activation } from "../../src/layers/activation.js";
import { convPool } from "../../src/layers/convpool.js";
import { buildLayers } from "../../src/layers/registry.js";
import { parseArch } from "../../src/layers/arch.js";
import { Network } from "../../src/network.js";
import { engine, RefRng, VARIANTS } from "../helpers.js";
import { checkLayerGradients, gradErr } from "../gradcheck.js";

describe.each(VARIANTS)("conv and pool layer gradients (%s build)", (variant) => {
  const convCases: [string, number[], ConstructorParameters<typeof Conv2D>[1]][] = [
    ["5×5 valid, 1 channel", [1, 8, 8], { filters: 3, kernel: 5 }],
    ["3×3 same, 3 channels", [3, 6, 7], { filters: 4, kernel: 3, padding: "same" }],
    ["3×3 stride 2, padding 1", [2, 7, 7], { filters: 2, kernel: 3, stride: 2, padding: 1 }],
    ["5×5 stride 2 same (asymmetric)", [2, 8, 8], { filters: 2, kernel: 5, stride: 2, padding: "same" }],
    ["1×1, 4 channels", [4, 5, 5], { filters: 3, kernel: 1 }],
    ["1×1 stride 2", [2, 5, 5], { filters: 2, kernel: 1, stride: 2 }],
  ];
  for (const algorithm of ["im2col", "direct"] as const) {
    it.each(convCases)(`Conv2D (${algorithm}) %s: gradients match central differences`, async (_name, shape, opts) => {
      const e = await engine(variant);
      const m = e.mark();
      checkLayerGradients(e, new Conv2D(shape, { ...opts, algorithm }), 2, 11);
      e.release(m);
    });
  }

  it.each([
    ["max 2×2", { size: 2 }],
    ["max 3×3 stride 2 (overlapping)", { size: 3, stride: 2 }],
    ["L2 2×2", { size: 2, kind: "l2" as const }],
    ["L2 3×3 stride 1", { size: 3, stride: 1, kind: "l2" as const }],
  ])("Pool2D %s: gradients match central differences (inputs away from ties)", async (_name, opts) => {
    const e = await engine(variant);
    const m = e.mark();
    const layer = new Pool2D([2, 7, 7], { ...opts, exact: false });
    // max: distinct values 0.1 apart, far beyond the step h, so no region's arg-max changes under ±h;
    // L2 is smooth away from all-zero regions, so plain positive inputs do
    if (layer.kind === "max") checkLayerGradients(e, layer, 2, 12, { h: 1e-3, tol: 2e-2, inputRange: [0.5, 3], distinct: 0.1 });
    else checkLayerGradients(e, layer, 2, 12, { inputRange: [0.2, 1] });
    e.release(m);
  });
});

describe("conv and pool layer shapes and errors", () => {
  it("compute output shapes for valid, same, numeric padding and strides", () => {
    expect(new Conv2D([1, 28, 28], { filters: 20, kernel: 5 }).outShape).toEqual([20, 24, 24]);
    expect(new Conv2D([20, 12, 12], { filters: 40, kernel: 5 }).outShape).toEqual([40, 8, 8]);
    expect(new Conv2D([3, 28, 28], { filters: 8, kernel: 3, padding: "same" }).outShape).toEqual([8, 28, 28]);
    expect(new Conv2D([3, 28, 28], { filters: 8, kernel: 3, stride: 2, padding: "same" }).outShape).toEqual([8, 14, 14]);
    expect(new Conv2D([1, 9, 9], { filters: 1, kernel: 3, stride: 2, padding: 1 }).outShape).toEqual([1, 5, 5]);
    expect(new Pool2D([20, 24, 24], { size: 2 }).outShape).toEqual([20, 12, 12]);
    expect(new Pool2D([20, 7, 7], { size: 2, exact: false }).outShape).toEqual([20, 3, 3]);
    expect(new Pool2D([4, 7, 7], { size: 3, stride: 2 }).outShape).toEqual([4, 3, 3]);
  });

  it("reject bad shapes at construction with the shapes in the message", () => {
    expect(() => new Conv2D([1, 4, 4], { filters: 2, kernel: 5 })).toThrow(/5×5 kernel is larger than the 4×4 input/);
    expect(() => new Conv2D([1, 8, 8], { filters: 2, kernel: 3, stride: 0 })).toThrow(/stride must be a positive integer, got 0/);
    expect(() => new Conv2D([1, 8, 8], { filters: 0, kernel: 3 })).toThrow(/filters must be a positive integer/);
    expect(() => new Conv2D([784], { filters: 2, kernel: 3 })).toThrow(/\[channels, height, width\]/);
    expect(() => new Conv2D([1, 8, 8], { filters: 2, kernel: 3, padding: -1 })).toThrow(/padding must be/);
    expect(() => new Pool2D([20, 7, 7], { size: 2 })).toThrow(/2×2 regions at stride 2 do not tile 7×7 maps exactly/);
    expect(() => new Pool2D([20, 7, 7], { size: 2, stride: 0 })).toThrow(/stride must be a positive integer, got 0/);
    expect(() => new Pool2D([2, 3, 3], { size: 4 })).toThrow(/4×4 regions are larger than the 3×3 maps/);
    // channels that don't match the previous layer
    expect(() => buildLayers([{ type: "conv2d", filters: 4, kernel: 3 }, { type: "conv2d", channels: 3, filters: 2, kernel: 3 }], [1, 8, 8])).toThrow(
      /expects 3 input channels but the previous layer gives 4/,
    );
    expect(() => buildLayers([{ type: "dense", outputs: 10 }, { type: "conv2d", filters: 2, kernel: 3 }], [784])).toThrow(/needs an image input/);
    expect(() => parseArch("conv5x3x20")).toThrow(/square/);
  });

  it("parse the chapter-6 architecture string into layers that chain 784 → 10", () => {
    const specs = parseArch("conv5x5x20:relu-pool2-conv5x5x40:relu-pool2-fc100:relu-softmax10");
    const layers = buildLayers(specs, [784]);
    expect(layers.map((l) => l.outShape)).toEqual([[20, 24, 24], [20, 12, 12], [20, 12, 12], [40, 8, 8], [40, 4, 4], [40, 4, 4], [100], [100], [10], [10]]);
    expect(parseArch("conv3x3x8s2same-l2pool2s1")).toEqual([
      { type: "conv2d", kernel: 3, filters: 8, stride: 2, padding: "same" },
      { type: "activation", fn: "sigmoid" },
      { type: "pool2d", kind: "l2", size: 2, stride: 1 },
    ]);
    expect(parseArch("conv3x3x8p1")[0]).toMatchObject({ padding: 1 });
  });
});

describe.each(VARIANTS)("conv networks (%s build)", (variant) => {
  it("a conv-pool-fc-softmax stack with L2: backprop matches central differences of the cost", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const layers = buildLayers(parseArch("conv3x3x3:tanh-pool2-conv3x3x4:sigmoid-l2pool2s1-fc5:tanh-softmax3"), [1, 10, 10]);
    const net = new Network(layers, { engine: e, seed: 3 });
    const rng = new RefRng(4);
    const B = 3;
    const x = rng.array(B * 100, 0, 1);
    const y = Array.from({ length: B * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) ? 1 : 0)); // example b is class b
    net.lossAndGradient(x, y);
    const analytic = net.getGrads();
    const p = net.getParams();
    const h = 1e-2;
    const numeric = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const old = p[i];
      p[i] = old + h; net.setParams(p); const up = net.lossAndGradient(x, y);
      p[i] = old - h; net.setParams(p); const down = net.lossAndGradient(x, y);
      p[i] = old;
      numeric[i] = (up - down) / (2 * h);
    }
    net.setParams(p);
    expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    e.release(m);
  });
});

describe("convPool and the ConvPoolLayer order", () => {
  it("convPool builds conv → max-pool → activation (network3's order) and conv → activation → L2 pool", () => {
    const max = convPool([1, 28, 28], { filters: 20, kernel: 5, activation: "relu" });
    expect(max.map((l) => l.spec().type)).toEqual(["conv2d", "pool2d", "activation"]);
    expect(max[2].outShape).toEqual([20, 12, 12]);
    const l2 = convPool([1, 28, 28], { filters: 4, kernel: 5, poolKind: "l2" });
    expect(l2.map((l) => l.spec().type)).toEqual(["conv2d", "activation", "pool2d"]);
    expect(parseArch("conv5x5x20:relu-pool2").map((s) => s.type)).toEqual(["conv2d", "pool2d", "activation"]);
    expect(parseArch("conv5x5x20:relu-l2pool2").map((s) => s.type)).toEqual(["conv2d", "activation", "pool2d"]);
  });

  it.each(VARIANTS)("max-pooling before or after a monotone activation computes the same function and gradients (%s)", async (variant) => {
    const e = await engine(variant);
    const m = e.mark();
    const rng = new RefRng(9);
    const x = rng.array(2 * 64, 0, 1);
    const y = [1, 0, 0, 0, 1, 0];
    for (const act of ["relu", "sigmoid", "tanh"] as const) {
      const a = new Network([...convPool([1, 8, 8], { filters: 3, kernel: 3, activation: act }), ...buildLayers(parseArch("softmax3"), [27])], { engine: e, seed: 2 });
      const conv = new Conv2D([1, 8, 8], { filters: 3, kernel: 3 });
      const b = new Network([conv, new Activation(act, conv.outShape), new Pool2D(conv.outShape, { size: 2 }), ...buildLayers(parseArch("softmax3"), [27])], { engine: e, seed: 2 });
      b.setParams(a.getParams());
      expect(Math.abs(a.lossAndGradient(x, y) - b.lossAndGradient(x, y))).toBeLessThan(1e-6);
      const ga = a.getGrads(), gb = b.getGrads();
      for (let i = 0; i < ga.length; i++) expect(Math.abs(ga[i] - gb[i])).toBeLessThan(1e-6);
    }
    e.release(m);
  });
});
