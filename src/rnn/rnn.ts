/**
 * A recurrent layer, h_t = f(W_xh·x_t + W_hh·h_{t−1} + b) with f = tanh (or ReLU), the same W and b at
 * every step, h_{−1} = 0 unless a state is given. Time-major buffers: x (T, B, C), states (T + 1, B, H)
 * with slot 0 the initial state, masks (T, B). The input projection of all T steps is one GEMM over
 * T·B rows; each step then adds h_{t−1}·W_hhᵀ with one (B, H) × (H, H) GEMM and applies f. Backward is
 * BPTT: a loop down the steps (one GEMM each for dL/dh_{t−1}), then the weight gradients of all steps
 * in three GEMMs. Kernels: gemm.ts, activation.ts, rnn.ts.
 *
 * It is a layer like the others: in a Network it reads each example as (steps, inputs) batch-major,
 * transposes to time-major by kernel, and outputs the last state (hidden) or, with `sequences`, every
 * state (steps, hidden). The sequence models of src/rnn/ call its time-major passes directly
 * (forward with a step count, {@link RNN.backwardSteps}), with masks and initial states.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import { Layer, type LayerSpec, type Mode, type Param, type ParamSpec } from "../layers/layer.js";

/** The state nonlinearity f. */
export type RnnActivation = "tanh" | "relu";

/** How an RNN sits in a Network: the steps per example, and whether it outputs every state or the last. */
export interface RnnLayerOptions {
  /** Steps per example (T) when used as a Network layer (default 1). */
  steps?: number;
  /** Output every state (steps, hidden) instead of the last one (hidden); default false. */
  sequences?: boolean;
}

/** One recurrent layer of `hidden` units reading `inputs` features per step. */
export class RNN extends Layer {
  readonly steps: number;
  readonly sequences: boolean;
  private e!: Engine;
  private wxh!: Param;
  private whh!: Param;
  private b!: Param;
  private maxB = 0;
  private maxT = 0;
  private hs: Ptr = 0;
  private dpre: Ptr = 0;
  private dh: Ptr = 0;
  private dinp: Ptr = 0;
  private x: Ptr = 0;
  private mask: Ptr = 0;
  private B = 0;
  private T = 0;
  /** Network-layer buffers (batch-major ⇄ time-major), allocated only for that use. */
  private xT: Ptr = 0;
  private outB: Ptr = 0;
  private dT: Ptr = 0;
  private dinpB: Ptr = 0;

  constructor(
    readonly inputs: number,
    readonly hidden: number,
    readonly activation: RnnActivation = "tanh",
    opts: RnnLayerOptions = {},
  ) {
    const steps = opts.steps ?? 1;
    for (const [name, v] of [["inputs", inputs], ["hidden size", hidden], ["steps", steps]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`simdnet: RNN ${name} must be a positive integer, got ${v}`);
    }
    if (activation !== "tanh" && activation !== "relu") throw new TypeError(`simdnet: RNN activation must be "tanh" or "relu", got ${JSON.stringify(activation)}`);
    super([steps, inputs], opts.sequences ? [steps, hidden] : [hidden]);
    this.steps = steps;
    this.sequences = !!opts.sequences;
  }

  /** W_xh (H, C) and W_hh (H, H) decay under L2; b (H) doesn't. */
  override paramSpecs(): ParamSpec[] {
    return [
      { name: "wxh", shape: [this.hidden, this.inputs], decay: true },
      { name: "whh", shape: [this.hidden, this.hidden], decay: true },
      { name: "bias", shape: [this.hidden], decay: false },
    ];
  }

  override bind([wxh, whh, b]: Param[]): void {
    this.wxh = wxh;
    this.whh = whh;
    this.b = b;
  }

  /** W_xh ~ N(0, 1/C) and W_hh ~ N(0, 1/H) (network2's default per matrix), b = 0 so tanh starts unsaturated. */
  override init(rng: Rng): void {
    rng.fillNormal(this.wxh.value, this.wxh.size, 0, 1 / Math.sqrt(this.inputs));
    rng.fillNormal(this.whh.value, this.whh.size, 0, 1 / Math.sqrt(this.hidden));
    rng.fillNormal(this.b.value, this.hidden, 0, 0);
  }

  /** The parameter slices: input weights, recurrent weights, bias. */
  get weights(): { wxh: Param; whh: Param; bias: Param } {
    return { wxh: this.wxh, whh: this.whh, bias: this.b };
  }

  /**
   * Buffers for up to maxB sequences of up to maxT steps (called once by the model, before init);
   * without maxT (a Network sizing its layers) for `steps` steps, with the batch-major buffers too.
   */
  allocate(e: Engine, maxB: number, maxT?: number): void {
    this.e = e;
    if (maxT === undefined) {
      const T = this.steps;
      this.maxBatch = Math.max(this.maxBatch, maxB);
      this.xT = e.alloc(maxB * T * this.inputs);
      this.dinpB = e.alloc(maxB * T * this.inputs);
      this.outB = this.sequences ? e.alloc(maxB * T * this.hidden) : 0;
      this.dT = e.alloc(maxB * T * this.hidden);
      maxT = T;
    }
    if (maxB <= this.maxB && maxT <= this.maxT) return;
    this.maxB = Math.max(maxB, this.maxB);
    this.maxT = Math.max(maxT, this.maxT);
    const n = this.maxB * this.hidden;
    this.hs = e.alloc((this.maxT + 1) * n);
    this.dpre = e.alloc(this.maxT * n);
    this.dh = e.alloc(n);
    this.dinp = e.alloc(this.maxT * this.maxB * this.inputs);
  }

  /** The state after step t−1 of the last forward ((B, H); t = 0 is the initial state, t = T the last). */
  state(t: number): Ptr {
    return this.hs + 4 * t * this.B * this.hidden;
  }

  /** The state after the last step of the last forward (B, H). */
  get lastState(): Ptr {
    return this.state(this.T);
  }

  /** dL/dh_{−1} after backward: the gradient for the initial state (B, H), e.g. an encoder's last state. */
  get dstate0(): Ptr {
    return this.dh;
  }

  /**
   * Runs T steps over x (T, B, C) from the state h0 (B, H; 0 for zeros), with an optional mask (T, B)
   * that carries the state through padded steps. Returns the states h_0 … h_{T−1} as (T, B, H).
   */
  forward(x: Ptr, B: number, T: number | Mode, mask: Ptr = 0, h0: Ptr = 0): Ptr {
    if (typeof T !== "number") return this.forwardBatchMajor(x, B);
    if (!Number.isInteger(T) || T < 1 || T > this.maxT) throw new RangeError(`simdnet: RNN got ${T} time steps; this model holds 1..${this.maxT}`);
    if (!Number.isInteger(B) || B < 1 || B > this.maxB) throw new RangeError(`simdnet: RNN got a batch of ${B} sequences; this model holds 1..${this.maxB}`);
    const { k } = this.e;
    const H = this.hidden;
    this.B = B;
    this.T = T;
    this.x = x;
    this.mask = mask;
    if (h0) k.copy(this.hs, h0, B * H);
    else k.fill(this.hs, B * H, 0);
    const out = this.state(1);
    // pre_t = x_t·W_xhᵀ + b for every step at once: (T·B, C) × (H, C)ᵀ
    k.gemm(out, x, this.wxh.value, this.e.gemmScratch, T * B, H, this.inputs, 0, 1, 1, 0);
    k.bias_add(out, this.b.value, T * B, H);
    for (let t = 0; t < T; t++) {
      const prev = this.state(t);
      const h = this.state(t + 1);
      k.gemm(h, prev, this.whh.value, this.e.gemmScratch, B, H, H, 0, 1, 1, 1); // pre_t += h_{t−1}·W_hhᵀ
      if (this.activation === "tanh") k.tanh_forward(h, h, B * H);
      else k.relu_forward(h, h, B * H);
      if (mask) k.rnn_carry(h, prev, mask + 4 * t * B, B, H);
    }
    return out;
  }

  /**
   * BPTT for the last forward: dout (T, B, H) is dL/dh_t from above (0: none), dlast (B, H) dL/dh_{T−1}
   * from beyond the sequence (0: none). ADDS dL/dW_xh, dL/dW_hh, dL/db into the grads buffer, leaves
   * dL/dh0 at {@link dstate0}, and returns dL/dx (T, B, C) (or 0 when needDinp is false).
   */
  backwardSteps(dout: Ptr, dlast: Ptr, needDinp: boolean): Ptr {
    const { k } = this.e;
    const { B, T, mask } = this;
    const H = this.hidden;
    const n = B * H;
    if (dlast) k.copy(this.dh, dlast, n);
    else k.fill(this.dh, n, 0);
    k.fill(this.dpre, T * n, 0);
    for (let t = T - 1; t >= 0; t--) {
      // forward was: h_t = f(pre_t), pre_t = x_t·W_xhᵀ + h_{t−1}·W_hhᵀ + b (h_t = h_{t−1} where masked)
      const dpre = this.dpre + 4 * t * n;
      if (dout) k.axpy(this.dh, dout + 4 * t * n, n, 1); // dL/dh_t = from above + from step t + 1
      if (this.activation === "tanh") k.tanh_backward(dpre, this.state(t + 1), this.dh, n);
      else k.relu_backward(dpre, this.state(t + 1), this.dh, n);
      if (mask) k.rnn_mask_backward(dpre, this.dh, mask + 4 * t * B, B, H);
      // dL/dh_{t−1} = dpre_t·W_hh (+ the carried part where masked)
      k.gemm(this.dh, dpre, this.whh.value, this.e.gemmScratch, B, H, H, 0, 0, 1, mask ? 1 : 0);
    }
    // every step at once: dW_xh += dPreᵀ·X, dW_hh += dPreᵀ·H_prev (slots 0..T−1), db += Σ rows of dPre
    k.gemm(this.wxh.grad, this.dpre, this.x, this.e.gemmScratch, H, this.inputs, T * B, 1, 0, 1, 1);
    k.gemm(this.whh.grad, this.dpre, this.hs, this.e.gemmScratch, H, H, T * B, 1, 0, 1, 1);
    k.col_sum(this.b.grad, this.dpre, T * B, H);
    if (!needDinp) return 0;
    k.gemm(this.dinp, this.dpre, this.wxh.value, this.e.gemmScratch, T * B, this.inputs, H, 0, 0, 1, 0);
    return this.dinp;
  }

  /** As a Network layer: x (B, steps, inputs) → the last state (B, H), or every state (B, steps, H). */
  private forwardBatchMajor(x: Ptr, B: number): Ptr {
    this.checkBatch(B);
    const k = this.e.k, T = this.steps;
    k.seq_transpose(this.xT, x, B, T, this.inputs);
    const states = this.forward(this.xT, B, T);
    if (!this.sequences) return this.lastState;
    k.seq_transpose(this.outB, states, T, B, this.hidden);
    return this.outB;
  }

  /** As a Network layer: dL/dout batch-major → BPTT → dL/dx (B, steps, inputs), or 0 when needDinp is false. */
  override backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    const k = this.e.k, T = this.steps;
    let d = 0;
    if (this.sequences) k.seq_transpose((d = this.dT), dout, B, T, this.hidden);
    const dx = this.backwardSteps(d, this.sequences ? 0 : dout, needDinp);
    if (!needDinp) return 0;
    k.seq_transpose(this.dinpB, dx, T, B, this.inputs);
    return this.dinpB;
  }

  spec(): LayerSpec {
    return { type: "rnn", hidden: this.hidden, activation: this.activation, ...(this.sequences ? { sequences: true } : {}) };
  }
}
