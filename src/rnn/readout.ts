/**
 * The output of a recurrent network, y_t = g(W_hy·h_t + c), applied to R = T·B (or B) rows of states at
 * once: the existing Dense layer plus an output layer (Softmax or an Activation) and a cost from
 * src/loss/costs.ts. Masked rows (padding) are left out of the cost and the gradient.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import type { Layer, Param, ParamSpec } from "../layers/layer.js";
import { Dense } from "../layers/dense.js";
import { Softmax } from "../layers/softmax.js";
import { Activation, checkActivation, type ActivationName } from "../layers/activation.js";
import { getCost, type Cost, type CostName } from "../loss/costs.js";

/** What a readout puts on top of W_hy·h + c. */
export type ReadoutOutput = "softmax" | ActivationName;

/** Dense (H → O) + output activation + cost, over rows of states. */
export class Readout {
  readonly dense: Dense;
  readonly act: Layer;
  readonly cost: Cost;
  private readonly fused: boolean;
  private e!: Engine;
  private delta: Ptr = 0;
  private out: Ptr = 0;

  /** Default cost: log-likelihood after softmax, cross-entropy after sigmoid, quadratic otherwise. */
  constructor(
    readonly hidden: number,
    readonly outputs: number,
    readonly output: ReadoutOutput = "softmax",
    cost?: CostName,
  ) {
    this.dense = new Dense(hidden, outputs);
    this.act = output === "softmax" ? new Softmax(outputs) : new Activation(checkActivation(output), [outputs]);
    this.cost = getCost(cost ?? (output === "softmax" ? "log-likelihood" : output === "sigmoid" ? "cross-entropy" : "quadratic"));
    this.fused = (this.cost.name === "log-likelihood" && output === "softmax") || (this.cost.name === "cross-entropy" && output === "sigmoid");
    if (!this.fused && this.cost.name !== "quadratic") {
      throw new TypeError(`simdnet: a sequence readout pairs softmax with log-likelihood, sigmoid with cross-entropy, or any output with quadratic; got ${output} with ${this.cost.name}`);
    }
  }

  paramSpecs(): ParamSpec[] {
    return this.dense.paramSpecs();
  }

  bind(params: Param[]): void {
    this.dense.bind(params);
  }

  /** network2's default: W ~ N(0, 1/H), c ~ N(0, 1). */
  init(rng: Rng): void {
    this.dense.init(rng, "default");
  }

  allocate(e: Engine, maxRows: number): void {
    this.e = e;
    this.dense.allocate(e, maxRows);
    this.act.allocate(e, maxRows);
    this.delta = e.alloc(maxRows * this.outputs);
  }

  /** Outputs (R, O) for states h (R, H). */
  forward(h: Ptr, R: number, rng: Rng): Ptr {
    const mode = { training: false, rng };
    this.out = this.act.forward(this.dense.forward(h, R, mode), R, mode);
    return this.out;
  }

  /**
   * Σ over the R rows of the cost against targets y (R, O), for the last forward; rows where mask (R) is 0
   * count nothing (their outputs and targets are zeroed in place, so call it after reading predictions).
   */
  loss(y: Ptr, R: number, mask: Ptr = 0): number {
    const k = this.e.k;
    if (mask) {
      k.row_scale(this.out, mask, R, this.outputs);
      k.row_scale(y, mask, R, this.outputs);
    }
    return this.cost.fn(this.e, this.out, y, R, this.outputs);
  }

  /**
   * Seeds backprop with scale·∂C/∂a (scale·(a − y) at z for a fused pair), ADDS dL/dW_hy, dL/dc, and
   * returns dL/dh (R, H). Call after {@link loss} (which applied the mask).
   */
  backward(y: Ptr, R: number, scale: number, mask: Ptr = 0): Ptr {
    const k = this.e.k;
    const n = R * this.outputs;
    let d = this.delta;
    if (this.fused) k.cost_diff(d, this.out, y, n, scale);
    else {
      this.cost.grad(this.e, d, this.out, y, n, scale);
      d = this.act.backward(d, R, true);
    }
    if (mask) k.row_scale(d, mask, R, this.outputs);
    return this.dense.backward(d, R, true);
  }
}
