// Hessian-vector products (src/train/hessian.ts) against central differences of a float64 gradient
// (test/reference/hvp.ts) on small nets: the exact R-operator and the f32 finite difference.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { Softmax } from "../../src/layers/softmax.js";
import type { Layer } from "../../src/layers/layer.js";
import type { CostName } from "../../src/loss/costs.js";
import { HessianVector, exactHvpUnsupported, type HvpMethod } from "../../src/train/hessian.js";
import { Conv2D } from "../../src/layers/conv2d.js";
import { engine, RefRng, scoped } from "../helpers.js";
import { lossGrad, hvpRef, type RefLayer, type RefMlp } from "../reference/hvp.js";
import type { Engine } from "../../src/wasm/engine.js";

/** The float64 mirror of a network of Dense / Activation / Softmax layers (θ offsets from its params). */
function mirror(net: Network): RefMlp {
  const layers: RefLayer[] = net.layers.map((l) => {
    if (l instanceof Dense) return { type: "dense", C: l.inputs, OC: l.outputs, w: (l.weight.value - net.paramPtr) / 4, b: (l.bias.value - net.paramPtr) / 4 };
    if (l instanceof Activation) return { type: "act", fn: l.fn as "sigmoid" };
    return { type: "softmax" };
  });
  return { layers, cost: net.cost.name };
}

const CASES: [string, () => Layer[], CostName][] = [
  ["[5,4,3] sigmoid, quadratic", () => [new Dense(5, 4), new Activation("sigmoid", [4]), new Dense(4, 3), new Activation("sigmoid", [3])], "quadratic"],
  ["[5,4,3] sigmoid, cross-entropy", () => [new Dense(5, 4), new Activation("sigmoid", [4]), new Dense(4, 3), new Activation("sigmoid", [3])], "cross-entropy"],
  ["[6,5,4,3] tanh, softmax + log-likelihood", () => [new Dense(6, 5), new Activation("tanh", [5]), new Dense(5, 4), new Activation("tanh", [4]), new Dense(4, 3), new Softmax(3)], "log-likelihood"],
  ["[7,9,2] relu, identity output, quadratic", () => [new Dense(7, 9), new Activation("relu", [9]), new Dense(9, 2), new Activation("identity", [2])], "quadratic"],
];

/** |a − b| / max(‖b‖∞, floor) over all entries: the product's error relative to its scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-6);
}

function setup(e: Engine, layers: Layer[], cost: CostName, B: number, seed: number) {
  const net = new Network(layers, { engine: e, cost, seed });
  const r = new RefRng(seed);
  const x = r.array(B * net.inputSize, -1, 1);
  const y = new Float32Array(B * net.outputSize);
  for (let b = 0; b < B; b++) {
    if (cost === "quadratic" && net.layers.at(-1) instanceof Activation && (net.layers.at(-1) as Activation).fn === "identity") for (let j = 0; j < net.outputSize; j++) y[b * net.outputSize + j] = r.range(-1, 1);
    else y[b * net.outputSize + (b % net.outputSize)] = 1;
  }
  return { net, x, y, v: r.array(net.numParams, -1, 1) };
}

describe("Hessian-vector products", () => {
  it.each(CASES)("%s: exact R-operator and f32 finite difference match float64 differences of the gradient", async (_, layers, cost) => {
    const e = await engine();
    scoped(e, () => {
      const B = 6;
      const { net, x, y, v } = setup(e, layers(), cost, B, 3);
      const theta = net.getParams(), ref = hvpRef(mirror(net), theta, v, x, y, B);
      // the float64 mirror's gradient is the network's, to f32 rounding
      const g64 = new Float64Array(net.numParams);
      const c64 = lossGrad(mirror(net), theta, x, y, B, g64);
      const c32 = net.lossAndGradient(x, y);
      expect(Math.abs(c32 - c64)).toBeLessThan(1e-5 * (1 + c64));
      const px = e.allocFrom(x), py = e.allocFrom(y), pv = e.allocFrom(v), out = e.alloc(net.numParams);
      const errs: Record<HvpMethod, number> = { exact: 0, fd: 0 };
      for (const method of ["exact", "fd"] as const) {
        const hv = new HessianVector(net, method, B);
        hv.setBatch(px, py, B);
        hv.product(out, pv);
        errs[method] = relErr(e.read(out, net.numParams), ref);
        expect(Array.from(net.getParams())).toEqual(Array.from(theta)); // θ unchanged
      }
      expect(errs.exact).toBeLessThan(1e-5);
      // ReLU: the difference step straddles kinks, where H is not defined; only the R-operator is exact there
      if (!cost.startsWith("quadratic") || !(net.layers[1] instanceof Activation && net.layers[1].fn === "relu")) expect(errs.fd).toBeLessThan(2e-2);
    });
  });

  it("adds l2·v on the weights only, and is linear in v", async () => {
    const e = await engine();
    scoped(e, () => {
      const B = 4;
      const { net, x, y, v } = setup(e, CASES[2][1](), "log-likelihood", B, 5);
      const hv = new HessianVector(net, "exact", B);
      hv.setBatch(e.allocFrom(x), e.allocFrom(y), B);
      const pv = e.allocFrom(v), pv2 = e.allocFrom(v.map((t) => 2 * t)), a = e.alloc(net.numParams), b = e.alloc(net.numParams);
      hv.product(a, pv);
      hv.product(b, pv, 0.5);
      const A = e.read(a, net.numParams), Bv = e.read(b, net.numParams);
      for (let i = 0; i < net.numParams; i++) expect(Bv[i] - A[i]).toBeCloseTo(i < net.numWeights ? 0.5 * v[i] : 0, 5);
      hv.product(b, pv2);
      const twice = e.read(b, net.numParams);
      for (let i = 0; i < net.numParams; i++) expect(twice[i]).toBeCloseTo(2 * A[i], 4);
    });
  });

  it("refuses the exact R-operator for layers it does not cover, and names the way out", async () => {
    const e = await engine();
    scoped(e, () => {
      const net = new Network([new Conv2D([1, 6, 6], { filters: 2, kernel: 3 }), new Dense(32, 3), new Softmax(3)], { engine: e });
      expect(exactHvpUnsupported(net)).toMatch(/conv2d.*"fd"/);
      expect(() => new HessianVector(net, "exact", 2)).toThrow(/R-operator/);
      expect(() => new HessianVector(net, "fd", 2)).not.toThrow();
    });
  });
});
