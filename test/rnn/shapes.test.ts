// The four shapes each learn a small seeded task through the shared Trainer, and survive a save/load
// round trip (bytes, so this runs in browsers too).
import { describe, expect, it } from "vitest";
import { engine, RefRng } from "../helpers.js";
import { Trainer } from "../../src/train/trainer.js";
import type { DataSet } from "../../src/data/dataset.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import { LanguageModel } from "../../src/rnn/lm.js";
import { SequenceGenerator, oneHot } from "../../src/rnn/generator.js";
import { Seq2Seq } from "../../src/rnn/seq2seq.js";
import { Vocab, pairSequences, textStream, wordSequences } from "../../src/rnn/text.js";
import { deserializeSequenceModel, serializeSequenceModel } from "../../src/rnn/io.js";
import type { SequenceModel } from "../../src/rnn/model.js";

function train(m: SequenceModel, data: DataSet, o: { epochs: number; batchSize: number; eta: number; bpttWindow?: number }): void {
  const t = new Trainer(m, data, { momentum: 0.9, clipNorm: 5, ...o });
  while (!t.done) t.runEpoch();
}

/** Round trip through bytes: same parameters, same kind and options. */
function roundTrip<M extends SequenceModel>(m: M, e: Awaited<ReturnType<typeof engine>>): M {
  const { model } = deserializeSequenceModel(serializeSequenceModel(m, { note: "test" }), { engine: e });
  expect(model.kind).toBe(m.kind);
  expect(model.config()).toEqual(m.config());
  expect(model.getParams()).toEqual(m.getParams());
  return model as M;
}

describe("many to one: SequenceClassifier", () => {
  it("learns to report the sign of the first of 6 steps, and round-trips", async () => {
    const e = await engine();
    const r = new RefRng(5);
    const n = 256;
    const T = 6;
    const inputs = Float32Array.from(r.array(n * T * 2, -1, 1));
    const labels = Int32Array.from({ length: n }, (_, i) => (inputs[i * T * 2] > 0 ? 1 : 0));
    const data: DataSet = { n, inputShape: [T, 2], inputs, labels };
    const m = new SequenceClassifier({ engine: e, inputs: 2, steps: T, hidden: 16, classes: 2, seed: 1 });
    train(m, data, { epochs: 30, batchSize: 16, eta: 0.05 });
    expect(m.evaluate(data).accuracy).toBeGreaterThan(0.95);
    const back = roundTrip(m, e);
    expect(back.predict(inputs.subarray(0, 20 * T * 2))).toEqual(m.predict(inputs.subarray(0, 20 * T * 2)));
  });
});

describe("many to many: LanguageModel", () => {
  const vocab = Vocab.fromTexts(["abcde"]);
  it("learns a cyclic text by truncated BPTT (windows of 4 over 16 steps), samples it at τ = 0, and round-trips", async () => {
    const e = await engine();
    const data = textStream("abcde".repeat(200), vocab, 16);
    const m = new LanguageModel({ engine: e, vocab: [...vocab.chars], hidden: 16, steps: 4, seed: 2 });
    train(m, data, { epochs: 15, batchSize: 8, eta: 0.05, bpttWindow: 4 });
    const ev = m.evaluate(data);
    expect(ev.accuracy).toBeGreaterThan(0.95);
    expect(m.perplexity(data)).toBeLessThan(1.3);
    expect(m.sample({ start: "cd", length: 8, temperature: 0 })).toBe("cdeabcdeab");
    // seeded sampling: the same seed gives the same text
    expect(m.sample({ length: 20, temperature: 1.5, seed: 9 })).toBe(m.sample({ length: 20, temperature: 1.5, seed: 9 }));
    const back = roundTrip(m, e);
    expect(back.sample({ start: "a", length: 6, temperature: 0 })).toBe("abcdeab");
  });

  it("learns words of different lengths with padding masked", async () => {
    const e = await engine();
    const words = ["abc", "abcd", "abcd", "ba"];
    const v = Vocab.fromTexts(words);
    const data = wordSequences(Array.from({ length: 64 }, (_, i) => words[i % 4]), v, 6);
    const m = new LanguageModel({ engine: e, vocab: [...v.chars], hidden: 16, steps: 6, seed: 3, stepLoss: "mean" });
    train(m, data, { epochs: 40, batchSize: 8, eta: 0.2 });
    // after "abc", "d" (abcd twice) is likelier than the boundary (abc once)
    expect(m.sample({ start: "ab", length: 5, temperature: 0, stopAtBoundary: true })).toBe("abcd");
    expect(m.sample({ start: "b", length: 5, temperature: 0, stopAtBoundary: true })).toBe("ba");
  });
});

describe("one to many: SequenceGenerator", () => {
  it("generates a class's 4 frames from its one-hot label, and round-trips", async () => {
    const e = await engine();
    const K = 3;
    const T = 4;
    const O = 5;
    const n = 60;
    const frame = (label: number, t: number): number[] => Array.from({ length: O }, (_, j) => ((label + t) % O === j || (label * 2 + t) % O === j ? 1 : 0));
    const labels = Int32Array.from({ length: n }, (_, i) => i % K);
    const inputs = new Uint8Array(n * T * O);
    labels.forEach((l, i) => { for (let t = 0; t < T; t++) inputs.set(frame(l, t).map((v) => 255 * v), (i * T + t) * O); });
    const m = new SequenceGenerator({ engine: e, conditions: K, outputs: O, steps: T, hidden: 16, seed: 4 });
    train(m, { n, inputShape: [T, O], inputs, labels }, { epochs: 40, batchSize: 6, eta: 0.1 });
    const g = m.generate(oneHot([0, 1, 2], K));
    for (let l = 0; l < K; l++) for (let t = 0; t < T; t++) expect(Array.from(g.subarray((l * T + t) * O, (l * T + t + 1) * O), Math.round)).toEqual(frame(l, t));
    expect(roundTrip(m, e).generate(oneHot([1], K))).toEqual(m.generate(oneHot([1], K)));
  });
});

describe("encoder–decoder: Seq2Seq", () => {
  it("learns to reverse words of 1–3 letters, and round-trips", async () => {
    const e = await engine();
    const letters = ["a", "b", "c"];
    const words = [...letters, ...letters.flatMap((x) => letters.map((y) => x + y)), ...letters.flatMap((x) => letters.flatMap((y) => letters.map((z) => x + y + z)))];
    const v = Vocab.fromTexts(words);
    const pairs = words.map((w) => [w, [...w].reverse().join("")] as const);
    const data = pairSequences(pairs, v, 3, 4);
    const m = new Seq2Seq({ engine: e, vocab: [...v.chars], hidden: 32, sourceSteps: 3, targetSteps: 4, seed: 5 });
    train(m, data, { epochs: 150, batchSize: 8, eta: 0.05 });
    const right = pairs.filter(([s, t]) => m.translate(s) === t).length;
    expect(right / pairs.length).toBeGreaterThan(0.9);
    const back = roundTrip(m, e);
    expect(words.map((w) => back.translate(w))).toEqual(words.map((w) => m.translate(w)));
  });
});
