/**
 * A stack of layers over two flat buffers, params and grads, laid out identically with every decaying
 * weight before every bias (llm.c's malloc_and_point_parameters): zeroing gradients is one fill, and an
 * SGD step is two fused kernel calls, one over the weights (with L2/L1) and one over the biases.
 */
import { defaultEngine, type Engine, type Ptr } from "./wasm/engine.js";
import { Rng, checkSeed } from "./rng.js";
import { Layer, checkInit, layoutParams, type InitScheme, type Param } from "./layers/layer.js";
import { Dense } from "./layers/dense.js";
import { Activation, checkActivation, type ActivationName } from "./layers/activation.js";
import { Softmax } from "./layers/softmax.js";
import { Dropout } from "./layers/dropout.js";
import { getCost, type Cost, type CostName } from "./loss/costs.js";
import { ResidentData, validateDataSet, type DataSet } from "./data/dataset.js";

/** Options for a {@link Network}. */
export interface NetworkOptions {
  /** The engine to run on (default: the one {@link init} created). */
  engine?: Engine;
  /** Cost function (default "cross-entropy", network2's default; "log-likelihood" for softmax outputs). */
  cost?: CostName;
  /** Hidden-layer activation for the sizes shorthand (default "sigmoid", as in the book). */
  activation?: ActivationName;
  /** Output layer for the sizes shorthand: "sigmoid" (default), "softmax", or any activation. */
  output?: ActivationName | "softmax";
  /** Dropout rate on hidden layers for the sizes shorthand (default 0). */
  dropout?: number;
  /**
   * Weight initialization (default "default", the book's): "default" W ~ N(0, 1/n_in), b ~ N(0, 1);
   * "large" W, b ~ N(0, 1); "he" W ~ N(0, 2/n_in), b = 0 (He et al. 2015: the usual choice for ReLU).
   */
  init?: InitScheme;
  /** Seed for initialization and dropout masks (default 0). */
  seed?: number;
  /**
   * false: skip the random initialization (parameters stay 0) for a caller that sets every parameter
   * next, as loading a saved model does; nothing is drawn, so the inference build needs no RNG kernels.
   * The generator is seeded on first use and advanced past the skipped initialization, so whatever
   * draws follow (dropout masks) are the ones an initialized network makes. Default true.
   */
  initialize?: boolean;
}

/** Accuracy and cost of a network on a data set. */
export interface Evaluation {
  /** Examples classified correctly (argmax of the output = label); NaN when there are no labels. */
  correct: number;
  n: number;
  /** correct / n. */
  accuracy: number;
  /** Mean cost over the set, plus the regularization terms λ/2n·Σw² and λ₁/n·Σ|w| when given. */
  cost: number;
}

/** Builds Nielsen's layer list from sizes: Dense + activation per layer, dropout after hidden ones. */
function layersFromSizes(sizes: readonly number[], o: NetworkOptions): Layer[] {
  if (!Array.isArray(sizes) || sizes.length < 2) throw new RangeError(`simdnet: sizes must list at least 2 layer sizes, got [${String(sizes)}]`);
  const hidden = checkActivation(o.activation ?? "sigmoid");
  const output = o.output ?? "sigmoid";
  const layers: Layer[] = [];
  for (let i = 1; i < sizes.length; i++) {
    layers.push(new Dense(sizes[i - 1], sizes[i]));
    const last = i === sizes.length - 1;
    if (!last) {
      layers.push(new Activation(hidden, [sizes[i]]));
      if (o.dropout) layers.push(new Dropout(o.dropout, [sizes[i]]));
    } else if (output === "softmax") layers.push(new Softmax(sizes[i]));
    else layers.push(new Activation(checkActivation(output), [sizes[i]]));
  }
  return layers;
}

export class Network {
  readonly engine: Engine;
  readonly layers: readonly Layer[];
  readonly cost: Cost;
  /** Every trainable tensor, weights first. */
  readonly params: readonly Param[];
  readonly numParams: number;
  /** Number of leading parameters that decay (all the weights). */
  readonly numWeights: number;
  /** Flat parameter and gradient buffers (numParams f32 each, identical layout). */
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
  readonly seed: number;

  private capacity = 0;
  private xBuf: Ptr = 0;
  private yBuf: Ptr = 0;
  private labBuf: Ptr = 0;
  private deltaBuf: Ptr = 0;
  private resident = new WeakMap<DataSet, ResidentData>();
  private generator: Rng | null = null;
  private readonly rngState: Ptr = 0;
  private readonly scheme: InitScheme;

  /**
   * `new Network([784, 30, 10], opts)` builds the book's sigmoid network (Dense + activation per
   * layer); `new Network([layer, layer, …], opts)` takes an explicit layer list.
   */
  constructor(arch: readonly number[] | readonly Layer[], opts: NetworkOptions = {}) {
    this.engine = opts.engine ?? defaultEngine();
    const layers = arch.length > 0 && arch[0] instanceof Layer ? [...(arch as Layer[])] : layersFromSizes(arch as number[], opts);
    if (layers.length === 0) throw new RangeError("simdnet: a network needs at least one layer");
    for (let i = 1; i < layers.length; i++) {
      const a = layers[i - 1].outSize;
      const b = layers[i].inSize;
      if (a !== b) {
        throw new RangeError(`simdnet: layer ${i - 1} (${layers[i - 1].spec().type}) outputs ${a} values per example but layer ${i} (${layers[i].spec().type}) expects ${b}`);
      }
    }
    this.layers = layers;
    this.cost = getCost(opts.cost ?? (layers[layers.length - 1] instanceof Softmax ? "log-likelihood" : "cross-entropy"));
    if (this.cost.name === "log-likelihood" && !(layers[layers.length - 1] instanceof Softmax)) {
      throw new Error("simdnet: the log-likelihood cost needs a softmax output layer (chapter 3); add one or use cross-entropy");
    }

    ({ params: this.params, numParams: this.numParams, numWeights: this.numWeights, paramPtr: this.paramPtr, gradPtr: this.gradPtr } = layoutParams(
      this.engine,
      layers.map((l, li) => [String(li), l] as const),
    ));

    this.seed = opts.seed ?? 0;
    this.scheme = opts.init ?? "default";
    if (opts.initialize === false) {
      checkSeed(this.seed);
      this.rngState = this.engine.alloc(4);
      checkInit(this.scheme);
      return;
    }
    this.generator = new Rng(this.engine, this.seed);
    checkInit(this.scheme);
    for (const l of layers) l.init(this.generator, this.scheme);
  }

  /** The generator for initialization and dropout masks. */
  get rng(): Rng {
    return (this.generator ??= this.skippedInit());
  }

  /** The generator of a network built with `initialize: false`: seeded, then advanced past the initialization it skipped. */
  private skippedInit(): Rng {
    const rng = new Rng(this.engine, this.seed, this.rngState);
    const params = this.getParams();
    for (const l of this.layers) l.init(rng, this.scheme);
    this.setParams(params);
    return rng;
  }

  /** Values per example going in. */
  get inputSize(): number {
    return this.layers[0].inSize;
  }

  /** Values per example coming out. */
  get outputSize(): number {
    return this.layers[this.layers.length - 1].outSize;
  }

  /** The batch size the activation buffers hold. */
  get batchCapacity(): number {
    return this.capacity;
  }

  /**
   * Sizes every activation buffer for batches of up to maxBatch examples. Called by the trainer and
   * the evaluation helpers before they start, so that no step allocates or grows memory.
   */
  prepare(maxBatch: number): void {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`simdnet: batch size must be a positive integer, got ${maxBatch}`);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    for (const l of this.layers) l.allocate(e, maxBatch);
    this.xBuf = e.alloc(maxBatch * this.inputSize);
    this.yBuf = e.alloc(maxBatch * this.outputSize);
    this.deltaBuf = e.alloc(maxBatch * this.outputSize);
    this.labBuf = e.alloc(maxBatch);
    this.capacity = maxBatch;
  }

  /** Runs B examples at x (B, inputSize) through every layer; returns the output pointer. */
  forwardPtr(x: Ptr, B: number, training = false): Ptr {
    const net = this;
    const mode = { training, get rng() { return net.rng; } }; // drawn from only when training
    for (const l of this.layers) x = l.forward(x, B, mode);
    return x;
  }

  /**
   * Whether the cost cancels the output layer's derivative (cross-entropy after sigmoid,
   * log-likelihood after softmax): then δ at z is simply (a − y)/B and that layer's backward is skipped.
   */
  get fusedOutput(): boolean {
    const top = this.layers[this.layers.length - 1];
    return (this.cost.fusesWith === "softmax" && top instanceof Softmax) ||
      (this.cost.fusesWith === "sigmoid" && top instanceof Activation && top.fn === "sigmoid");
  }

  /**
   * Backpropagation for the last forward with targets y: ADDS ∂C/∂params (mean over the batch) into
   * the grads buffer. With a fused cost/output pair, δ at z = (a − y)/B seeds the layer below the output.
   */
  backwardPtr(out: Ptr, y: Ptr, B: number): void {
    const e = this.engine;
    const n = B * this.outputSize;
    const last = this.layers.length - 1;
    const fused = this.fusedOutput;
    // BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), or a − y when the cost cancels σ' (cross-entropy/sigmoid, log-likelihood/softmax)
    if (fused) e.k.cost_diff(this.deltaBuf, out, y, n, 1 / B);
    else this.cost.grad(e, this.deltaBuf, out, y, n, 1 / B);
    let d = this.deltaBuf;
    for (let i = fused ? last - 1 : last; i >= 0; i--) d = this.layers[i].backward(d, B, i > 0);
  }

  /**
   * The mean cost over a batch given as arrays (inputs B × inputSize, targets B × outputs), with its
   * gradient left in the grads buffer (read it with {@link getGrads}). For tests and full-batch methods.
   */
  lossAndGradient(inputs: ArrayLike<number>, targets: ArrayLike<number>, training = false): number {
    const B = inputs.length / this.inputSize;
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`simdnet: inputs hold ${inputs.length} values; expected a non-empty multiple of ${this.inputSize}`);
    if (targets.length !== B * this.outputSize) throw new RangeError(`simdnet: targets hold ${targets.length} values; expected ${B} × ${this.outputSize}`);
    this.prepare(B);
    this.engine.write(this.xBuf, inputs);
    this.engine.write(this.yBuf, targets);
    this.zeroGrad();
    const out = this.forwardPtr(this.xBuf, B, training);
    const cost = this.cost.fn(this.engine, out, this.yBuf, B, this.outputSize) / B;
    this.backwardPtr(out, this.yBuf, B);
    return cost;
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
    if (values.length !== this.numParams) throw new RangeError(`simdnet: setParams got ${values.length} values; this network has ${this.numParams}`);
    this.engine.write(this.paramPtr, values);
  }

  /** A copy of all gradients (same layout as params). */
  getGrads(): Float32Array {
    return this.engine.read(this.gradPtr, this.numParams);
  }

  /** The resident (wasm-memory) copy of a data set, uploaded on first use and validated then. */
  residentData(d: DataSet, what = "data"): ResidentData {
    let r = this.resident.get(d);
    if (!r) {
      validateDataSet(d, this.inputSize, this.outputSize, what);
      r = new ResidentData(this.engine, d, this.inputSize, this.outputSize);
      this.resident.set(d, r);
    }
    return r;
  }

  /** Internal batch buffers for the trainer: inputs (B, inputSize), targets (B, outputs), labels (B). */
  get buffers(): { x: Ptr; y: Ptr; lab: Ptr } {
    return { x: this.xBuf, y: this.yBuf, lab: this.labBuf };
  }

  /**
   * Outputs for inputs given as one example (inputSize values) or many (a multiple of inputSize,
   * example-major). Returns a new Float32Array of (count, outputSize).
   */
  feedforward(inputs: ArrayLike<number>): Float32Array {
    const C = this.outputSize;
    const out = new Float32Array(this.countExamples(inputs) * C);
    this.runChunks(inputs, (o, s, B) => out.set(this.engine.f32(o, B * C), s * C));
    return out;
  }

  /** The predicted class (argmax of the output) of each example in inputs. */
  predict(inputs: ArrayLike<number>): Int32Array {
    const pred = new Int32Array(this.countExamples(inputs));
    this.runChunks(inputs, (o, s, B) => {
      this.engine.k.row_argmax(this.labBuf, o, B, this.outputSize);
      pred.set(this.engine.i32(this.labBuf, B), s);
    });
    return pred;
  }

  /** How many examples inputs holds; throws unless it is a non-empty multiple of inputSize. */
  private countExamples(inputs: ArrayLike<number>): number {
    const size = this.inputSize;
    if (inputs.length === 0 || inputs.length % size !== 0) {
      throw new RangeError(`simdnet: feedforward got ${inputs.length} values; expected a non-empty multiple of the network's ${size} inputs`);
    }
    return inputs.length / size;
  }

  /** Forwards inputs in chunks of the batch capacity; `use` gets each chunk's output pointer. */
  private runChunks(inputs: ArrayLike<number>, use: (out: Ptr, start: number, B: number) => void): void {
    const size = this.inputSize;
    const count = this.countExamples(inputs);
    this.prepare(Math.min(count, 256));
    const arr = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
    for (let s = 0; s < count; s += this.capacity) {
      const B = Math.min(this.capacity, count - s);
      this.engine.write(this.xBuf, arr.subarray(s * size, (s + B) * size));
      // NaN/Inf check by kernel (a JS loop over every input would cost as much as the network)
      if (this.engine.k.count_nonfinite(this.xBuf, B * size) > 0) {
        const i = arr.subarray(s * size, (s + B) * size).findIndex((v) => !Number.isFinite(v)) + s * size;
        throw new RangeError(`simdnet: feedforward input ${i} is ${arr[i]}; inputs must be finite`);
      }
      use(this.forwardPtr(this.xBuf, B), s, B);
    }
  }

  /**
   * Accuracy and mean cost on a data set (network2's accuracy and total_cost), in chunks through the
   * kernels. lambda/l1 add the regularization terms λ/2n·Σw² and λ₁/n·Σ|w| with n = data.n, as network2.
   */
  evaluate(data: DataSet, opts: { lambda?: number; l1?: number } = {}): Evaluation {
    this.prepare(256);
    const r = this.residentData(data);
    const { x, y, lab } = this.buffers;
    const e = this.engine;
    const C = this.outputSize;
    let correct = 0;
    let cost = 0;
    for (let s = 0; s < r.n; s += this.capacity) {
      const B = Math.min(this.capacity, r.n - s);
      r.gather(r.iota + 4 * s, B, x, y, lab);
      const out = this.forwardPtr(x, B);
      cost += this.cost.fn(e, out, y, B, C);
      if (r.hasLabels) correct += e.k.count_argmax_equal(out, lab, B, C);
    }
    cost /= r.n;
    cost += this.regularization(r.n, opts.lambda ?? 0, opts.l1 ?? 0);
    const accuracy = r.hasLabels ? correct / r.n : NaN;
    return { correct: r.hasLabels ? correct : NaN, n: r.n, accuracy, cost };
  }

  /** λ/2n·Σw² + λ₁/n·Σ|w| over the weights (network2's regularization term in total_cost). */
  regularization(n: number, lambda: number, l1: number): number {
    let r = 0;
    if (lambda) r += (0.5 * lambda * this.engine.k.sum_squares(this.paramPtr, this.numWeights)) / n;
    if (l1) r += (l1 * this.engine.k.sum_abs(this.paramPtr, this.numWeights)) / n;
    return r;
  }
}
