/**
 * Elementwise activations as their own layers: sigmoid, tanh, ReLU, identity, and the perceptron's
 * step (forward only: its derivative is zero almost everywhere, which is why chapter 1 moves on to
 * sigmoid neurons). Kernels: assembly/kernels/activation.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type RPass, type Shape } from "./layer.js";

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

  /** Every activation but the step has an exact R-operator. */
  override rOpUnsupported(): string | null {
    return this.fn === "step" ? "has no R-operator (the step has no useful derivative)" : null;
  }

  override rForward(r: RPass, out: Ptr, rout: Ptr, inp: Ptr, rinp: Ptr): void {
    if (this.fn === "identity") return this.rIdentityForward(r, out, rout, inp, rinp);
    const k = r.e.k, n = r.B * this.outSize;
    if (this.fn === "sigmoid") k.sigmoid_forward(out, inp, n);
    else if (this.fn === "tanh") k.tanh_forward(out, inp, n);
    else k.relu_forward(out, inp, n);
    k.fill(rout, n, 0);
    if (rinp) this.rDerivative(r, rout, out, rinp, n); // R{a} = f'(z) ⊙ R{z}
  }

  override rBackward(r: RPass, dinp: Ptr, rdinp: Ptr, dout: Ptr, rdout: Ptr, out: Ptr, _inp: Ptr, rinp: Ptr): void {
    if (this.fn === "identity") return this.rIdentityBackward(r, dinp, rdinp, dout, rdout);
    // forward was a = f(z): δ_z = f'(z) δ_a; R{δ_z} = f'(z) R{δ_a} + f''(z) R{z} δ_a
    const k = r.e.k, n = r.B * this.inSize;
    k.fill(dinp, n, 0);
    this.rDerivative(r, dinp, out, dout, n);
    k.fill(rdinp, n, 0);
    this.rDerivative(r, rdinp, out, rdout, n);
    if (rinp && (this.fn === "sigmoid" || this.fn === "tanh")) k.activation_second(rdinp, out, rinp, dout, n, this.fn === "sigmoid" ? 0 : 1);
  }

  /** dinp += f'(z) ⊙ dout, f' read off the output a (the layer's own backward kernels, on this thread). */
  private rDerivative(r: RPass, dinp: Ptr, a: Ptr, dout: Ptr, n: number): void {
    const k = r.e.k;
    if (this.fn === "sigmoid") k.sigmoid_backward(dinp, a, dout, n);
    else if (this.fn === "tanh") k.tanh_backward(dinp, a, dout, n);
    else k.relu_backward(dinp, a, dout, n);
  }
}
