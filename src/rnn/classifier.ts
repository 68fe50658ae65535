/**
 * Many to one: read T steps of C features, classify from the last state (e.g. an MNIST digit read row by
 * row, 28 steps of 28 pixels). Data: a DataSet whose examples are (T, C) batch-major, with labels, so an
 * MNIST split works as it is. The loss is at the last step only; BPTT carries it back through every step.
 */
import type { Ptr } from "../wasm/engine.js";
import type { DataSet } from "../data/dataset.js";
import { ResidentData, validateDataSet } from "../data/dataset.js";
import type { Evaluation } from "../model.js";
import type { SgdOptions } from "../train/options.js";
import { RnnStack } from "./stack.js";
import { Readout } from "./readout.js";
import { SequenceModel, fail, hiddenSizes, maskFromLengths, positiveInt, type SequenceModelOptions } from "./model.js";

export interface SequenceClassifierOptions extends SequenceModelOptions {
  /** Features per step (C). */
  inputs: number;
  /** Steps per sequence (T). */
  steps: number;
  /** Hidden units, or one entry per stacked RNN layer. */
  hidden: number | number[];
  /** Classes (softmax outputs). */
  classes: number;
}

/** An RNN stack read to the end, then softmax over classes from the last state. */
export class SequenceClassifier extends SequenceModel {
  readonly kind = "many-to-one";
  readonly stack: RnnStack;
  readonly readout: Readout;
  readonly inputs: number;
  readonly steps: number;
  readonly classes: number;
  protected readonly o: SequenceClassifierOptions;
  private xb: Ptr = 0;
  private x: Ptr = 0;
  private y: Ptr = 0;
  private lab: Ptr = 0;
  private mask: Ptr = 0;

  constructor(o: SequenceClassifierOptions) {
    const C = positiveInt("inputs", o.inputs);
    const T = positiveInt("steps", o.steps);
    const hidden = hiddenSizes(o.hidden);
    if (!Number.isInteger(o.classes) || o.classes < 2) fail(`classes must be an integer ≥ 2, got ${o.classes}`);
    const stack = new RnnStack(C, hidden, o.activation);
    const readout = new Readout(stack.hidden, o.classes, "softmax");
    super([...stack.layers.map((l, i) => [`rnn${i}`, l] as const), ["out", readout] as const], o);
    this.stack = stack;
    this.readout = readout;
    this.inputs = C;
    this.steps = T;
    this.classes = o.classes;
    this.o = { ...o, hidden };
  }


  prepare(maxBatch: number): void {
    positiveInt("batch size", maxBatch);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    const n = maxBatch * this.steps * this.inputs;
    this.stack.allocate(e, maxBatch, this.steps);
    this.readout.allocate(e, maxBatch);
    this.xb = e.alloc(n);
    this.x = e.alloc(n);
    this.y = e.alloc(maxBatch * this.classes);
    this.lab = e.alloc(maxBatch);
    this.mask = e.alloc(maxBatch * this.steps);
    this.capacity = maxBatch;
  }

  protected makeResident(d: DataSet, what: string): ResidentData {
    validateDataSet(d, this.steps * this.inputs, this.classes, what);
    return new ResidentData(this.engine, d, this.steps * this.inputs, this.classes);
  }

  /** Forward for B sequences already at x (time-major); returns the class probabilities (B, classes). */
  private run(B: number, mask: Ptr): Ptr {
    this.stack.forward(this.x, B, this.steps, mask);
    return this.readout.forward(this.stack.layers[this.stack.layers.length - 1].lastState, B, this.rng);
  }

  /** Loss at the last step (mean over the batch), its gradient ADDED through every step. */
  private backprop(B: number): number {
    const cost = this.readout.loss(this.y, B) / B;
    const dh = this.readout.backward(this.y, B, 1 / B);
    const dlast = this.stack.layers.map((_, i) => (i === this.stack.layers.length - 1 ? dh : 0));
    this.stack.backward(0, dlast);
    return cost;
  }

  trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, _opts: SgdOptions): void {
    (this.residentData(data) as ResidentData).gather(idx, B, this.xb, this.y, this.lab);
    this.engine.k.seq_transpose(this.x, this.xb, B, this.steps, this.inputs);
    this.zeroGrad();
    this.run(B, 0);
    this.backprop(B);
    step();
  }

  /** Writes B sequences (B, T, C) batch-major, and their mask from lengths, into the buffers. */
  private load(inputs: ArrayLike<number>, B: number, lengths?: ArrayLike<number>): Ptr {
    const n = this.steps * this.inputs;
    if (inputs.length !== B * n) fail(`inputs hold ${inputs.length} values; expected ${B} sequences × ${this.steps} steps × ${this.inputs} features = ${B * n} (pass lengths for shorter sequences, zero-padded)`);
    this.engine.write(this.xb, inputs);
    if (this.engine.k.count_nonfinite(this.xb, B * n) > 0) fail("inputs must be finite");
    this.engine.k.seq_transpose(this.x, this.xb, B, this.steps, this.inputs);
    if (!lengths) return 0;
    this.engine.write(this.mask, maskFromLengths(lengths, B, this.steps));
    return this.mask;
  }

  /** Number of sequences in inputs (a non-empty multiple of T·C). */
  private count(inputs: ArrayLike<number>): number {
    const n = this.steps * this.inputs;
    if (inputs.length === 0 || inputs.length % n !== 0) fail(`inputs hold ${inputs.length} values; expected a non-empty multiple of ${this.steps} steps × ${this.inputs} features`);
    return inputs.length / n;
  }

  /**
   * The mean cost of B sequences (B, T, C) with their labels, its gradient left in the grads buffer;
   * lengths (one per sequence, 1..T) mask the padded steps. For tests and full-batch methods.
   */
  lossAndGradient(inputs: ArrayLike<number>, labels: ArrayLike<number>, lengths?: ArrayLike<number>): number {
    const B = this.count(inputs);
    if (labels.length !== B) fail(`labels hold ${labels.length} values; expected one per sequence (${B})`);
    this.prepare(B);
    const mask = this.load(inputs, B, lengths);
    for (let b = 0; b < B; b++) if (!Number.isInteger(labels[b]) || labels[b] < 0 || labels[b] >= this.classes) fail(`labels[${b}] is ${labels[b]}; expected a class in [0, ${this.classes})`);
    this.engine.i32(this.lab, B).set(labels);
    this.engine.k.one_hot(this.y, this.lab, B, this.classes);
    this.zeroGrad();
    this.run(B, mask);
    return this.backprop(B);
  }

  /** Class probabilities (n, classes) for n sequences (n, T, C), optionally with lengths. */
  feedforward(inputs: ArrayLike<number>, lengths?: ArrayLike<number>): Float32Array {
    const total = this.count(inputs);
    this.prepare(Math.min(total, 256));
    const n = this.steps * this.inputs;
    const out = new Float32Array(total * this.classes);
    const arr = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
    this.eachChunk(total, (s, B) => {
      const mask = this.load(arr.subarray(s * n, (s + B) * n), B, lengths ? Array.from(lengths).slice(s, s + B) : undefined);
      out.set(this.engine.f32(this.run(B, mask), B * this.classes), s * this.classes);
    });
    return out;
  }

  /** The predicted class of each sequence. */
  predict(inputs: ArrayLike<number>, lengths?: ArrayLike<number>): Int32Array {
    const p = this.feedforward(inputs, lengths);
    const K = this.classes;
    return Int32Array.from({ length: p.length / K }, (_, i) => {
      let best = 0;
      for (let c = 1; c < K; c++) if (p[i * K + c] > p[i * K + best]) best = c;
      return best;
    });
  }

  /** Accuracy and mean cost on a labelled data set (plus the L2/L1 terms when given), in batches through the kernels. */
  evaluate(d: DataSet, opts: { lambda?: number; l1?: number } = {}): Evaluation {
    this.prepare(256);
    const r = this.residentData(d) as ResidentData;
    const k = this.engine.k;
    let correct = 0;
    let cost = 0;
    this.eachChunk(r.n, (s, B) => {
      r.gather(r.iota + 4 * s, B, this.xb, this.y, this.lab);
      k.seq_transpose(this.x, this.xb, B, this.steps, this.inputs);
      const out = this.run(B, 0);
      correct += k.count_argmax_equal(out, this.lab, B, this.classes);
      cost += this.readout.loss(this.y, B);
    });
    cost = cost / r.n + this.regularization(r.n, opts.lambda, opts.l1);
    return { correct, n: r.n, accuracy: correct / r.n, cost };
  }
}
