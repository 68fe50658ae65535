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

/** State saved with a model but never trained (e.g. running statistics): a slice of the model's buffers section. */
export interface StateBuffer {
  readonly name: string;
  readonly shape: Shape;
  readonly size: number;
  readonly value: Ptr;
}

/** What a layer asks the model to lay out in its buffers section. */
export interface BufferSpec {
  readonly name: string;
  readonly shape: Shape;
}

/**
 * The context of an R-operator pass (Pearlmutter's exact Hessian-vector product, src/train/hessian.ts):
 * the batch size, the direction v and the product being accumulated, both laid out like the model's
 * parameters, and `at` to find a parameter's slice in either.
 */
export interface RPass {
  readonly e: Engine;
  readonly B: number;
  /** The direction v (parameter-shaped). */
  readonly v: Ptr;
  /** Where R{∂C/∂θ} accumulates (parameter-shaped). */
  readonly out: Ptr;
  /** The slice of a parameter-shaped buffer that matches a parameter pointer of the model. */
  at(buf: Ptr, param: Ptr): Ptr;
}

/** Where a layer sits, for {@link Layer.rOpUnsupported}: whether it is the output and the cost cancels its derivative. */
export interface RPlace {
  readonly last: boolean;
  readonly fusedOutput: boolean;
}

/** What a layer asks the network to lay out for it. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly decay: boolean;
}

/** Every {@link InitScheme}, in the order error messages list them. */
export const INIT_SCHEMES = ["default", "large", "he"] as const;

/**
 * How weights and biases are drawn, with n_in a unit's fan-in (inputs for Dense, C·k·k for Conv2D):
 * "default" W ~ N(0, 1/n_in), b ~ N(0, 1) (network2's default_weight_initializer, the book's choice);
 * "large" W, b ~ N(0, 1) (network.py); "he" W ~ N(0, 2/n_in), b = 0 (He et al. 2015, the usual choice
 * for ReLU nets: with "default", some seeds push a whole ReLU layer below zero within a few steps).
 */
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** Returns s if it names an {@link InitScheme}; otherwise throws, naming the accepted values. */
export function checkInit(s: unknown, where = "simdnet: init"): InitScheme {
  if (!(INIT_SCHEMES as readonly unknown[]).includes(s)) {
    throw new RangeError(`${where} must be one of ${INIT_SCHEMES.map((v) => JSON.stringify(v)).join(", ")}; got ${JSON.stringify(s)}`);
  }
  return s as InitScheme;
}

/** Draws a weight tensor and its bias under `scheme`, for units with `fanIn` inputs each. */
export function initWeightAndBias(rng: Rng, scheme: InitScheme, fanIn: number, w: Param, b: Param): void {
  const std = scheme === "large" ? 1 : scheme === "he" ? Math.sqrt(2 / fanIn) : 1 / Math.sqrt(fanIn);
  rng.fillNormal(w.value, w.size, 0, std);
  // N(0, 0) is exactly +0 (0·z + 0 with z finite), as the RNN's biases do it
  rng.fillNormal(b.value, b.size, 0, scheme === "he" ? 0 : 1);
}

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

  /** The saved, never-trained state to lay out in the model's buffers section (none by default). */
  bufferSpecs(): BufferSpec[] {
    return [];
  }

  /** Receives this layer's slices of the buffers section, in bufferSpecs() order. */
  bindBuffers(_buffers: StateBuffer[]): void {}

  /** The per-example shapes of the inputs: one for most layers; Add and Concat take several. */
  get inShapes(): readonly Shape[] {
    return [this.inShape];
  }

  /** Runs the layer on its inputs (one pointer per {@link inShapes} entry); single-input layers need not override it. */
  forwardMany(inps: readonly Ptr[], B: number, mode: Mode): Ptr {
    return this.forward(inps[0], B, mode);
  }

  /** dL/d(each input) for the last forward (0 where need[i] is false), ADDING parameter gradients as {@link backward}. */
  backwardMany(dout: Ptr, B: number, need: readonly boolean[]): Ptr[] {
    return [this.backward(dout, B, need[0])];
  }

  /**
   * Why this layer has no exact R-operator where it sits (null: it has one, {@link rForward} and
   * {@link rBackward} run). A layer without one makes Hessian-vector products fall back to finite
   * differences, declared by this answer, never silently.
   */
  rOpUnsupported(_place: RPlace): string | null {
    return "has no R-operator";
  }

  /**
   * R-forward beside the forward: out = f(inp) into `out` and R{out} = J R{inp} + (∂out/∂θ) v into
   * `rout` (rinp 0: R{inp} = 0), both buffers the caller's (B · outSize values).
   */
  rForward(_r: RPass, _out: Ptr, _rout: Ptr, _inp: Ptr, _rinp: Ptr): void {
    throw new Error(`simdnet: the ${this.spec().type} layer has no R-operator`);
  }

  /**
   * R-backward: from dL/dout and R{dL/dout}, ADDS R{∂C/∂θ} into r.out and (when needDinp) writes dL/dinp
   * and R{dL/dinp}; `out` is this layer's output from {@link rForward}, inp / rinp its inputs (rinp 0: zero).
   */
  rBackward(_r: RPass, _dinp: Ptr, _rdinp: Ptr, _dout: Ptr, _rdout: Ptr, _out: Ptr, _inp: Ptr, _rinp: Ptr, _needDinp: boolean): void {
    throw new Error(`simdnet: the ${this.spec().type} layer has no R-operator`);
  }

  /** {@link rForward} of a layer that passes its input through (out = inp, R{out} = R{inp}). */
  protected rIdentityForward(r: RPass, out: Ptr, rout: Ptr, inp: Ptr, rinp: Ptr): void {
    const n = r.B * this.outSize;
    r.e.k.copy(out, inp, n);
    if (rinp) r.e.k.copy(rout, rinp, n);
    else r.e.k.fill(rout, n, 0);
  }

  /** {@link rBackward} of a layer that passes its input through. */
  protected rIdentityBackward(r: RPass, dinp: Ptr, rdinp: Ptr, dout: Ptr, rdout: Ptr): void {
    const n = r.B * this.inSize;
    r.e.k.copy(dinp, dout, n);
    r.e.k.copy(rdinp, rdout, n);
  }

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

/** Anything that owns parameters (and perhaps buffers): a layer, or a part of a sequence model. */
export interface ParamOwner {
  paramSpecs(): ParamSpec[];
  bind(params: Param[]): void;
  bufferSpecs?(): BufferSpec[];
  bindBuffers?(buffers: StateBuffer[]): void;
}

/** The flat parameter and gradient buffers of a model, and each tensor's slice of them. */
export interface ParamLayout {
  /** Every trainable tensor, weights first. */
  readonly params: readonly Param[];
  readonly numParams: number;
  /** Number of leading parameters that decay (all the weights). */
  readonly numWeights: number;
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
}

/**
 * Lays out the owners' parameters in two identical flat buffers, every decaying weight before every
 * bias (llm.c's malloc_and_point_parameters: zeroing gradients is one fill, an update two fused
 * passes), binds each owner to its slices, and names each tensor `<prefix>.<spec name>`.
 */
export function layoutParams(engine: Engine, owners: readonly (readonly [prefix: string, owner: ParamOwner])[]): ParamLayout {
  const specs = owners.flatMap(([prefix, o], oi) => o.paramSpecs().map((s) => ({ ...s, oi, name: `${prefix}.${s.name}`, size: s.shape.reduce((a, b) => a * b, 1) })));
  const ordered = [...specs.filter((s) => s.decay), ...specs.filter((s) => !s.decay)];
  const numParams = ordered.reduce((a, s) => a + s.size, 0);
  const numWeights = ordered.filter((s) => s.decay).reduce((a, s) => a + s.size, 0);
  const paramPtr = engine.alloc(Math.max(numParams, 1));
  const gradPtr = engine.alloc(Math.max(numParams, 1));
  const slices = new Map<(typeof specs)[number], Param>();
  let off = 0;
  for (const s of ordered) {
    slices.set(s, { name: s.name, shape: s.shape, size: s.size, decay: s.decay, value: paramPtr + 4 * off, grad: gradPtr + 4 * off });
    off += s.size;
  }
  owners.forEach(([, o], oi) => o.bind(specs.filter((s) => s.oi === oi).map((s) => slices.get(s)!)));
  return { params: ordered.map((s) => slices.get(s)!), numParams, numWeights, paramPtr, gradPtr };
}

/**
 * Lays out the owners' buffers (saved, never trained) in one flat buffer, in owner order, binds each
 * owner to its slices and names each `<prefix>.<spec name>`. Allocates nothing when no owner has any.
 */
export function layoutBuffers(engine: Engine, owners: readonly (readonly [prefix: string, owner: ParamOwner])[]): { buffers: StateBuffer[]; numBuffers: number; bufferPtr: Ptr } {
  const specs = owners.map(([prefix, o]) => (o.bufferSpecs?.() ?? []).map((s) => ({ name: `${prefix}.${s.name}`, shape: s.shape, size: s.shape.reduce((a, b) => a * b, 1) })));
  const numBuffers = specs.flat().reduce((a, s) => a + s.size, 0);
  if (numBuffers === 0) return { buffers: [], numBuffers: 0, bufferPtr: 0 };
  const bufferPtr = engine.alloc(numBuffers);
  engine.write(bufferPtr, new Float32Array(numBuffers));
  const all: StateBuffer[] = [];
  let off = 0;
  owners.forEach(([, o], oi) => {
    const mine = specs[oi].map((s) => {
      const b = { ...s, value: bufferPtr + 4 * off };
      off += s.size;
      return b;
    });
    all.push(...mine);
    if (mine.length) o.bindBuffers?.(mine);
  });
  return { buffers: all, numBuffers, bufferPtr };
}
