/**
 * Many to many, aligned: a character-level language model. Input id t (one-hot) → RNN stack → softmax
 * over the vocabulary predicting id t + 1, the loss summed over the steps (or averaged per token) with
 * padding masked out. Long sequences train by truncated BPTT: windows of bpttWindow steps, each with its
 * own update, the states carried from one window into the next. Sampling at a temperature, perplexity.
 */
import type { Ptr } from "../wasm/engine.js";
import type { DataSet } from "../data/dataset.js";
import type { Evaluation } from "../model.js";
import type { SgdOptions } from "../train/options.js";
import { Rng } from "../rng.js";
import { RnnStack } from "./stack.js";
import { Readout } from "./readout.js";
import { SequenceModel, TokenData, fail, hiddenSizes, positiveInt, type SequenceModelOptions } from "./model.js";
import { vocabOption, type Vocab } from "./text.js";
import { sampleIndex } from "./sample.js";

export interface LanguageModelOptions extends SequenceModelOptions {
  /** The characters (a {@link Vocab}'s chars: "" and "\n" first), or just the number of ids. */
  vocab: number | readonly string[];
  /** Hidden units, or one entry per stacked RNN layer. */
  hidden: number | number[];
  /** The longest window the buffers hold: the sequence length, or the bpttWindow it trains with. */
  steps: number;
  /** "sum" (default): the loss is Σ over steps, mean over sequences (L = Σ_t L_t); "mean": per real token. */
  stepLoss?: "sum" | "mean";
}

/** Options of {@link LanguageModel.sample}. */
export interface SampleOptions {
  /** Characters to generate (at most; it stops at a boundary when stopAtBoundary). */
  length: number;
  /** Softmax temperature τ > 0 (p ∝ p^{1/τ}); 0 takes the most likely id. Default 1. */
  temperature?: number;
  /** Text to read first (after a boundary); its characters must be in the vocabulary. */
  start?: string;
  /** Seed of the sampling generator (default: the model's seed). */
  seed?: number;
  /** Stop at the first generated boundary ("\n"), e.g. to sample one word. Default false. */
  stopAtBoundary?: boolean;
}

export class LanguageModel extends SequenceModel {
  readonly kind = "many-to-many";
  readonly stack: RnnStack;
  readonly readout: Readout;
  readonly vocab: Vocab | null;
  readonly V: number;
  readonly steps: number;
  protected readonly o: LanguageModelOptions;
  private L = 0;
  private tmp: Ptr = 0;
  private ids: Ptr = 0;
  private x: Ptr = 0;
  private y: Ptr = 0;
  private mask: Ptr = 0;

  constructor(o: LanguageModelOptions) {
    const { vocab, V, saved } = vocabOption(o.vocab);
    const hidden = hiddenSizes(o.hidden);
    const stack = new RnnStack(V, hidden, o.activation);
    const readout = new Readout(stack.hidden, V, "softmax");
    super([...stack.layers.map((l, i) => [`rnn${i}`, l] as const), ["out", readout] as const], o);
    this.stack = stack;
    this.readout = readout;
    this.vocab = vocab;
    this.V = V;
    this.steps = positiveInt("steps", o.steps);
    if (o.stepLoss !== undefined && o.stepLoss !== "sum" && o.stepLoss !== "mean") fail(`stepLoss must be "sum" or "mean", got ${JSON.stringify(o.stepLoss)}`);
    this.o = { ...o, hidden, vocab: saved };
  }


  prepare(maxBatch: number): void {
    positiveInt("batch size", maxBatch);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    const T = this.steps;
    this.stack.allocate(e, maxBatch, T);
    this.readout.allocate(e, maxBatch * T);
    this.x = e.alloc(maxBatch * T * this.V);
    this.y = e.alloc(maxBatch * T * this.V);
    this.mask = e.alloc(maxBatch * T);
    this.capacity = maxBatch;
    this.L = 0;
  }

  /** Id buffers for sequences of L + 1 ids (grown when a data set's sequences are longer). */
  private idBuffers(L: number): void {
    if (L <= this.L) return;
    this.tmp = this.engine.alloc(this.capacity * (L + 1));
    this.ids = this.engine.alloc(this.capacity * (L + 1));
    this.L = L;
  }

  protected makeResident(d: DataSet, what: string): TokenData {
    const r = new TokenData(this.engine, d, this.V, what);
    if (r.L < 2) fail(`${what}: sequences need at least 2 ids (an input and the next one to predict), got ${r.L}`);
    return r;
  }

  /**
   * Forward (and with backward, BPTT) over the windows of B sequences already at ids (L + 1, B); returns
   * [Σ −log p over real tokens, real tokens, correct next-id predictions].
   */
  private windows(B: number, L: number, window: number, train: boolean, step?: () => void): [number, number, number] {
    const k = this.engine.k;
    const V = this.V;
    let nll = 0;
    let tokens = 0;
    let correct = 0;
    for (let t0 = 0; t0 < L; t0 += window) {
      const T = Math.min(window, L - t0);
      const inIds = this.ids + 4 * t0 * B;
      const tgtIds = inIds + 4 * B;
      const count = k.mask_from_ids(this.mask, tgtIds, T * B);
      if (count === 0) break; // only padding from here on
      k.one_hot(this.x, inIds, T * B, V);
      k.one_hot(this.y, tgtIds, T * B, V);
      if (train) this.zeroGrad();
      const top = this.stack.forward(this.x, B, T, this.mask, t0 === 0 ? [] : this.stack.saveLastStates(B));
      const out = this.readout.forward(top, T * B, this.rng);
      if (!train) correct += k.count_argmax_equal_masked(out, tgtIds, this.mask, T * B, V);
      nll += this.readout.loss(this.y, T * B, this.mask);
      tokens += count;
      if (train) {
        const scale = this.o.stepLoss === "mean" ? 1 / count : 1 / B;
        this.stack.backward(this.readout.backward(this.y, T * B, scale, this.mask));
        step?.();
      }
    }
    return [nll, tokens, correct];
  }

  /** The window length for sequences of L steps under these options (throws when it exceeds the buffers). */
  private windowFor(L: number, bptt?: number): number {
    const w = Math.min(bptt ?? L, L);
    if (w > this.steps) fail(`sequences of ${L} steps need bpttWindow ≤ ${this.steps} (the model's steps) or a model with steps ≥ ${w}`);
    return w;
  }

  trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, opts: SgdOptions): void {
    const r = this.residentData(data) as TokenData;
    const L = r.L - 1;
    this.idBuffers(L);
    r.gather(idx, B, this.tmp, this.ids);
    this.windows(B, L, this.windowFor(L, opts.bpttWindow), true, step);
  }

  /**
   * The mean cost (per sequence with "sum", per token with "mean") of B sequences of L + 1 ids (B × (L + 1),
   * 0 = padding) over whole sequences, the gradient left in the grads buffer. For tests.
   */
  lossAndGradient(ids: ArrayLike<number>, B: number): number {
    positiveInt("B", B);
    if (ids.length % B !== 0 || ids.length / B < 2) fail(`ids hold ${ids.length} values; expected B = ${B} sequences of at least 2 ids`);
    const L = ids.length / B - 1;
    this.prepare(B);
    const w = this.windowFor(L);
    this.idBuffers(L);
    for (let i = 0; i < ids.length; i++) if (!Number.isInteger(ids[i]) || ids[i] < 0 || ids[i] >= this.V) fail(`ids[${i}] is ${ids[i]}; expected an id in [0, ${this.V})`);
    this.engine.i32(this.tmp, ids.length).set(ids);
    this.engine.k.seq_transpose(this.ids, this.tmp, B, L + 1, 1);
    this.zeroGrad();
    let nll = 0;
    let tokens = 0;
    // one window over the whole sequence: gradients accumulate, no step
    [nll, tokens] = this.windows(B, L, w, true);
    return nll / (this.o.stepLoss === "mean" ? tokens : B);
  }

  /** Mean −log p per real token (cost; perplexity = e^cost) and next-character accuracy, through the kernels. */
  evaluate(d: DataSet, opts: { lambda?: number; l1?: number } = {}): Evaluation {
    if (this.capacity === 0) this.prepare(32);
    const r = this.residentData(d) as TokenData;
    const L = r.L - 1;
    this.idBuffers(L);
    const w = this.windowFor(L, Math.min(L, this.steps));
    let nll = 0;
    let tokens = 0;
    let correct = 0;
    this.eachChunk(r.n, (s, B) => {
      r.gather(r.iota + 4 * s, B, this.tmp, this.ids);
      const [a, b, c] = this.windows(B, L, w, false);
      nll += a;
      tokens += b;
      correct += c;
    });
    return { correct, n: tokens, accuracy: correct / tokens, cost: nll / tokens + this.regularization(r.n, opts.lambda, opts.l1) };
  }

  /** e^(mean −log p per character) on a data set: how many characters the model hesitates between. */
  perplexity(d: DataSet): number {
    return Math.exp(this.evaluate(d).cost);
  }

  /** Next-id probabilities after reading ids one at a time from the states in the carry (B = 1). */
  private stepProbs(id: number, first: boolean): Float32Array {
    const k = this.engine.k;
    this.engine.i32(this.ids, 1)[0] = id;
    k.one_hot(this.x, this.ids, 1, this.V);
    const top = this.stack.forward(this.x, 1, 1, 0, first ? [] : this.stack.saveLastStates(1));
    return this.engine.read(this.readout.forward(top, 1, this.rng), this.V);
  }

  /**
   * Generates text: reads a boundary and `start`, then draws each next character from the softmax at the
   * given temperature (seeded, so a seed gives the same text). Throws for characters outside the vocabulary.
   */
  sample(o: SampleOptions): string {
    if (!this.vocab) fail("sample() needs a model built with a character vocabulary (vocab: chars)");
    positiveInt("length", o.length);
    const temperature = o.temperature ?? 1;
    if (!(temperature >= 0) || !Number.isFinite(temperature)) fail(`temperature must be a finite number ≥ 0, got ${temperature}`);
    const start = this.vocab.encode(o.start ?? "");
    if (this.capacity === 0) this.prepare(1);
    this.idBuffers(1);
    const rng = new Rng(this.engine, o.seed ?? this.seed);
    let p = this.stepProbs(1, true);
    for (const id of start) p = this.stepProbs(id, false);
    const out: number[] = [];
    for (let i = 0; i < o.length; i++) {
      const id = sampleIndex(p, temperature, rng.nextU32() / 2 ** 32, 1);
      if (id === 1 && o.stopAtBoundary) break;
      out.push(id);
      p = this.stepProbs(id, false);
    }
    return (o.start ?? "") + this.vocab.decode(out);
  }
}
