import { describe, expect, it } from "vitest";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import { Softmax } from "../../src/layers/softmax.js";
import { Dropout } from "../../src/layers/dropout.js";
import { Rng } from "../../src/rng.js";
import { engine, VARIANTS } from "../helpers.js";
import { checkLayerGradients } from "../gradcheck.js";

describe.each(VARIANTS)("layer gradients (%s build)", (variant) => {
  it("Dense: gradients match central differences over odd sizes", async () => {
    const e = await engine(variant);
    const m = e.mark();
    for (const [B, C, OC] of [[1, 1, 1], [3, 5, 7], [4, 17, 9], [5, 9, 33]]) checkLayerGradients(e, new Dense(C, OC), B, B * 31 + C);
    e.release(m);
  });

  it.each(["sigmoid", "tanh", "relu", "identity"])("Activation %s: gradients match central differences", async (fn) => {
    const e = await engine(variant);
    const m = e.mark();
    // keep ReLU inputs away from its kink at 0 (the difference quotient straddles it otherwise)
    const range: [number, number] = fn === "relu" ? [0.05, 1] : [-2, 2];
    checkLayerGradients(e, new Activation(fn, [13]), 3, 7, { inputRange: range });
    if (fn === "relu") checkLayerGradients(e, new Activation(fn, [13]), 3, 8, { inputRange: [-1, -0.05] });
    e.release(m);
  });

  it("Softmax: gradients match central differences", async () => {
    const e = await engine(variant);
    const m = e.mark();
    for (const C of [2, 3, 10, 17]) checkLayerGradients(e, new Softmax(C), 4, C, { inputRange: [-3, 3] });
    e.release(m);
  });

  it("Dropout at evaluation passes values through; in training masks, scales by 1/keep, and backprops through the mask", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const d = new Dropout(0.5, [1000]);
    d.allocate(e, 2);
    const x = e.allocFrom(new Float32Array(2000).fill(1));
    const rng = new Rng(e, 3);
    expect(d.forward(x, 2, { training: false, rng })).toBe(x);
    const out = e.read(d.forward(x, 2, { training: true, rng }), 2000);
    const kept = out.filter((v) => v !== 0);
    expect(kept.every((v) => v === 2)).toBe(true);
    expect(Math.abs(kept.length / 2000 - 0.5)).toBeLessThan(0.05);
    const dout = e.allocFrom(new Float32Array(2000).fill(3));
    const dinp = e.read(d.backward(dout, 2, true), 2000);
    for (let i = 0; i < 2000; i++) expect(dinp[i]).toBe(out[i] * 3);
    e.release(m);
  });
});

describe("layer construction errors", () => {
  it("names the bad value", () => {
    expect(() => new Dense(0, 3)).toThrow(/Dense inputs must be a positive integer, got 0/);
    expect(() => new Activation("swish", [3])).toThrow(/unknown activation "swish"/);
    expect(() => new Dropout(1, [3])).toThrow(/dropout rate must be in \[0, 1\), got 1/);
    expect(() => new Softmax(1)).toThrow(/at least 2 classes/);
  });
});
