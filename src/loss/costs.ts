/**
 * Cost functions, as network2.py's cost classes: `fn` is the value (summed over the batch; the caller
 * divides by n) and `grad` (network2.py's `delta`) seeds backpropagation with scale · ∂C/∂a. A cost
 * that pairs with a particular output layer (cross-entropy with sigmoid, log-likelihood with softmax)
 * instead seeds δ = scale · (a − y) at z directly, which is both cheaper and the whole point of chapter 3:
 * no σ'(z) factor, so no learning slowdown. Kernels: assembly/kernels/cost.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";

export const COSTS = ["quadratic", "cross-entropy", "log-likelihood"] as const;
export type CostName = (typeof COSTS)[number];

export interface Cost {
  readonly name: CostName;
  /** Σ over the batch of C(a, y); a and y are (B, C). */
  fn(e: Engine, a: Ptr, y: Ptr, B: number, C: number): number;
  /** The output layer type this cost fuses with (its δ at z is a − y), if any. */
  readonly fusesWith: "sigmoid" | "softmax" | null;
  /** Writes δ = scale · ∂C/∂a at `delta` (n values), for outputs the cost does not fuse with. */
  grad(e: Engine, delta: Ptr, a: Ptr, y: Ptr, n: number, scale: number): void;
}

const quadratic: Cost = {
  name: "quadratic",
  fusesWith: null,
  fn: (e, a, y, B, C) => e.k.quadratic_cost(a, y, B, C),
  // C = ½‖a − y‖², so ∂C/∂a = a − y (BP1 then multiplies by σ'(z) in the activation's backward)
  grad: (e, delta, a, y, n, scale) => e.k.cost_diff(delta, a, y, n, scale),
};

const crossEntropy: Cost = {
  name: "cross-entropy",
  fusesWith: "sigmoid",
  fn: (e, a, y, B, C) => e.k.cross_entropy_cost(a, y, B, C),
  grad: (e, delta, a, y, n, scale) => e.k.cross_entropy_grad(delta, a, y, n, scale),
};

const logLikelihood: Cost = {
  name: "log-likelihood",
  fusesWith: "softmax",
  fn: (e, a, y, B, C) => e.k.log_likelihood_cost(a, y, B, C),
  grad: () => {
    throw new Error("simdnet: the log-likelihood cost needs a softmax output layer (chapter 3); add one or use cross-entropy");
  },
};

/** The cost called `name`, or a clear error listing the valid names. */
export function getCost(name: string): Cost {
  switch (name) {
    case "quadratic": return quadratic;
    case "cross-entropy": case "crossentropy": case "ce": return crossEntropy;
    case "log-likelihood": case "loglikelihood": case "nll": return logLikelihood;
    default:
      throw new TypeError(`simdnet: unknown cost ${JSON.stringify(name)}; expected one of ${COSTS.join(", ")}`);
  }
}
