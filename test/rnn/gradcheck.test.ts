// Finite-difference checks of backpropagation through time (STYLE.md 3.9.2): every analytic ∂C/∂θ of a
// whole sequence model against a central difference, through several steps, stacked layers, masks for
// variable lengths, ReLU states and every readout; the trainer's gradient clipping is not involved.
import { describe, expect, it } from "vitest";
import { engine, RefRng } from "../helpers.js";
import { gradErr } from "../gradcheck.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import { LanguageModel } from "../../src/rnn/lm.js";
import { Seq2Seq } from "../../src/rnn/seq2seq.js";
import { SequenceGenerator } from "../../src/rnn/generator.js";
import { Vocab, pairSequences, wordSequences } from "../../src/rnn/text.js";

/** Central differences of loss() in every parameter of model (float64 from f32 forwards). */
export function numericGrad(model: { numParams: number; getParams(): Float32Array; setParams(v: ArrayLike<number>): void }, loss: () => number, h = 1e-2): Float64Array {
  const p0 = model.getParams();
  const out = new Float64Array(p0.length);
  const p = Float32Array.from(p0);
  for (let i = 0; i < p.length; i++) {
    p[i] = p0[i] + h;
    model.setParams(p);
    const up = loss();
    p[i] = p0[i] - h;
    model.setParams(p);
    const down = loss();
    p[i] = p0[i];
    out[i] = (up - down) / (2 * h);
  }
  model.setParams(p0);
  return out;
}

describe("SequenceClassifier BPTT", () => {
  const cases = [
    { name: "one layer, 6 steps", hidden: [5], T: 6, masks: false, activation: "tanh" as const },
    { name: "two stacked layers, 5 steps", hidden: [4, 3], T: 5, masks: false, activation: "tanh" as const },
    { name: "stacked, variable lengths (masks)", hidden: [4, 3], T: 6, masks: true, activation: "tanh" as const },
    { name: "ReLU states", hidden: [5], T: 4, masks: true, activation: "relu" as const },
  ];
  for (const c of cases) {
    it(`gradients match central differences: ${c.name}`, async () => {
      const e = await engine();
      const C = 3;
      const B = 4;
      const K = 3;
      const m = new SequenceClassifier({ engine: e, inputs: C, steps: c.T, hidden: c.hidden, classes: K, seed: 3, activation: c.activation });
      const r = new RefRng(11);
      const x = r.array(B * c.T * C, -1, 1);
      const labels = [0, 2, 1, 2];
      const lengths = c.masks ? [c.T, 2, c.T - 1, 1] : undefined;
      const loss = (): number => m.lossAndGradient(x, labels, lengths);
      loss();
      const analytic = m.getGrads();
      const numeric = numericGrad(m, loss);
      expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    });
  }
});

describe("BPTT in the other shapes", () => {
  it("LanguageModel: stacked layers, words of different lengths (padding masked), both step losses", async () => {
    const e = await engine();
    const v = Vocab.fromTexts(["abcd"]);
    const seqs = wordSequences(["abcd", "b", "ca", "dba"], v, 5);
    for (const stepLoss of ["sum", "mean"] as const) {
      const m = new LanguageModel({ engine: e, vocab: [...v.chars], hidden: [5, 4], steps: 5, seed: 8, stepLoss });
      const loss = (): number => m.lossAndGradient(seqs.inputs, 4);
      loss();
      const analytic = m.getGrads();
      expect(gradErr(analytic, numericGrad(m, loss))).toBeLessThan(2e-2);
    }
  });

  it("Seq2Seq: the decoder's gradient reaches the encoder through its last states (stacked, masked sources)", async () => {
    const e = await engine();
    const v = Vocab.fromTexts(["abc"]);
    const d = pairSequences([["abc", "cba"], ["a", "a"], ["cb", "bc"]], v, 3, 4);
    const m = new Seq2Seq({ engine: e, vocab: [...v.chars], hidden: [4, 3], sourceSteps: 3, targetSteps: 4, seed: 9 });
    const loss = (): number => m.lossAndGradient(d.inputs, 3);
    loss();
    const analytic = m.getGrads();
    // the encoder's weights get gradient only through the initial states of the decoder
    expect(analytic.some((g, i) => m.params.some((p) => p.name.startsWith("enc") && i >= (p.value - m.paramPtr) / 4 && i < (p.value - m.paramPtr) / 4 + p.size && g !== 0))).toBe(true);
    expect(gradErr(analytic, numericGrad(m, loss))).toBeLessThan(2e-2);
  });

  it("SequenceGenerator: the input vector's bridge to every layer's initial state", async () => {
    const e = await engine();
    const m = new SequenceGenerator({ engine: e, conditions: 3, outputs: 4, steps: 4, hidden: [5, 3], seed: 10 });
    const r = new RefRng(12);
    const frames = r.array(2 * 4 * 4, 0.05, 0.95);
    const loss = (): number => m.lossAndGradient([1, 0, 0, 0, 0, 1], frames);
    loss();
    const analytic = m.getGrads();
    expect(gradErr(analytic, numericGrad(m, loss))).toBeLessThan(2e-2);
  });
});
