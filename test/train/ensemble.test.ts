// Ensembles: the combination rules on hand-made predictions (ties included), then 3 seeded networks on
// the embedded digits.
import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { head } from "../../src/data/dataset.js";
import {
  averageCombine, datasetOutputs, ensemblePredict, evaluateEnsemble, trainEnsemble, voteCombine,
} from "../../src/train/ensemble.js";
import { engine, scoped } from "../helpers.js";

const i32 = (...v: number[]) => Int32Array.from(v);
const f32 = (...v: number[]) => Float32Array.from(v);

describe("voteCombine", () => {
  it("takes the plurality; a tie goes to the lowest class index", () => {
    const preds = [i32(0, 2, 1, 3, 2), i32(0, 1, 1, 2, 3), i32(1, 1, 2, 1, 0)];
    // example 3: 3, 2, 1 all tied → 1; example 4: 2, 3, 0 tied → 0
    expect(Array.from(voteCombine(preds, 4))).toEqual([0, 1, 1, 1, 0]);
    // two members disagreeing: always a tie, so the lower class wins
    expect(Array.from(voteCombine([i32(3, 0), i32(1, 2)], 4))).toEqual([1, 0]);
  });

  it("with outputs, a tie goes to the tied class with the largest summed output", () => {
    const preds = [i32(0, 0), i32(2, 2)];
    const outs = [f32(0.5, 0.4, 0.1, 0.6, 0.1, 0.3), f32(0.1, 0.2, 0.7, 0.1, 0.2, 0.7)];
    // example 0: class 0 sums 0.6, class 2 sums 0.8 → 2 (class 1's 0.6 has no vote and does not count)
    // example 1: class 0 sums 0.7, class 2 sums 1.0 → 2
    expect(Array.from(voteCombine(preds, 3, outs))).toEqual([2, 2]);
    const even = [f32(0.5, 0, 0.5), f32(0.5, 0, 0.5)];
    expect(Array.from(voteCombine([i32(0), i32(2)], 3, even))).toEqual([0]); // still tied → lowest
    expect(Array.from(voteCombine([i32(2), i32(2), i32(0)], 3, [f32(0, 0, 0.4), f32(0, 0, 0.4), f32(1, 0, 0)]))).toEqual([2]);
  });

  it("rejects empty, ragged and out-of-range input with clear errors", () => {
    expect(() => voteCombine([], 3)).toThrow(/at least one member/);
    expect(() => voteCombine([i32(0, 1), i32(0)], 3)).toThrow(/member 1 predicted 1 examples; member 0 predicted 2/);
    expect(() => voteCombine([i32(0, 3)], 3)).toThrow(/class 3 for example 1; expected one in \[0, 3\)/);
    expect(() => voteCombine([i32(0)], 3, [f32(1, 0)])).toThrow(/member 0's outputs hold 2 values/);
  });
});

describe("averageCombine", () => {
  it("takes the argmax of the mean output, ties to the lowest class", () => {
    const outs = [f32(0.9, 0.1, 0, 0.2, 0.3, 0.5), f32(0, 0.2, 0.8, 0.6, 0.3, 0.1)];
    // means: (0.45, 0.15, 0.4) → 0; (0.4, 0.3, 0.3) → 0
    expect(Array.from(averageCombine(outs, 3))).toEqual([0, 0]);
    expect(Array.from(averageCombine([f32(0.2, 0.4, 0.4)], 3))).toEqual([1]);
    // the vote of these two would be a 0-vs-2 tie on example 0; averaging weighs confidence
    expect(Array.from(averageCombine([f32(0.4, 0, 0.6), f32(0.9, 0, 0.1)], 3))).toEqual([0]);
  });

  it("rejects empty and mismatched outputs", () => {
    expect(() => averageCombine([], 3)).toThrow(/at least one member/);
    expect(() => averageCombine([f32(1, 0, 0), f32(1, 0)], 3)).toThrow(/member 1's outputs hold 2 values/);
    expect(() => averageCombine([f32(1, 0)], 3)).toThrow(/not a multiple of 3 classes/);
    expect(() => averageCombine([f32(1)], 0)).toThrow(/classes must be a positive integer/);
  });
});

describe("ensembles of networks", () => {
  it("rejects an empty member list and members of different sizes", async () => {
    const e = await engine();
    scoped(e, () => {
      const a = new Network([4, 3, 2], { engine: e });
      const b = new Network([4, 3, 3], { engine: e });
      expect(() => ensemblePredict([], [0, 0, 0, 0])).toThrow(/at least one member network/);
      expect(() => ensemblePredict([a, b], [0, 0, 0, 0])).toThrow(/member 1 maps 4 inputs to 3 outputs; member 0 maps 4 to 2/);
      expect(() => ensemblePredict([a], [0, 0, 0, 0], { combine: "median" as never })).toThrow(/unknown combine rule "median"/);
      expect(() => trainEnsemble((s) => new Network([4, 2], { engine: e, seed: s }), { n: 1, inputShape: [4], inputs: f32(0, 0, 0, 0), labels: i32(0) }, { members: 0, epochs: 1, batchSize: 1, eta: 1 })).toThrow(/positive integer number of members/);
    });
  });

  it("3 seeded members on the embedded digits differ; both rules are reported", async () => {
    const e = await engine("relaxed");
    const { training, test } = await loadEmbeddedMnist();
    scoped(e, () => {
      const train = head(training, 1000);
      const data = head(test, 300);
      const seen: number[] = [];
      const { members, histories, seeds } = trainEnsemble((seed) => new Network([784, 20, 10], { engine: e, seed }), train, {
        members: 3, seed: 5, epochs: 3, batchSize: 10, eta: 0.5, onMember: (i) => seen.push(i),
      });
      expect(seeds).toEqual([5, 6, 7]);
      expect(seen).toEqual([0, 1, 2]);
      expect(histories.every((h) => h.epochs.length === 3)).toBe(true);
      expect(members[0].getParams()).not.toEqual(members[1].getParams());
      expect(members[1].getParams()).not.toEqual(members[2].getParams());

      const r = evaluateEnsemble(members, data);
      const accs = r.members.map((m) => m.accuracy);
      for (const m of r.members) expect(m.n).toBe(300);
      for (const acc of accs) expect(acc).toBeGreaterThan(0.7);
      expect(accs[0] === accs[1] && accs[1] === accs[2]).toBe(false); // different seeds learn differently
      expect(accs[0]).toBeCloseTo(members[0].evaluate(data).accuracy, 10);
      expect(r.vote.accuracy).toBeGreaterThanOrEqual(Math.min(...accs));
      expect(r.average.accuracy).toBeGreaterThanOrEqual(Math.min(...accs));
      console.log(`members ${accs.map((a) => (100 * a).toFixed(1)).join(" / ")}% · vote ${(100 * r.vote.accuracy).toFixed(1)}% · average ${(100 * r.average.accuracy).toFixed(1)}%`);

      // ensemblePredict on arrays agrees with the data-set path
      const size = 784;
      const inputs = Float32Array.from(data.inputs.subarray(0, 20 * size), (v) => v * Math.fround(1 / 255)); // as gather_rows_u8 scales
      const outs = members.map((m) => datasetOutputs(m, head(data, 20)));
      expect(ensemblePredict(members, inputs, { combine: "average" })).toEqual(averageCombine(outs, 10));
      expect(ensemblePredict(members, inputs)).toEqual(ensemblePredict(members, inputs, { combine: "vote" }));
    });
  });
});
