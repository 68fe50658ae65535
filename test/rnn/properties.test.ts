// What makes a network recurrent (the notes' last section): a zero initial state, the same W at every
// step, masks that make padding invisible, clipping and truncated BPTT in the trainer; and clear errors.
import { describe, expect, it } from "vitest";
import { engine, RefRng } from "../helpers.js";
import { Rng } from "../../src/rng.js";
import { RNN } from "../../src/rnn/rnn.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import { LanguageModel } from "../../src/rnn/lm.js";
import { Vocab, textStream, wordSequences, pairSequences } from "../../src/rnn/text.js";
import { Trainer } from "../../src/train/trainer.js";
import type { Engine } from "../../src/wasm/engine.js";

/** An RNN layer with its own params/grads, initialised from a seed, buffers for B × T. */
function layer(e: Engine, C: number, H: number, B: number, T: number, seed = 1): RNN {
  const l = new RNN(C, H);
  const specs = l.paramSpecs();
  l.bind(specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    return { ...s, size, value: e.alloc(size), grad: e.alloc(size) };
  }));
  l.init(new Rng(e, seed));
  l.allocate(e, B, T);
  return l;
}

describe("RNN layer", () => {
  it("starts from a zero state: zero inputs with zero biases stay at zero; an explicit zero state changes nothing", async () => {
    const e = await engine();
    const [C, H, B, T] = [3, 5, 2, 4];
    const l = layer(e, C, H, B, T);
    const zeros = e.alloc(T * B * C);
    expect(Array.from(e.f32(l.forward(zeros, B, T), T * B * H)).every((v) => v === 0)).toBe(true);
    const x = e.allocFrom(new RefRng(2).array(T * B * C, -1, 1));
    const a = e.read(l.forward(x, B, T), T * B * H);
    const h0 = e.alloc(B * H);
    expect(e.read(l.forward(x, B, T, 0, h0), T * B * H)).toEqual(a);
    e.write(h0, new RefRng(3).array(B * H, -1, 1));
    expect(e.read(l.forward(x, B, T, 0, h0), T * B * H)).not.toEqual(a);
  });

  it("shares its weights across steps: T steps at once equal T one-step calls with the state carried", async () => {
    const e = await engine();
    const [C, H, B, T] = [3, 6, 3, 5];
    const l = layer(e, C, H, B, T);
    const xs = new RefRng(4).array(T * B * C, -1, 1);
    const x = e.allocFrom(xs);
    const all = e.read(l.forward(x, B, T), T * B * H);
    const state = e.alloc(B * H);
    const stepwise: number[] = [];
    for (let t = 0; t < T; t++) {
      const xt = e.allocFrom(xs.slice(t * B * C, (t + 1) * B * C));
      const h = l.forward(xt, B, 1, 0, t === 0 ? 0 : state);
      stepwise.push(...e.read(h, B * H));
      e.k.copy(state, h, B * H);
    }
    const diff = Math.max(...all.map((v, i) => Math.abs(v - stepwise[i])));
    expect(diff).toBeLessThan(1e-6);
  });

  it("masks make padding invisible: a padded sequence reads like the shorter one, whatever the padding holds", async () => {
    const e = await engine();
    const r = new RefRng(6);
    const long = new SequenceClassifier({ engine: e, inputs: 2, steps: 5, hidden: [6, 4], classes: 3, seed: 7 });
    const short = new SequenceClassifier({ engine: e, inputs: 2, steps: 3, hidden: [6, 4], classes: 3, seed: 7 });
    const head = r.array(3 * 2, -1, 1);
    const p3 = short.feedforward(head);
    const padded = [...head, ...r.array(2 * 2, -5, 5)];
    const p5 = long.feedforward(padded, [3]);
    for (let i = 0; i < 3; i++) expect(p5[i]).toBeCloseTo(p3[i], 6);
  });
});

describe("trainer: clipping and truncated BPTT", () => {
  it("clipNorm bounds the step: one full batch at η = 1 moves the parameters by exactly clipNorm", async () => {
    const e = await engine();
    const m = new SequenceClassifier({ engine: e, inputs: 2, steps: 4, hidden: 8, classes: 2, seed: 1 });
    const inputs = Float32Array.from(new RefRng(1).array(16 * 8, -1, 1));
    const data = { n: 16, inputShape: [4, 2], inputs, labels: Int32Array.from({ length: 16 }, (_, i) => i % 2) };
    const p0 = m.getParams();
    const t = new Trainer(m, data, { epochs: 1, batchSize: 16, eta: 1, clipNorm: 1e-3 });
    t.runEpoch();
    const p1 = m.getParams();
    const step = Math.sqrt(p1.reduce((s, v, i) => s + (v - p0[i]) ** 2, 0));
    expect(step).toBeCloseTo(1e-3, 6);
  });

  it("truncated BPTT runs one update per window; a window as long as the sequence is plain BPTT", async () => {
    const e = await engine();
    const v = Vocab.fromTexts(["abc"]);
    const data = textStream("abcab".repeat(20), v, 8);
    const run = (w: number | undefined): Float32Array => {
      const m = new LanguageModel({ engine: e, vocab: [...v.chars], hidden: 8, steps: 8, seed: 3 });
      new Trainer(m, data, { epochs: 1, batchSize: data.n, eta: 0.1, bpttWindow: w }).runEpoch();
      return m.getParams();
    };
    expect(run(8)).toEqual(run(undefined));
    expect(run(4)).not.toEqual(run(8));
  });
});

describe("bad input", () => {
  it("names the value", async () => {
    const e = await engine();
    expect(() => new SequenceClassifier({ engine: e, inputs: 2, steps: 0, hidden: 4, classes: 2 })).toThrow(/steps must be a positive integer, got 0/);
    expect(() => new SequenceClassifier({ engine: e, inputs: 2, steps: 3, hidden: 0, classes: 2 })).toThrow(/hidden size must be a positive integer, got 0/);
    expect(() => new SequenceClassifier({ engine: e, inputs: 2, steps: 3, hidden: [4, 0], classes: 2 })).toThrow(/hidden size of layer 1 must be a positive integer, got 0/);
    const m = new SequenceClassifier({ engine: e, inputs: 2, steps: 3, hidden: 4, classes: 2 });
    expect(() => m.predict([1, 2, 3, 4, 5])).toThrow(/5 values; expected a non-empty multiple of 3 steps × 2 features/);
    expect(() => m.predict([])).toThrow(/0 values/);
    expect(() => m.predict(new Array(6).fill(0), [0])).toThrow(/lengths\[0\] is 0; a sequence length must be an integer in 1..3/);
    expect(() => m.predict(new Array(6).fill(0), [4])).toThrow(/lengths\[0\] is 4/);
    expect(() => m.predict(new Array(12).fill(0), [3])).toThrow(/lengths holds 1 values; expected one per sequence \(2\)/);
    const data = { n: 4, inputShape: [3, 2], inputs: new Float32Array(24), labels: new Int32Array(4) };
    expect(() => new Trainer(m, data, { epochs: 1, batchSize: 2, eta: 0.1, clipNorm: 0 })).toThrow(/clipNorm must be a finite number > 0, got 0/);
    expect(() => new Trainer(m, data, { epochs: 1, batchSize: 2, eta: 0.1, clipNorm: -1 })).toThrow(/clipNorm/);
    expect(() => new Trainer(m, data, { epochs: 1, batchSize: 2, eta: 0.1, bpttWindow: 0 })).toThrow(/bpttWindow must be a positive integer, got 0/);
    expect(() => new Trainer(m, { ...data, inputShape: [4, 2] }, { epochs: 1, batchSize: 2, eta: 0.1 })).toThrow(/8 inputs per example .* expects 6/);
    const v = Vocab.fromTexts(["abc"]);
    expect(() => v.encode("abz")).toThrow(/unknown character "z" at position 2/);
    const lm = new LanguageModel({ engine: e, vocab: [...v.chars], hidden: 4, steps: 4 });
    expect(() => lm.sample({ start: "aq", length: 3 })).toThrow(/unknown character "q"/);
    expect(() => lm.sample({ length: 3, temperature: -1 })).toThrow(/temperature must be a finite number ≥ 0, got -1/);
    const long = textStream("abc".repeat(10), v, 8);
    expect(() => new Trainer(lm, long, { epochs: 1, batchSize: 1, eta: 0.1 }).runEpoch()).toThrow(/sequences of 8 steps need bpttWindow ≤ 4/);
    expect(() => wordSequences(["abc", ""], v, 5)).toThrow(/word 1 is empty/);
    expect(() => wordSequences(["abcabc"], v, 5)).toThrow(/has 6 characters; at most L − 1 = 4 fit/);
    expect(() => pairSequences([["", "a"]], v, 3, 4)).toThrow(/pair 0: the source "" has 0 characters; expected 1..3/);
    expect(() => lm.evaluate({ n: 1, inputShape: [3], inputs: Uint8Array.from([1, 2, 9]) })).toThrow(/inputs\[2\] is 9; token ids must be integers in \[0, 5\)/);
  });
});
