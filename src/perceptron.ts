/**
 * Chapter 1's perceptron: output = 1 if w·x + b > 0, else 0. Built from weights you give it (the NAND
 * gate is w = [−2, −2], b = 3); forward only, since the step function has no useful derivative.
 */
import { Network } from "./network.js";
import { Dense } from "./layers/dense.js";
import { Activation } from "./layers/activation.js";
import type { Engine } from "./wasm/engine.js";

export class Perceptron {
  /** The underlying one-layer network (a Dense layer plus a step activation). */
  readonly net: Network;

  /**
   * A layer of perceptrons: weights is (outputs × inputs) row-major (or one row for a single unit),
   * bias has one value per output.
   */
  constructor(weights: readonly number[] | readonly (readonly number[])[], bias: number | readonly number[], opts: { engine?: Engine } = {}) {
    const rows = (Array.isArray(weights[0]) ? weights : [weights]) as readonly (readonly number[])[];
    const b = typeof bias === "number" ? [bias] : [...bias];
    const inputs = rows[0]?.length ?? 0;
    if (rows.length === 0 || inputs === 0 || rows.some((r) => r.length !== inputs)) {
      throw new RangeError("simdnet: perceptron weights must be a non-empty row, or rows of equal length");
    }
    if (b.length !== rows.length) throw new RangeError(`simdnet: perceptron has ${rows.length} units but ${b.length} biases`);
    const dense = new Dense(inputs, rows.length);
    this.net = new Network([dense, new Activation("step", [rows.length])], { engine: opts.engine, cost: "quadratic" });
    const values = new Float32Array(this.net.numParams);
    values.set(rows.flat(), (dense.weight.value - this.net.paramPtr) / 4);
    values.set(b, (dense.bias.value - this.net.paramPtr) / 4);
    this.net.setParams(values);
  }

  /** 0/1 outputs for one input vector (or many, concatenated). */
  fire(x: readonly number[] | Float32Array): number[] {
    return Array.from(this.net.feedforward(x));
  }
}
