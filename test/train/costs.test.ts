import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { Softmax } from "../../src/layers/softmax.js";
import type { Layer } from "../../src/layers/layer.js";
import type { CostName } from "../../src/loss/costs.js";
import { engine, RefRng, VARIANTS } from "../helpers.js";
import { gradErr } from "../gradcheck.js";

// Each cost with each output it can meet, fused (δ = a − y at z) or not (∂C/∂a through the output's
// backward): the analytic gradient of the mean cost must match central differences.
const CASES: [string, CostName, () => Layer][] = [
  ["quadratic + sigmoid", "quadratic", () => new Activation("sigmoid", [4])],
  ["quadratic + identity", "quadratic", () => new Activation("identity", [4])],
  ["cross-entropy + sigmoid (fused)", "cross-entropy", () => new Activation("sigmoid", [4])],
  ["cross-entropy + softmax (general ∂C/∂a)", "cross-entropy", () => new Softmax(4)],
  ["log-likelihood + softmax (fused)", "log-likelihood", () => new Softmax(4)],
];

describe.each(VARIANTS)("cost gradients (%s build)", (variant) => {
  it.each(CASES)("%s matches central differences", async (_name, cost, output) => {
    const e = await engine(variant);
    const m = e.mark();
    const net = new Network([new Dense(5, 6), new Activation("tanh", [6]), new Dense(6, 4), output()], { engine: e, cost, seed: 3 });
    const r = new RefRng(11);
    const B = 3;
    const x = r.array(B * 5);
    const y = new Float32Array(B * 4);
    for (let b = 0; b < B; b++) y[b * 4 + ((b * 3 + 1) % 4)] = 1;
    net.lossAndGradient(x, y);
    const analytic = net.getGrads();
    const p0 = net.getParams();
    const h = 1e-2;
    const numeric = p0.map((_, i) => {
      const p = Float32Array.from(p0);
      p[i] = p0[i] + h;
      net.setParams(p);
      const up = net.lossAndGradient(x, y);
      p[i] = p0[i] - h;
      net.setParams(p);
      const down = net.lossAndGradient(x, y);
      return (up - down) / (2 * h);
    });
    net.setParams(p0);
    expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    e.release(m);
  });
});
