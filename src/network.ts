/**
 * The feed-forward network: a graph of layers wired by named tensors (src/graph.ts; a plain list is the
 * common case) on the {@link Model} base's flat buffers, params and grads laid out identically with
 * every decaying weight before every bias (llm.c's malloc_and_point_parameters): zeroing gradients is
 * one fill, and an SGD step is two fused kernel calls, one over the weights (with L2/L1) and one over
 * the biases.
 */
import type { Engine, Ptr } from "./wasm/engine.js";
import { Layer, checkInit, type InitScheme } from "./layers/layer.js";
import type { Rng } from "./rng.js";
import { Model, type Evaluation } from "./model.js";
import { Graph, chainNodes, type GraphSpec } from "./graph.js";
import type { SgdOptions } from "./train/options.js";
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

export type { Evaluation } from "./model.js";

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

export class Network extends Model {
  readonly kind = "network";
  /** The layers in execution order (for a plain list, the list as given). */
  readonly layers: readonly Layer[];
  /** The layers' wiring: named tensors in topological order (a chain for a plain list). */
  readonly graph: Graph;
  readonly cost: Cost;

  private xBuf: Ptr = 0;
  private yBuf: Ptr = 0;
  private labBuf: Ptr = 0;
  private deltaBuf: Ptr = 0;
  private readonly scheme: InitScheme;
  private readonly initialized: boolean;

  /**
   * `new Network([784, 30, 10], opts)` builds the book's sigmoid network (Dense + activation per
   * layer); `new Network([layer, layer, …], opts)` takes an explicit layer list; `new Network({ nodes:
   * [{ layer, inputs: ["input"], output: "h" }, …] }, opts)` a graph of layers wired by tensor names
   * (residual Add, Concat).
   */
  constructor(arch: readonly number[] | readonly Layer[] | GraphSpec, opts: NetworkOptions = {}) {
    const spec: GraphSpec = Array.isArray(arch)
      ? { nodes: chainNodes(arch.length > 0 && arch[0] instanceof Layer ? [...(arch as Layer[])] : layersFromSizes(arch as number[], opts)) }
      : (arch as GraphSpec);
    const graph = new Graph(spec);
    const layers = graph.layers;
    const top = graph.top.layer;
    const cost = getCost(opts.cost ?? (top instanceof Softmax ? "log-likelihood" : "cross-entropy"));
    if (cost.name === "log-likelihood" && !(top instanceof Softmax)) {
      throw new Error("simdnet: the log-likelihood cost needs a softmax output layer (chapter 3); add one or use cross-entropy");
    }
    super(layers.map((l, li) => [String(li), l] as const), opts);
    this.graph = graph;
    this.layers = layers;
    this.cost = cost;
    this.scheme = opts.init ?? "default";
    checkInit(this.scheme);
    this.initialized = opts.initialize !== false;
    if (this.initialized) for (const l of layers) l.init(this.rng, this.scheme);
  }

  /** With `initialize: false`, the generator is advanced past the initialization the network skipped (its parameters kept). */
  protected override seedRng(): Rng {
    const rng = super.seedRng();
    if (this.initialized) return rng;
    const params = this.getParams();
    for (const l of this.layers) l.init(rng, this.scheme);
    this.setParams(params);
    return rng;
  }

  /** Values per example going in. */
  get inputSize(): number {
    return this.graph.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Values per example coming out. */
  get outputSize(): number {
    return this.graph.top.layer.outSize;
  }

  /**
   * Sizes every activation buffer for batches of up to maxBatch examples. Called by the trainer and
   * the evaluation helpers before they start, so that no step allocates or grows memory.
   */
  prepare(maxBatch: number): void {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`simdnet: batch size must be a positive integer, got ${maxBatch}`);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    this.graph.allocate(e, maxBatch);
    this.xBuf = e.alloc(maxBatch * this.inputSize);
    this.yBuf = e.alloc(maxBatch * this.outputSize);
    this.deltaBuf = e.alloc(maxBatch * this.outputSize);
    this.labBuf = e.alloc(maxBatch);
    this.capacity = maxBatch;
  }

  /** Runs B examples at x (B, inputSize) through every layer; returns the output pointer. */
  forwardPtr(x: Ptr, B: number, training = false): Ptr {
    const net = this;
    return this.graph.forward(x, B, { training, get rng() { return net.rng; } }); // drawn from only when training
  }

  /**
   * Whether the cost cancels the output layer's derivative (cross-entropy after sigmoid,
   * log-likelihood after softmax): then δ at z is simply (a − y)/B and that layer's backward is skipped.
   */
  get fusedOutput(): boolean {
    const top = this.graph.top.layer;
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
    const fused = this.fusedOutput;
    // BP1: δᴸ = ∇ₐC ⊙ σ'(zᴸ), or a − y when the cost cancels σ' (cross-entropy/sigmoid, log-likelihood/softmax)
    if (fused) e.k.cost_diff(this.deltaBuf, out, y, n, 1 / B);
    else this.cost.grad(e, this.deltaBuf, out, y, n, 1 / B);
    this.graph.backward(this.deltaBuf, B, fused);
  }

  /** One mini-batch: gather the examples at order indices idx, zeroGrad, forward (training), backward, step. */
  trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, _opts?: SgdOptions): void {
    const { x, y, lab } = this.buffers;
    this.residentData(data).gather(idx, B, x, y, lab);
    this.zeroGrad();
    this.backwardPtr(this.forwardPtr(x, B, true), y, B);
    step();
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

  /** The resident (wasm-memory) copy of a data set, uploaded on first use and validated then. */
  override residentData(d: DataSet, what = "data"): ResidentData {
    return super.residentData(d, what) as ResidentData;
  }

  protected makeResident(d: DataSet, what: string): ResidentData {
    validateDataSet(d, this.inputSize, this.outputSize, what);
    return new ResidentData(this.engine, d, this.inputSize, this.outputSize);
  }

  /** Internal batch buffers for the trainer: inputs (B, inputSize), targets (B, outputs), labels (B). */
  get buffers(): { x: Ptr; y: Ptr; lab: Ptr } {
    return { x: this.xBuf, y: this.yBuf, lab: this.labBuf };
  }

  /** The file header's network part: input shape, layer specs (in execution order), cost, and the wiring of a graph. */
  fileHeader(): { format: string } & Record<string, unknown> {
    return {
      format: "simdnet-model",
      inputShape: [...this.graph.inputShape],
      layers: this.layers.map((l) => l.spec()),
      ...(this.graph.chain ? {} : { graph: this.graph.wiring() }),
      cost: this.cost.name,
    };
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
    this.eachChunk(count, (s, B) => {
      this.engine.write(this.xBuf, arr.subarray(s * size, (s + B) * size));
      // NaN/Inf check by kernel (a JS loop over every input would cost as much as the network)
      if (this.engine.k.count_nonfinite(this.xBuf, B * size) > 0) {
        const i = arr.subarray(s * size, (s + B) * size).findIndex((v) => !Number.isFinite(v)) + s * size;
        throw new RangeError(`simdnet: feedforward input ${i} is ${arr[i]}; inputs must be finite`);
      }
      use(this.forwardPtr(this.xBuf, B), s, B);
    });
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
    this.eachChunk(r.n, (s, B) => {
      r.gather(r.iota + 4 * s, B, x, y, lab);
      const out = this.forwardPtr(x, B);
      cost += this.cost.fn(e, out, y, B, C);
      if (r.hasLabels) correct += e.k.count_argmax_equal(out, lab, B, C);
    });
    cost /= r.n;
    cost += this.regularization(r.n, opts.lambda ?? 0, opts.l1 ?? 0);
    const accuracy = r.hasLabels ? correct / r.n : NaN;
    return { correct: r.hasLabels ? correct : NaN, n: r.n, accuracy, cost };
  }
}
