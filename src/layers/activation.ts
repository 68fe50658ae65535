/**
 * Elementwise activations as their own layers: sigmoid, tanh, ReLU, identity, and the perceptron's
 * step (forward only: its derivative is zero almost everywhere, which is why chapter 1 moves on to
 * sigmoid neurons). Kernels: assembly/kernels/activation.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type Shape } from "./layer.js";

/** The activations a layer can apply. */
export const ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity", "step"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Throws a clear error for a name that is not an activation. */
export function checkActivation(name: string): ActivationName {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new TypeError(`simdnet: unknown activation ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.join(", ")}`);
  }
  return name as ActivationName;
}

export class Activation extends Layer {
  readonly fn: ActivationName;
  private e!: Engine;
  private out: Ptr = 0;
  private dinp: Ptr = 0;

  constructor(fn: string, shape: Shape) {
    super(shape, shape);
    this.fn = checkActivation(fn);
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outSize);
    if (this.fn !== "step") this.dinp = e.alloc(maxBatch * this.inSize);
  }

  forward(inp: Ptr, B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    if (this.fn === "identity") return inp;
    this.e.k[`${this.fn}_forward`](this.out, inp, B * this.outSize);
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    if (this.fn === "step") {
      throw new Error("simdnet: a step (perceptron) activation has no useful gradient; train sigmoid neurons instead (chapter 1)");
    }
    if (!needDinp) return 0;
    if (this.fn === "identity") return dout;
    const n = B * this.outSize;
    // forward was: out = f(inp); so dinp = dout ⊙ f'(inp), f' read off the saved output (BP2's ⊙ σ'(z))
    this.e.k.fill(this.dinp, n, 0);
    this.e.k[`${this.fn}_backward`](this.dinp, this.out, dout, n);
    return this.dinp;
  }

  spec(): LayerSpec {
    return { type: "activation", fn: this.fn };
  }
}
