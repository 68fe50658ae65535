/**
 * What the four sequence models share: parameters laid out as in Network (every decaying weight, then
 * every bias, in two identical flat buffers), so the same Trainer (sgd_update, schedules, early stopping,
 * checkpoints) drives them; and token data resident in wasm memory (ids, 0 = padding).
 */
import { defaultEngine, type Engine, type Ptr } from "../wasm/engine.js";
import { Rng } from "../rng.js";
import { layoutParams, type Param, type ParamOwner } from "../layers/layer.js";
import type { DataSet } from "../data/dataset.js";
import type { Evaluation } from "../network.js";
import type { SgdOptions, TrainableModel } from "../train/options.js";
import type { RnnActivation } from "./rnn.js";

/** Options every sequence model takes. */
export interface SequenceModelOptions {
  /** The engine to run on (default: the one init() created). */
  engine?: Engine;
  /** Seed for initialization (and the default sampling seed); default 0. */
  seed?: number;
  /** State nonlinearity (default "tanh"). */
  activation?: RnnActivation;
}

/** Something with parameters: an RNN layer, a readout, a bridge. */
export interface Part extends ParamOwner {
  init(rng: Rng): void;
}

/** The batch-order buffers the trainer shuffles, over data uploaded once. */
export interface Resident {
  readonly n: number;
  readonly order: Ptr;
  resetOrder(): void;
}

export function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

export function positiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) fail(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Hidden sizes from a number or a list (one RNN layer per entry). */
export function hiddenSizes(h: number | readonly number[]): number[] {
  const list = typeof h === "number" ? [h] : Array.isArray(h) ? [...h] : fail(`hidden must be a number or a list of numbers, got ${String(h)}`);
  if (list.length === 0) fail("hidden must list at least one layer size");
  list.forEach((v, i) => positiveInt(`hidden size ${list.length > 1 ? `of layer ${i} ` : ""}`.trim(), v));
  return list;
}

/** Token sequences resident in wasm memory as i32 ids (n, L), gathered by kernels into mini-batches. */
export class TokenData implements Resident {
  readonly n: number;
  readonly L: number;
  readonly ids: Ptr;
  readonly iota: Ptr;
  readonly order: Ptr;

  constructor(
    private readonly e: Engine,
    d: DataSet,
    vocab: number,
    what: string,
  ) {
    if (!d || typeof d !== "object" || !(d.inputs instanceof Uint8Array || d.inputs instanceof Int32Array || d.inputs instanceof Float32Array)) fail(`${what} must be a DataSet of token ids`);
    positiveInt(`${what}.n`, d.n);
    this.n = d.n;
    this.L = d.inputShape.reduce((a, b) => a * b, 1);
    if (d.inputs.length !== d.n * this.L) fail(`${what}.inputs holds ${d.inputs.length} ids; expected n · ${this.L} = ${d.n * this.L}`);
    for (let i = 0; i < d.inputs.length; i++) {
      const v = d.inputs[i];
      if (!Number.isInteger(v) || v < 0 || v >= vocab) fail(`${what}.inputs[${i}] is ${v}; token ids must be integers in [0, ${vocab}) (0 is padding)`);
    }
    this.ids = e.alloc(d.inputs.length);
    e.i32(this.ids, d.inputs.length).set(d.inputs);
    this.iota = e.alloc(d.n);
    this.order = e.alloc(d.n);
    const iota = e.i32(this.iota, d.n);
    for (let i = 0; i < d.n; i++) iota[i] = i;
    this.resetOrder();
  }

  resetOrder(): void {
    this.e.k.copy(this.order, this.iota, this.n);
  }

  /** Sequences idx[0..B) as time-major ids (L, B) at out, through tmp (B, L). */
  gather(idx: Ptr, B: number, tmp: Ptr, out: Ptr): void {
    this.e.k.gather_rows(tmp, this.ids, idx, B, this.L);
    this.e.k.seq_transpose(out, tmp, B, this.L, 1);
  }
}

/** Base class: the flat parameter layout and the parts of {@link TrainableModel} that don't depend on the shape. */
export abstract class SequenceModel implements TrainableModel {
  readonly engine: Engine;
  readonly seed: number;
  readonly rng: Rng;
  readonly params: readonly Param[];
  readonly numParams: number;
  readonly numWeights: number;
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
  /** Sequences per batch the buffers hold (0 until prepare). */
  protected capacity = 0;
  private readonly residents = new WeakMap<DataSet, Resident>();

  protected constructor(parts: readonly (readonly [string, Part])[], opts: SequenceModelOptions) {
    this.engine = opts.engine ?? defaultEngine();
    ({ params: this.params, numParams: this.numParams, numWeights: this.numWeights, paramPtr: this.paramPtr, gradPtr: this.gradPtr } = layoutParams(this.engine, parts));
    this.seed = opts.seed ?? 0;
    if (!Number.isFinite(this.seed)) throw new TypeError(`simdnet: a seed must be a finite number, got ${this.seed}`);
    this.rng = new Rng(this.engine, this.seed);
    for (const [, p] of parts) p.init(this.rng);
  }

  /** "many-to-one", "many-to-many", "one-to-many" or "encoder-decoder". */
  abstract readonly kind: string;
  /** The constructor options as given (hidden sizes as a list, vocab as chars); config() drops the engine. */
  protected abstract readonly o: SequenceModelOptions;

  /** The constructor options (without engine) that rebuild this model: what save/load writes. */
  config(): Record<string, unknown> {
    const { engine: _e, ...rest } = this.o;
    return rest;
  }
  abstract prepare(maxBatch: number): void;
  abstract evaluate(d: DataSet, opts?: { lambda?: number; l1?: number }): Evaluation;
  abstract trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, opts: SgdOptions): void;
  /** Uploads and validates a data set for this model. */
  protected abstract makeResident(d: DataSet, what: string): Resident;

  /** The resident copy of a data set (uploaded and validated on first use). */
  residentData(d: DataSet, what = "data"): Resident {
    let r = this.residents.get(d);
    if (!r) {
      r = this.makeResident(d, what);
      this.residents.set(d, r);
    }
    return r;
  }

  zeroGrad(): void {
    this.engine.k.fill(this.gradPtr, this.numParams, 0);
  }

  /** A copy of all parameters (weights first, then biases). */
  getParams(): Float32Array {
    return this.engine.read(this.paramPtr, this.numParams);
  }

  setParams(values: ArrayLike<number>): void {
    if (values.length !== this.numParams) fail(`setParams got ${values.length} values; this model has ${this.numParams}`);
    this.engine.write(this.paramPtr, values);
  }

  /** A copy of all gradients (same layout as params). */
  getGrads(): Float32Array {
    return this.engine.read(this.gradPtr, this.numParams);
  }

  /** λ/2n·Σw² + λ₁/n·Σ|w| over the weights, as Network.regularization. */
  regularization(n: number, lambda = 0, l1 = 0): number {
    let r = 0;
    if (lambda) r += (0.5 * lambda * this.engine.k.sum_squares(this.paramPtr, this.numWeights)) / n;
    if (l1) r += (l1 * this.engine.k.sum_abs(this.paramPtr, this.numWeights)) / n;
    return r;
  }

  /** Throws unless B sequences fit the buffers. */
  protected checkBatch(B: number): void {
    if (!Number.isInteger(B) || B < 1 || B > this.capacity) fail(`batch of ${B} sequences, but this model's buffers hold 1..${this.capacity}`);
  }
}

/**
 * A time-major mask (T, B) from per-sequence lengths (each in 1..T): 1 for t < length. For the
 * public array APIs; token data gets its masks from padding ids by kernel.
 */
export function maskFromLengths(lengths: ArrayLike<number>, B: number, T: number): Float32Array {
  if (lengths.length !== B) fail(`lengths holds ${lengths.length} values; expected one per sequence (${B})`);
  const m = new Float32Array(T * B);
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    if (!Number.isInteger(len) || len < 1 || len > T) fail(`lengths[${b}] is ${len}; a sequence length must be an integer in 1..${T} (empty sequences have nothing to read)`);
    for (let t = 0; t < len; t++) m[t * B + b] = 1;
  }
  return m;
}
