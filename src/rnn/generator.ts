/**
 * One to many: a sequence from one input vector (e.g. a digit's 28 pixel rows from its label). The vector
 * sets every layer's initial state, h_{−1} = tanh(W_v·v + b_v); each step reads the previous frame (the
 * true one while training, "teacher forcing"; its own output when generating) and emits the next through
 * a sigmoid readout with the cross-entropy cost. Data: a labelled DataSet of (T, O) frames, the label
 * one-hot as v, so an MNIST split works as it is.
 */
import type { Ptr } from "../wasm/engine.js";
import type { DataSet } from "../data/dataset.js";
import { ResidentData, validateDataSet } from "../data/dataset.js";
import type { Evaluation } from "../model.js";
import type { SgdOptions } from "../train/options.js";
import { Dense } from "../layers/dense.js";
import { Activation } from "../layers/activation.js";
import type { Param, ParamSpec } from "../layers/layer.js";
import type { Rng } from "../rng.js";
import { RnnStack } from "./stack.js";
import { Readout } from "./readout.js";
import { SequenceModel, fail, hiddenSizes, positiveInt, type Part, type SequenceModelOptions } from "./model.js";

export interface SequenceGeneratorOptions extends SequenceModelOptions {
  /** Size K of the input vector (the number of classes when it is a one-hot label). */
  conditions: number;
  /** Features per generated step (O). */
  outputs: number;
  /** Steps to generate (T). */
  steps: number;
  /** Hidden units, or one entry per stacked RNN layer. */
  hidden: number | number[];
}

/** Dense + tanh from the input vector to one layer's initial state. */
class Bridge implements Part {
  readonly dense: Dense;
  readonly act: Activation;
  constructor(K: number, H: number) {
    this.dense = new Dense(K, H);
    this.act = new Activation("tanh", [H]);
  }
  paramSpecs(): ParamSpec[] {
    return this.dense.paramSpecs();
  }
  bind(p: Param[]): void {
    this.dense.bind(p);
  }
  /** W ~ N(0, 1/K), b ~ N(0, 1) as Dense. */
  init(rng: Rng): void {
    this.dense.init(rng, "default");
  }
}

/** v (B, K) → initial states → T frames (B, T, O). */
export class SequenceGenerator extends SequenceModel {
  readonly kind = "one-to-many";
  readonly stack: RnnStack;
  readonly readout: Readout;
  readonly K: number;
  readonly O: number;
  readonly steps: number;
  private readonly bridges: Bridge[];
  protected readonly o: SequenceGeneratorOptions;
  private xb: Ptr = 0;
  private frames: Ptr = 0;
  private x: Ptr = 0;
  private v: Ptr = 0;
  private lab: Ptr = 0;

  constructor(o: SequenceGeneratorOptions) {
    const K = positiveInt("conditions", o.conditions);
    const O = positiveInt("outputs", o.outputs);
    const hidden = hiddenSizes(o.hidden);
    const stack = new RnnStack(O, hidden, o.activation);
    const bridges = hidden.map((h) => new Bridge(K, h));
    const readout = new Readout(stack.hidden, O, "sigmoid");
    super([...bridges.map((b, i) => [`bridge${i}`, b] as const), ...stack.layers.map((l, i) => [`rnn${i}`, l] as const), ["out", readout] as const], o);
    this.stack = stack;
    this.readout = readout;
    this.bridges = bridges;
    this.K = K;
    this.O = O;
    this.steps = positiveInt("steps", o.steps);
    this.o = { ...o, hidden };
  }


  prepare(maxBatch: number): void {
    positiveInt("batch size", maxBatch);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    const n = maxBatch * this.steps * this.O;
    this.stack.allocate(e, maxBatch, this.steps);
    this.readout.allocate(e, maxBatch * this.steps);
    for (const b of this.bridges) {
      b.dense.allocate(e, maxBatch);
      b.act.allocate(e, maxBatch);
    }
    this.xb = e.alloc(n);
    this.frames = e.alloc(n);
    this.x = e.alloc(n);
    this.v = e.alloc(maxBatch * this.K);
    this.lab = e.alloc(maxBatch);
    this.capacity = maxBatch;
  }

  protected makeResident(d: DataSet, what: string): ResidentData {
    validateDataSet(d, this.steps * this.O, this.K, what);
    if (!d.labels) fail(`${what} needs labels: they are the vectors the sequences are generated from`);
    return new ResidentData(this.engine, d, this.steps * this.O, this.K);
  }

  /** Initial states from v (B, K). */
  private initialStates(B: number): Ptr[] {
    const mode = { training: false, rng: this.rng };
    return this.bridges.map((b) => b.act.forward(b.dense.forward(this.v, B, mode), B, mode));
  }

  /** Teacher-forced pass over frames (T, B, O) at this.frames: Σ cost, and with train its gradient ADDED (mean over sequences). */
  private pass(B: number, train: boolean): number {
    const k = this.engine.k;
    const n = B * this.O;
    const T = this.steps;
    // inputs: a zero frame, then the true frames 0..T−2
    k.fill(this.x, n, 0);
    if (T > 1) k.copy(this.x + 4 * n, this.frames, (T - 1) * n);
    const top = this.stack.forward(this.x, B, T, 0, this.initialStates(B));
    this.readout.forward(top, T * B, this.rng);
    const cost = this.readout.loss(this.frames, T * B);
    if (train) {
      this.stack.backward(this.readout.backward(this.frames, T * B, 1 / B));
      // forward was: h_{−1} = tanh(W_v·v + b_v) per layer
      this.stack.dstate0().forEach((d, i) => this.bridges[i].dense.backward(this.bridges[i].act.backward(d, B, true), B, false));
    }
    return cost;
  }

  /** Gathers examples idx[0..B) into frames (T, B, O) and v (B, K). */
  private gather(r: ResidentData, idx: Ptr, B: number): void {
    r.gather(idx, B, this.xb, this.v, this.lab);
    this.engine.k.seq_transpose(this.frames, this.xb, B, this.steps, this.O);
  }

  trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, _opts: SgdOptions): void {
    this.gather(this.residentData(data) as ResidentData, idx, B);
    this.zeroGrad();
    this.pass(B, true);
    step();
  }

  /** The mean cost of B sequences (B, T, O) generated from vectors (B, K), its gradient in the grads buffer. For tests. */
  lossAndGradient(vectors: ArrayLike<number>, frames: ArrayLike<number>): number {
    const B = vectors.length / this.K;
    if (!Number.isInteger(B) || B < 1) fail(`vectors hold ${vectors.length} values; expected a non-empty multiple of ${this.K}`);
    if (frames.length !== B * this.steps * this.O) fail(`frames hold ${frames.length} values; expected ${B} × ${this.steps} steps × ${this.O}`);
    this.prepare(B);
    this.engine.write(this.v, vectors);
    this.engine.write(this.xb, frames);
    this.engine.k.seq_transpose(this.frames, this.xb, B, this.steps, this.O);
    this.zeroGrad();
    return this.pass(B, true) / B;
  }

  /** Mean cost per sequence (Σ over steps and features); accuracy is NaN (there are no classes). */
  evaluate(d: DataSet, opts: { lambda?: number; l1?: number } = {}): Evaluation {
    if (this.capacity === 0) this.prepare(64);
    const r = this.residentData(d) as ResidentData;
    let cost = 0;
    this.eachChunk(r.n, (s, B) => {
      this.gather(r, r.iota + 4 * s, B);
      cost += this.pass(B, false);
    });
    return { correct: NaN, n: r.n, accuracy: NaN, cost: cost / r.n + this.regularization(r.n, opts.lambda, opts.l1) };
  }

  /**
   * Generates T frames for each vector in vectors (n, K), feeding each output back as the next input.
   * Returns (n, T, O), batch-major.
   */
  generate(vectors: ArrayLike<number>): Float32Array {
    const total = vectors.length / this.K;
    if (!Number.isInteger(total) || total < 1) fail(`vectors hold ${vectors.length} values; expected a non-empty multiple of ${this.K}`);
    this.prepare(Math.min(total, 64));
    const k = this.engine.k;
    const T = this.steps;
    const O = this.O;
    const out = new Float32Array(total * T * O);
    const arr = Float32Array.from(vectors);
    this.eachChunk(total, (s, B) => {
      this.engine.write(this.v, arr.subarray(s * this.K, (s + B) * this.K));
      const h0 = this.initialStates(B);
      k.fill(this.x, B * O, 0);
      for (let t = 0; t < T; t++) {
        const top = this.stack.forward(this.x, B, 1, 0, t === 0 ? h0 : this.stack.saveLastStates(B));
        const y = this.readout.forward(top, B, this.rng);
        k.copy(this.frames + 4 * t * B * O, y, B * O);
        k.copy(this.x, y, B * O);
      }
      k.seq_transpose(this.xb, this.frames, T, B, O);
      out.set(this.engine.f32(this.xb, B * T * O), s * T * O);
    });
    return out;
  }
}

/** One-hot rows (n, K) for labels, the vectors a generator conditions on. */
export function oneHot(labels: ArrayLike<number>, K: number): Float32Array {
  const out = new Float32Array(labels.length * K);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= K) fail(`label ${i} is ${l}; expected an integer in [0, ${K})`);
    out[i * K + l] = 1;
  }
  return out;
}
