/**
 * The layer contract: a pair of kernel calls plus the pointers that connect them (ConvNetJS's
 * forward/backward/params, as llm.c pointers). Activations are batch-major: a (B, ...) buffer holds
 * B examples back to back, each laid out as the layer's per-example shape (NCHW for images).
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import type { Shape } from "../tensor.js";

export type { Shape } from "../tensor.js";

/** A trainable tensor: its value and gradient are slices of the network's flat params / grads buffers. */
export interface Param {
  readonly name: string;
  readonly shape: Shape;
  readonly size: number;
  /** Weights decay under L2/L1; biases don't (as in the book). */
  readonly decay: boolean;
  readonly value: Ptr;
  readonly grad: Ptr;
}

/** What a layer asks the network to lay out for it. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly decay: boolean;
}

/** How weights are drawn: network2's default N(0, 1/n_in), or the "large" N(0, 1) of network.py. */
export type InitScheme = "default" | "large";

/** Per-call context: whether we are training (dropout on) and the generator for masks. */
export interface Mode {
  readonly training: boolean;
  readonly rng: Rng;
}

/** A JSON description of a layer, enough to rebuild it (save/load, the CLI's --arch). */
export type LayerSpec = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A layer over one engine. Subclasses implement the kernel calls. */
export abstract class Layer {
  /** Batch capacity the activation buffers were sized for (0 until {@link allocate}). */
  protected maxBatch = 0;

  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
  ) {}

  /** Values per example going in. */
  get inSize(): number {
    return this.inShape.reduce((a, b) => a * b, 1);
  }

  /** Values per example coming out. */
  get outSize(): number {
    return this.outShape.reduce((a, b) => a * b, 1);
  }

  /** The parameters to lay out, in order (none by default). */
  paramSpecs(): ParamSpec[] {
    return [];
  }

  /** Receives this layer's slices of the network's params / grads, in paramSpecs() order. */
  bind(_params: Param[]): void {}

  /** Draws initial parameters. */
  init(_rng: Rng, _scheme: InitScheme): void {}

  /** Allocates activation buffers for batches of up to maxBatch examples (once per network). */
  abstract allocate(e: Engine, maxBatch: number): void;

  /** Runs the layer on B examples at inp; returns the pointer to its (B, outSize) output. */
  abstract forward(inp: Ptr, B: number, mode: Mode): Ptr;

  /**
   * Given dL/dout for the last forward, ADDS parameter gradients into the grads buffer and returns
   * dL/dinp (or 0 when needDinp is false: the first layer's input gradient is never used).
   */
  abstract backward(dout: Ptr, B: number, needDinp: boolean): Ptr;

  /** The JSON that rebuilds this layer. */
  abstract spec(): LayerSpec;

  /** Throws unless B fits the buffers sized by allocate(). */
  protected checkBatch(B: number): void {
    if (!Number.isInteger(B) || B < 1 || B > this.maxBatch) {
      throw new RangeError(`simdnet: batch of ${B} examples, but this network's buffers hold 1..${this.maxBatch}`);
    }
  }
}
