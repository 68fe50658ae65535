/**
 * Convolutional layer (chapter 6): F feature maps, each a k×k local receptive field with one set of
 * shared weights and one shared bias, slid over a (C, H, W) input with stride s. Input and output
 * are NCHW per example; the weight is (F, C, k, k), so a layer sees every map of the layer below.
 * Kernels: assembly/kernels/conv.ts (im2col + packed GEMM, or direct convolution).
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { convScratchFloats } from "../wasm/parallel.js";
import type { Rng } from "../rng.js";
import { Layer, initWeightAndBias, type InitScheme, type LayerSpec, type Mode, type Param, type ParamSpec, type Shape } from "./layer.js";

/** "valid": receptive fields stay inside the image; "same": zero-pad so the output is ⌈H/s⌉ × ⌈W/s⌉; a number: that many zeros on every side. */
export type Padding = "valid" | "same" | number;

/**
 * Which kernel pair runs the layer. "auto" is im2col (implicit GEMM): measured per example in CPU
 * time (both pairs side by side at B = 10, relaxed build; `npm run bench -- conv`), the direct loops were slower on every shape
 * tried: the book's first layer 2.9× forward / 2.1× backward, its second 8.6× / 6.3×, 3×3 "same" on 16
 * channels 2.3× / 2.2×, 3×3 stride 2 4.2× / 5.2×, 1×1 3.1× / 2.8×. The direct pair stays as the
 * tested reference.
 */
export type ConvAlgorithm = "auto" | "im2col" | "direct";

export interface Conv2DOptions {
  /** Number of feature maps F. */
  filters: number;
  /** Receptive field size k (k × k). */
  kernel: number;
  /** Stride s (default 1). */
  stride?: number;
  /** Default "valid". */
  padding?: Padding;
  /** Default "auto". */
  algorithm?: ConvAlgorithm;
}

/** Output size and leading (top/left) padding along one axis. */
function axis(n: number, k: number, s: number, padding: Padding): { out: number; pad: number } {
  if (padding === "same") {
    const out = Math.ceil(n / s);
    return { out, pad: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
  }
  const pad = padding === "valid" ? 0 : padding;
  return { out: Math.floor((n + 2 * pad - k) / s) + 1, pad };
}


export class Conv2D extends Layer {
  readonly channels: number;
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;
  readonly algorithm: ConvAlgorithm;
  /** The kernels that run: the requested algorithm, or the one "auto" chose. */
  readonly uses: "im2col" | "direct";
  /** Zero rows/columns before the image (top, left). */
  readonly pad: number;
  private e!: Engine;
  private w!: Param;
  private b!: Param;
  private inp: Ptr = 0;
  private out: Ptr = 0;
  /** im2col's input-gradient buffer (and, with threads, every thread's partial sums). */
  private dcol: Ptr = 0;
  private dinp: Ptr = 0;

  /** A convolution over examples of inShape = [C, H, W]. */
  constructor(inShape: Shape, opts: Conv2DOptions) {
    const where = `Conv2D over input [${inShape.join(", ")}]`;
    if (inShape.length !== 3 || !inShape.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new RangeError(`simdnet: ${where}: the input shape must be [channels, height, width] of positive integers`);
    }
    const { filters, kernel } = opts;
    const stride = opts.stride ?? 1;
    const padding = opts.padding ?? "valid";
    const algorithm = opts.algorithm ?? "auto";
    for (const [name, v] of [["filters", filters], ["kernel", kernel], ["stride", stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`simdnet: ${where}: ${name} must be a positive integer, got ${v}`);
    }
    if (padding !== "valid" && padding !== "same" && !(Number.isInteger(padding) && padding >= 0)) {
      throw new RangeError(`simdnet: ${where}: padding must be "valid", "same" or a non-negative integer, got ${JSON.stringify(padding)}`);
    }
    if (algorithm !== "auto" && algorithm !== "im2col" && algorithm !== "direct") {
      throw new TypeError(`simdnet: ${where}: algorithm must be "auto", "im2col" or "direct", got ${JSON.stringify(algorithm)}`);
    }
    const [C, H, W] = inShape;
    if (padding === "valid" && (kernel > H || kernel > W)) {
      throw new RangeError(`simdnet: ${where}: a ${kernel}×${kernel} kernel is larger than the ${H}×${W} input; use a smaller kernel or padding "same"`);
    }
    const y = axis(H, kernel, stride, padding);
    const x = axis(W, kernel, stride, padding);
    if (y.out < 1 || x.out < 1) {
      throw new RangeError(`simdnet: ${where}: a ${kernel}×${kernel} kernel with padding ${padding} leaves no output positions`);
    }
    if (y.pad >= kernel || x.pad >= kernel) {
      throw new RangeError(`simdnet: ${where}: padding ${y.pad} must be smaller than the ${kernel}×${kernel} kernel`);
    }
    super(inShape, [filters, y.out, x.out]);
    this.channels = C;
    this.filters = filters;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.algorithm = algorithm;
    this.pad = y.pad;
    if (x.pad !== y.pad) throw new RangeError(`simdnet: ${where}: padding "same" needs the same padding on both axes (${y.pad} vs ${x.pad}); use a square input or a number`);
    this.uses = algorithm === "direct" ? "direct" : "im2col";
  }

  /** Values per receptive field: C·k·k (the fan-in of every output). */
  get fanIn(): number {
    return this.channels * this.kernel * this.kernel;
  }

  override paramSpecs(): ParamSpec[] {
    return [
      { name: "weight", shape: [this.filters, this.channels, this.kernel, this.kernel], decay: true },
      { name: "bias", shape: [this.filters], decay: false },
    ];
  }

  override bind([w, b]: Param[]): void {
    this.w = w;
    this.b = b;
  }

  /** "default": W ~ N(0, 1/(C·k·k)), network2's 1/√n_in with the receptive field as n_in; b ~ N(0, 1). "large": both N(0, 1). "he": W ~ N(0, 2/(C·k·k)), b = 0. */
  override init(rng: Rng, scheme: InitScheme): void {
    initWeightAndBias(rng, scheme, this.fanIn, this.w, this.b);
  }

  get weight(): Param {
    return this.w;
  }

  get bias(): Param {
    return this.b;
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outSize);
    this.dinp = e.alloc(maxBatch * this.inSize);
    if (this.uses === "im2col") this.dcol = e.alloc(convScratchFloats(e, this.channels, this.kernel, this.filters, this.outShape[1], this.outShape[2]));
  }

  forward(inp: Ptr, B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    this.inp = inp;
    const [C, H, W] = this.inShape;
    const [F, OH, OW] = this.outShape;
    const k = this.e.k;
    if (this.uses === "im2col") {
      k.conv2d_forward(this.out, inp, this.w.value, this.b.value, this.e.gemmScratch, B, C, H, W, F, this.kernel, this.stride, this.pad, OH, OW);
    } else {
      k.conv2d_direct_forward(this.out, inp, this.w.value, this.b.value, B, C, H, W, F, this.kernel, this.stride, this.pad, OH, OW);
    }
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    const [C, H, W] = this.inShape;
    const [F, OH, OW] = this.outShape;
    const k = this.e.k;
    const dinp = needDinp ? this.dinp : 0;
    if (needDinp) k.fill(dinp, B * this.inSize, 0); // the kernels add into dinp
    if (this.uses === "im2col") {
      k.conv2d_backward(dinp, this.w.grad, this.b.grad, dout, this.inp, this.w.value, this.dcol, this.e.gemmScratch, B, C, H, W, F,
                        this.kernel, this.stride, this.pad, OH, OW);
    } else {
      k.conv2d_direct_backward(dinp, this.w.grad, this.b.grad, dout, this.inp, this.w.value, B, C, H, W, F, this.kernel, this.stride, this.pad, OH, OW);
    }
    return dinp;
  }

  spec(): LayerSpec {
    return { type: "conv2d", filters: this.filters, kernel: this.kernel, stride: this.stride, padding: this.padding, algorithm: this.algorithm };
  }
}
