/**
 * Stacked recurrent layers: layer l reads the states of layer l − 1 at every step (Karpathy's deep RNN).
 * All buffers are time-major, (T, B, ·). Each layer can start from a given state and hand back the
 * gradient for it, which is how an encoder's last states seed a decoder and how truncated BPTT carries
 * states from one window to the next.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { RNN, type RnnActivation } from "./rnn.js";

/** A stack of RNN layers of the given hidden sizes over `inputs` features per step. */
export class RnnStack {
  readonly layers: readonly RNN[];
  private e!: Engine;
  private carry: Ptr[] = [];

  constructor(inputs: number, hidden: readonly number[], activation: RnnActivation = "tanh") {
    if (!Array.isArray(hidden) || hidden.length === 0) throw new RangeError(`simdnet: an RNN stack needs at least one hidden size, got [${String(hidden)}]`);
    this.layers = hidden.map((h, i) => new RNN(i === 0 ? inputs : hidden[i - 1], h, activation));
  }

  /** Hidden units of the top layer. */
  get hidden(): number {
    return this.layers[this.layers.length - 1].hidden;
  }

  allocate(e: Engine, maxB: number, maxT: number): void {
    this.e = e;
    for (const l of this.layers) l.allocate(e, maxB, maxT);
    this.carry = this.layers.map((l) => e.alloc(maxB * l.hidden));
  }

  /** Runs every layer over x (T, B, C); h0[l] (B, H_l) starts layer l (0 or missing: zeros). Returns the top states (T, B, H). */
  forward(x: Ptr, B: number, T: number, mask: Ptr = 0, h0: readonly Ptr[] = []): Ptr {
    let h = x;
    this.layers.forEach((l, i) => (h = l.forward(h, B, T, mask, h0[i] ?? 0)));
    return h;
  }

  /** Each layer's state after the last step of the last forward ((B, H_l) pointers, valid until the next forward). */
  lastStates(): Ptr[] {
    return this.layers.map((l) => l.lastState);
  }

  /** Copies each layer's last state into the stack's own buffers (they survive the next forward) and returns them. */
  saveLastStates(B: number): Ptr[] {
    const last = this.lastStates();
    this.layers.forEach((l, i) => this.e.k.copy(this.carry[i], last[i], B * l.hidden));
    return this.carry;
  }

  /**
   * BPTT through the stack: dtop (T, B, H) is dL/d(top states) (0: none), dlast[l] (B, H_l) dL/d(last
   * state of layer l) (0 or missing: none). ADDS every weight gradient; returns dL/dx (or 0).
   */
  backward(dtop: Ptr, dlast: readonly Ptr[] = [], needDinp = false): Ptr {
    let d = dtop;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i].backwardSteps(d, dlast[i] ?? 0, i > 0 || needDinp);
    return d;
  }

  /** dL/dh0 of each layer after backward. */
  dstate0(): Ptr[] {
    return this.layers.map((l) => l.dstate0);
  }
}
