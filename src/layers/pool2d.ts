/**
 * Pooling (chapter 6): each p×p region of every feature map, stepping by the stride, condenses to its
 * maximum (max-pooling) or to the square root of its sum of squares (L2 pooling). Max-pooling's
 * backward routes each gradient to the region's arg-max (the first in row-major order on ties).
 * Kernels: assembly/kernels/pool.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type Shape } from "./layer.js";

export type PoolKind = "max" | "l2";

export interface Pool2DOptions {
  /** Region size p (p × p). */
  size: number;
  /** Default p: non-overlapping regions, as in the book. */
  stride?: number;
  /** Default "max". */
  kind?: PoolKind;
  /**
   * Default true: the regions must tile each map exactly ((H − p) divisible by the stride), so no
   * row or column is silently dropped. false drops the remainder.
   */
  exact?: boolean;
}

export class Pool2D extends Layer {
  readonly size: number;
  readonly stride: number;
  readonly kind: PoolKind;
  readonly exact: boolean;
  private e!: Engine;
  private inp: Ptr = 0;
  private out: Ptr = 0;
  private arg: Ptr = 0;
  private dinp: Ptr = 0;

  /** Pooling over examples of inShape = [C, H, W]. */
  constructor(inShape: Shape, opts: Pool2DOptions) {
    const kind = opts.kind ?? "max";
    const where = `${kind === "l2" ? "L2" : "max"}-pooling over input [${inShape.join(", ")}]`;
    if (inShape.length !== 3 || !inShape.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new RangeError(`simdnet: ${where}: the input shape must be [channels, height, width] of positive integers`);
    }
    const size = opts.size;
    const stride = opts.stride ?? size;
    const exact = opts.exact ?? true;
    for (const [name, v] of [["size", size], ["stride", stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`simdnet: ${where}: ${name} must be a positive integer, got ${v}`);
    }
    if (kind !== "max" && kind !== "l2") throw new TypeError(`simdnet: unknown pooling ${JSON.stringify(kind)}; expected "max" or "l2"`);
    const [C, H, W] = inShape;
    if (size > H || size > W) throw new RangeError(`simdnet: ${where}: ${size}×${size} regions are larger than the ${H}×${W} maps`);
    if (exact && ((H - size) % stride !== 0 || (W - size) % stride !== 0)) {
      throw new RangeError(
        `simdnet: ${where}: ${size}×${size} regions at stride ${stride} do not tile ${H}×${W} maps exactly; ` +
          `choose sizes that divide, or pass exact: false to drop the remainder`,
      );
    }
    super(inShape, [C, Math.floor((H - size) / stride) + 1, Math.floor((W - size) / stride) + 1]);
    this.size = size;
    this.stride = stride;
    this.kind = kind;
    this.exact = exact;
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outSize);
    this.dinp = e.alloc(maxBatch * this.inSize);
    if (this.kind === "max") this.arg = e.alloc(maxBatch * this.outSize);
  }

  forward(inp: Ptr, B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    this.inp = inp;
    const [C, H, W] = this.inShape;
    const k = this.e.k;
    if (this.kind === "max") k.maxpool2d_forward(this.out, this.arg, inp, B * C, H, W, this.size, this.stride);
    else k.l2pool2d_forward(this.out, inp, B * C, H, W, this.size, this.stride);
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    if (!needDinp) return 0;
    const [C, H, W] = this.inShape;
    const k = this.e.k;
    k.fill(this.dinp, B * this.inSize, 0); // the kernels add into dinp
    if (this.kind === "max") k.maxpool2d_backward(this.dinp, this.arg, dout, B * C, H, W, this.size, this.stride);
    else k.l2pool2d_backward(this.dinp, this.inp, this.out, dout, B * C, H, W, this.size, this.stride);
    return this.dinp;
  }

  spec(): LayerSpec {
    return { type: "pool2d", kind: this.kind, size: this.size, stride: this.stride, exact: this.exact };
  }
}
