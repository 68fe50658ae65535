/**
 * The one base every model kind shares (the feed-forward {@link Network} and the sequence models of
 * src/rnn/): parameters in two identical flat buffers, params and grads, every decaying weight before
 * every bias (llm.c's malloc_and_point_parameters), so zeroing gradients is one fill and an update two
 * fused passes; a *buffers* section for state that is saved with the model but never trained (running
 * statistics: no optimizer ever sees it); data sets uploaded once (resident); the one chunked loop that
 * evaluation and prediction run through; and the fields the model file container (src/io/container.ts)
 * writes. Each kind adds its forward/backward, `trainBatch` (one mini-batch, ending in the update) and
 * `evaluate`.
 */
import { defaultEngine, type Engine, type Ptr } from "./wasm/engine.js";
import { Rng, checkSeed } from "./rng.js";
import { layoutBuffers, layoutParams, type Param, type ParamOwner, type StateBuffer } from "./layers/layer.js";
import type { DataSet } from "./data/dataset.js";
import type { SgdOptions } from "./train/options.js";
import type { TensorEntry } from "./io/container.js";

/** Accuracy and cost of a model on a data set. */
export interface Evaluation {
  /** Examples classified correctly (argmax of the output = label); NaN when there are no labels. */
  correct: number;
  n: number;
  /** correct / n. */
  accuracy: number;
  /** Mean cost over the set, plus the regularization terms λ/2n·Σw² and λ₁/n·Σ|w| when given. */
  cost: number;
}

/** The batch-order buffer the trainer shuffles, over data uploaded once. */
export interface Resident {
  readonly n: number;
  readonly order: Ptr;
  resetOrder(): void;
}

/** What a model is built on: an engine and a seed. */
export interface ModelOptions {
  /** The engine to run on (default: the one init() created). */
  engine?: Engine;
  /** Seed for initialization, dropout masks and sampling (default 0). */
  seed?: number;
}

/** The base of every model kind: flat parameters and buffers, resident data, the chunked loop. */
export abstract class Model {
  readonly engine: Engine;
  readonly seed: number;
  /** Every trainable tensor, weights first. */
  readonly params: readonly Param[];
  readonly numParams: number;
  /** Number of leading parameters that decay (all the weights). */
  readonly numWeights: number;
  /** Flat parameter and gradient buffers (numParams f32 each, identical layout). */
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
  /** Saved, never-trained state (running statistics), one flat buffer; none for most models. */
  readonly stateBuffers: readonly StateBuffer[];
  readonly numBuffers: number;
  readonly bufferPtr: Ptr;
  /** Examples (sequences) per batch the activation buffers hold (0 until prepare). */
  protected capacity = 0;
  private readonly residents = new WeakMap<DataSet, Resident>();
  private generator: Rng | null = null;
  private readonly rngState: Ptr;

  /**
   * Lays out the owners' parameters (weights first) and buffers and the generator's state; subclasses
   * draw the initial values. The generator is seeded on first use ({@link rng}), so a model that only
   * loads weights and predicts never calls an RNG kernel (the inference build has none).
   */
  protected constructor(owners: readonly (readonly [prefix: string, owner: ParamOwner])[], opts: ModelOptions) {
    this.engine = opts.engine ?? defaultEngine();
    this.seed = opts.seed ?? 0;
    checkSeed(this.seed);
    ({ params: this.params, numParams: this.numParams, numWeights: this.numWeights, paramPtr: this.paramPtr, gradPtr: this.gradPtr } = layoutParams(this.engine, owners));
    ({ buffers: this.stateBuffers, numBuffers: this.numBuffers, bufferPtr: this.bufferPtr } = layoutBuffers(this.engine, owners));
    this.rngState = this.engine.alloc(4);
  }

  /** The generator for initialization, dropout masks and sampling (seeded on first use). */
  get rng(): Rng {
    return (this.generator ??= this.seedRng());
  }

  /** Seeds the generator; a model that skipped its initialization advances it past what it skipped. */
  protected seedRng(): Rng {
    return new Rng(this.engine, this.seed, this.rngState);
  }

  /** The model kind, as the file header names it ("network", "many-to-one", …). */
  abstract readonly kind: string;
  /** Sizes every activation buffer for batches of up to maxBatch examples, so no step allocates. */
  abstract prepare(maxBatch: number): void;
  /** Mean cost and accuracy on a data set (plus the L2/L1 terms when given), in chunks through the kernels. */
  abstract evaluate(d: DataSet, opts?: { lambda?: number; l1?: number }): Evaluation;
  /**
   * One mini-batch of training: the examples at order indices idx[0..B) (an i32 pointer), zeroGrad,
   * forward, backward, then `step()` (the optimizer's update); sequence models may step once per
   * truncated-BPTT window.
   */
  abstract trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, opts: SgdOptions): void;
  /** Uploads and validates a data set for this model. */
  protected abstract makeResident(d: DataSet, what: string): Resident;
  /** The header fields, beside the container's own, that rebuild this model kind (its architecture or options). */
  abstract fileHeader(): { format: string } & Record<string, unknown>;

  /** The batch size the activation buffers hold. */
  get batchCapacity(): number {
    return this.capacity;
  }

  /** The resident (wasm-memory) copy of a data set, uploaded and validated on first use. */
  residentData(d: DataSet, what = "data"): Resident {
    let r = this.residents.get(d);
    if (!r) {
      r = this.makeResident(d, what);
      this.residents.set(d, r);
    }
    return r;
  }

  /** Zeroes every gradient (one fill). */
  zeroGrad(): void {
    this.engine.k.fill(this.gradPtr, this.numParams, 0);
  }

  /** A copy of all parameters (weights first, then biases), e.g. to restore later. */
  getParams(): Float32Array {
    return this.engine.read(this.paramPtr, this.numParams);
  }

  /** Overwrites all parameters with a copy from {@link getParams}. */
  setParams(values: ArrayLike<number>): void {
    if (values.length !== this.numParams) throw new RangeError(`simdnet: setParams got ${values.length} values; this ${this.kind === "network" ? "network" : "model"} has ${this.numParams}`);
    this.engine.write(this.paramPtr, values);
  }

  /** A copy of all gradients (same layout as params). */
  getGrads(): Float32Array {
    return this.engine.read(this.gradPtr, this.numParams);
  }

  /** A copy of the buffers section (empty for models without saved state). */
  getBuffers(): Float32Array {
    return this.numBuffers ? this.engine.read(this.bufferPtr, this.numBuffers) : new Float32Array(0);
  }

  /** Overwrites the buffers section with a copy from {@link getBuffers}. */
  setBuffers(values: ArrayLike<number>): void {
    if (values.length !== this.numBuffers) throw new RangeError(`simdnet: setBuffers got ${values.length} values; this model has ${this.numBuffers}`);
    if (this.numBuffers) this.engine.write(this.bufferPtr, values);
  }

  /** The parameters' and buffers' names and shapes, as the file header lists them. */
  tensorEntries(): { params: TensorEntry[]; buffers: TensorEntry[] } {
    const entry = (t: { name: string; shape: readonly number[] }): TensorEntry => ({ name: t.name, shape: [...t.shape] });
    return { params: this.params.map(entry), buffers: this.stateBuffers.map(entry) };
  }

  /** λ/2n·Σw² + λ₁/n·Σ|w| over the weights (network2's regularization term in total_cost). */
  regularization(n: number, lambda = 0, l1 = 0): number {
    let r = 0;
    if (lambda) r += (0.5 * lambda * this.engine.k.sum_squares(this.paramPtr, this.numWeights)) / n;
    if (l1) r += (l1 * this.engine.k.sum_abs(this.paramPtr, this.numWeights)) / n;
    return r;
  }

  /**
   * The one chunked loop of evaluation and prediction: calls `each(start, B)` for consecutive chunks of
   * up to the batch capacity covering examples 0..count (prepare first).
   */
  protected eachChunk(count: number, each: (start: number, B: number) => void): void {
    for (let s = 0; s < count; s += this.capacity) each(s, Math.min(this.capacity, count - s));
  }
}
