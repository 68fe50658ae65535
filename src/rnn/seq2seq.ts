/**
 * Many to many with different lengths: an encoder–decoder. The encoder stack reads the source (one-hot
 * ids, padding masked so its last state is the state after the last real character); each of its layers'
 * last state starts the same layer of the decoder, which reads [boundary, target…] and predicts
 * [target…, boundary] through a softmax (teacher forcing). Backward runs the decoder's BPTT, then hands
 * dL/d(initial states) to the encoder's last states and runs the encoder's. Translation is greedy.
 */
import type { Ptr } from "../wasm/engine.js";
import type { DataSet } from "../data/dataset.js";
import type { Evaluation } from "../model.js";
import type { SgdOptions } from "../train/options.js";
import { RnnStack } from "./stack.js";
import { Readout } from "./readout.js";
import { SequenceModel, TokenData, fail, hiddenSizes, positiveInt, type SequenceModelOptions } from "./model.js";
import { vocabOption, type Vocab } from "./text.js";

export interface Seq2SeqOptions extends SequenceModelOptions {
  /** The characters (a {@link Vocab}'s chars), or the number of ids; shared by source and target. */
  vocab: number | readonly string[];
  /** Hidden units per layer, the same for encoder and decoder. */
  hidden: number | number[];
  /** Source length S (ids per source, zero-padded). */
  sourceSteps: number;
  /** Decoder steps L (targets of up to L − 1 characters plus the closing boundary). */
  targetSteps: number;
}

export class Seq2Seq extends SequenceModel {
  readonly kind = "encoder-decoder";
  readonly encoder: RnnStack;
  readonly decoder: RnnStack;
  readonly readout: Readout;
  readonly vocab: Vocab | null;
  readonly V: number;
  readonly S: number;
  readonly L: number;
  protected readonly o: Seq2SeqOptions;
  private tmp: Ptr = 0;
  private ids: Ptr = 0;
  private xs: Ptr = 0;
  private xt: Ptr = 0;
  private y: Ptr = 0;
  private maskS: Ptr = 0;
  private maskT: Ptr = 0;

  constructor(o: Seq2SeqOptions) {
    const { vocab, V, saved } = vocabOption(o.vocab);
    const hidden = hiddenSizes(o.hidden);
    const encoder = new RnnStack(V, hidden, o.activation);
    const decoder = new RnnStack(V, hidden, o.activation);
    const readout = new Readout(decoder.hidden, V, "softmax");
    super([...encoder.layers.map((l, i) => [`enc${i}`, l] as const), ...decoder.layers.map((l, i) => [`dec${i}`, l] as const), ["out", readout] as const], o);
    this.encoder = encoder;
    this.decoder = decoder;
    this.readout = readout;
    this.vocab = vocab;
    this.V = V;
    this.S = positiveInt("sourceSteps", o.sourceSteps);
    this.L = positiveInt("targetSteps", o.targetSteps);
    if (this.L < 2) fail(`targetSteps must be ≥ 2 (a character and the closing boundary), got ${this.L}`);
    this.o = { ...o, hidden, vocab: saved };
  }


  prepare(maxBatch: number): void {
    positiveInt("batch size", maxBatch);
    if (maxBatch <= this.capacity) return;
    const e = this.engine;
    const { S, L, V } = this;
    this.encoder.allocate(e, maxBatch, S);
    this.decoder.allocate(e, maxBatch, L);
    this.readout.allocate(e, maxBatch * L);
    this.tmp = e.alloc(maxBatch * (S + L + 1));
    this.ids = e.alloc(maxBatch * (S + L + 1));
    this.xs = e.alloc(maxBatch * S * V);
    this.xt = e.alloc(maxBatch * L * V);
    this.y = e.alloc(maxBatch * L * V);
    this.maskS = e.alloc(maxBatch * S);
    this.maskT = e.alloc(maxBatch * L);
    this.capacity = maxBatch;
  }

  protected makeResident(d: DataSet, what: string): TokenData {
    const r = new TokenData(this.engine, d, this.V, what);
    if (r.L !== this.S + this.L + 1) fail(`${what} has ${r.L} ids per example; this model reads S + L + 1 = ${this.S + this.L + 1} (pairSequences(pairs, vocab, ${this.S}, ${this.L}))`);
    return r;
  }

  /** The encoder over B sources at ids rows 0..S; returns each layer's last state. Throws on an empty source. */
  private encode(B: number): Ptr[] {
    const k = this.engine.k;
    const { S, V } = this;
    k.one_hot(this.xs, this.ids, S * B, V);
    // the first step of every source must be real: a masked first step would mean an empty source
    if (k.mask_from_ids(this.maskS, this.ids, B) !== B) fail("a source sequence is empty (its first id is padding)");
    k.mask_from_ids(this.maskS, this.ids, S * B);
    this.encoder.forward(this.xs, B, S, this.maskS);
    return this.encoder.lastStates();
  }

  /** Teacher-forced pass over B examples at ids: [Σ −log p, real tokens, correct], and with train the gradient ADDED. */
  private pass(B: number, train: boolean): [number, number, number] {
    const k = this.engine.k;
    const { S, L, V } = this;
    const h0 = this.encode(B);
    const dec = this.ids + 4 * S * B;
    const tgt = dec + 4 * B;
    const count = k.mask_from_ids(this.maskT, tgt, L * B);
    k.one_hot(this.xt, dec, L * B, V);
    k.one_hot(this.y, tgt, L * B, V);
    const top = this.decoder.forward(this.xt, B, L, this.maskT, h0);
    const out = this.readout.forward(top, L * B, this.rng);
    const correct = train ? 0 : k.count_argmax_equal_masked(out, tgt, this.maskT, L * B, V);
    const nll = this.readout.loss(this.y, L * B, this.maskT);
    if (train) {
      this.decoder.backward(this.readout.backward(this.y, L * B, 1 / B, this.maskT));
      // forward was: decoder h_{−1}[l] = encoder h_last[l]
      this.encoder.backward(0, this.decoder.dstate0());
    }
    return [nll, count, correct];
  }

  trainBatch(data: DataSet, idx: Ptr, B: number, step: () => void, _opts: SgdOptions): void {
    (this.residentData(data) as TokenData).gather(idx, B, this.tmp, this.ids);
    this.zeroGrad();
    this.pass(B, true);
    step();
  }

  /** Mean cost per pair of B examples given as ids (B × (S + L + 1), pairSequences' layout), gradient in the grads buffer. For tests. */
  lossAndGradient(ids: ArrayLike<number>, B: number): number {
    const W = this.S + this.L + 1;
    if (ids.length !== B * W) fail(`ids hold ${ids.length} values; expected B = ${B} examples of S + L + 1 = ${W} ids`);
    for (let i = 0; i < ids.length; i++) if (!Number.isInteger(ids[i]) || ids[i] < 0 || ids[i] >= this.V) fail(`ids[${i}] is ${ids[i]}; expected an id in [0, ${this.V})`);
    this.prepare(B);
    this.engine.i32(this.tmp, ids.length).set(ids);
    this.engine.k.seq_transpose(this.ids, this.tmp, B, W, 1);
    this.zeroGrad();
    return this.pass(B, true)[0] / B;
  }

  /** Mean −log p per real target token (teacher-forced) and next-character accuracy. */
  evaluate(d: DataSet, opts: { lambda?: number; l1?: number } = {}): Evaluation {
    if (this.capacity === 0) this.prepare(64);
    const r = this.residentData(d) as TokenData;
    let nll = 0;
    let tokens = 0;
    let correct = 0;
    this.eachChunk(r.n, (s, B) => {
      r.gather(r.iota + 4 * s, B, this.tmp, this.ids);
      const [a, b, c] = this.pass(B, false);
      nll += a;
      tokens += b;
      correct += c;
    });
    return { correct, n: tokens, accuracy: correct / tokens, cost: nll / tokens + this.regularization(r.n, opts.lambda, opts.l1) };
  }

  /** Greedy decoding of one source text: the most likely character at each step until a boundary or L − 1 characters. */
  translate(source: string): string {
    if (!this.vocab) fail("translate() needs a model built with a character vocabulary (vocab: chars)");
    const src = this.vocab.encode(source);
    if (src.length === 0) fail("the source is empty");
    if (src.length > this.S) fail(`the source ${JSON.stringify(source)} has ${src.length} characters; this model reads at most ${this.S}`);
    if (this.capacity === 0) this.prepare(1);
    const k = this.engine.k;
    const ids = this.engine.i32(this.ids, this.S);
    ids.fill(0);
    ids.set(src);
    let h = this.encode(1);
    let prev = 1;
    const out: number[] = [];
    for (let t = 0; t < this.L - 1; t++) {
      this.engine.i32(this.tmp, 1)[0] = prev;
      k.one_hot(this.xt, this.tmp, 1, this.V);
      const top = this.decoder.forward(this.xt, 1, 1, 0, h);
      const p = this.engine.f32(this.readout.forward(top, 1, this.rng), this.V);
      let best = 1;
      for (let i = 2; i < this.V; i++) if (p[i] > p[best]) best = i;
      if (best === 1) break;
      out.push(best);
      prev = best;
      h = this.decoder.saveLastStates(1);
    }
    return this.vocab.decode(out);
  }
}
