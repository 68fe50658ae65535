/**
 * Softmax output layer, row-wise over (B, C) and max-subtracted. Paired with the log-likelihood cost the
 * network skips this backward and seeds δ = a − y directly (chapter 3). Kernels: softmax.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type RPass, type RPlace } from "./layer.js";

export class Softmax extends Layer {
  private e!: Engine;
  private out: Ptr = 0;
  private dinp: Ptr = 0;

  constructor(readonly classes: number) {
    super([classes], [classes]);
    if (!Number.isInteger(classes) || classes < 2) {
      throw new RangeError(`simdnet: a softmax layer needs at least 2 classes, got ${classes}`);
    }
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.classes);
    this.dinp = e.alloc(maxBatch * this.classes);
  }

  forward(inp: Ptr, B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    this.e.k.softmax_forward(this.out, inp, B, this.classes);
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    if (!needDinp) return 0;
    // forward was: a = softmax(z); dz = a ⊙ (da − Σ_j da_j a_j) per row
    this.e.k.fill(this.dinp, B * this.classes, 0);
    this.e.k.softmax_backward(this.dinp, this.out, dout, B, this.classes);
    return this.dinp;
  }

  spec(): LayerSpec {
    return { type: "softmax", classes: this.classes };
  }

  /** Only as the output under the log-likelihood cost, whose backward the network skips (δ = a − y at z). */
  override rOpUnsupported(place: RPlace): string | null {
    return place.last && place.fusedOutput ? null : "has an R-operator only as the output layer under the log-likelihood cost";
  }

  override rForward(r: RPass, out: Ptr, rout: Ptr, inp: Ptr, rinp: Ptr): void {
    const k = r.e.k;
    k.softmax_forward(out, inp, r.B, this.classes);
    k.fill(rout, r.B * this.classes, 0);
    k.softmax_backward(rout, out, rinp, r.B, this.classes); // R{p} = p ⊙ (R{z} − Σ p R{z})
  }
}
