/**
 * Dropout (chapter 3): while training, each unit is kept with probability 1 − rate and scaled by
 * 1/(1 − rate) ("inverted" dropout, so nothing changes at test time); masks come from the seeded Rng.
 * At evaluation the layer passes its input through untouched.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type RPass, type Shape } from "./layer.js";

export class Dropout extends Layer {
  private e!: Engine;
  private mask: Ptr = 0;
  private out: Ptr = 0;
  private dinp: Ptr = 0;
  private active = false;

  /** rate: the probability of dropping a unit, in [0, 1). */
  constructor(
    readonly rate: number,
    shape: Shape,
  ) {
    super(shape, shape);
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`simdnet: dropout rate must be in [0, 1), got ${rate}`);
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    const n = maxBatch * this.outSize;
    this.mask = e.alloc(n);
    this.out = e.alloc(n);
    this.dinp = e.alloc(n);
  }

  forward(inp: Ptr, B: number, mode: Mode): Ptr {
    this.checkBatch(B);
    this.active = mode.training && this.rate > 0;
    if (!this.active) return inp;
    const n = B * this.outSize;
    mode.rng.fillDropoutMask(this.mask, n, 1 - this.rate);
    this.e.k.hadamard(this.out, inp, this.mask, n);
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    if (!needDinp) return 0;
    if (!this.active) return dout;
    // forward was: out = inp ⊙ mask
    this.e.k.hadamard(this.dinp, dout, this.mask, B * this.outSize);
    return this.dinp;
  }

  spec(): LayerSpec {
    return { type: "dropout", rate: this.rate };
  }

  /** At rate 0 dropout is the identity; otherwise each evaluation is random and has no Hessian. */
  override rOpUnsupported(): string | null {
    return this.rate === 0 ? null : "is random (rate > 0), so the objective has no fixed Hessian";
  }

  override rForward(r: RPass, out: Ptr, rout: Ptr, inp: Ptr, rinp: Ptr): void {
    this.rIdentityForward(r, out, rout, inp, rinp);
  }

  override rBackward(r: RPass, dinp: Ptr, rdinp: Ptr, dout: Ptr, rdout: Ptr): void {
    this.rIdentityBackward(r, dinp, rdinp, dout, rdout);
  }
}
