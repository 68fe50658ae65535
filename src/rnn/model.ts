/**
 * What the four sequence models share beyond the {@link Model} base (the flat parameter layout, resident
 * data, the chunked loop, the file container), so the same Trainer (sgd_update, schedules, early
 * stopping, checkpoints) drives them: their options, and token data resident in wasm memory (ids,
 * 0 = padding).
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import type { ParamOwner } from "../layers/layer.js";
import type { DataSet } from "../data/dataset.js";
import { Model, type ModelOptions, type Resident } from "../model.js";
import type { RnnActivation } from "./rnn.js";

export type { Resident } from "../model.js";

/** Options every sequence model takes. */
export interface SequenceModelOptions extends ModelOptions {
  /** State nonlinearity (default "tanh"). */
  activation?: RnnActivation;
}

/** Something with parameters: an RNN layer, a readout, a bridge. */
export interface Part extends ParamOwner {
  init(rng: Rng): void;
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

/** Base class of the sequence models: a {@link Model} built from recurrent parts, saved with its options. */
export abstract class SequenceModel extends Model {
  protected constructor(parts: readonly (readonly [string, Part])[], opts: SequenceModelOptions) {
    super(parts, opts);
    for (const [, p] of parts) p.init(this.rng);
  }

  /** "many-to-one", "many-to-many", "one-to-many" or "encoder-decoder". */
  abstract override readonly kind: string;
  /** The constructor options as given (hidden sizes as a list, vocab as chars); config() drops the engine. */
  protected abstract readonly o: SequenceModelOptions;

  /** The constructor options (without engine) that rebuild this model: what save/load writes. */
  config(): Record<string, unknown> {
    const { engine: _e, ...rest } = this.o;
    return rest;
  }

  /** The file header's part for a sequence model: its kind and options. */
  fileHeader(): { format: string } & Record<string, unknown> {
    return { format: "simdnet-sequence-model", kind: this.kind, config: this.config() };
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
