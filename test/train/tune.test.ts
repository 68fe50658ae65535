import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { broadStrategy, gridSearch, randomSearch } from "../../src/train/tune.js";
import type { DataSet } from "../../src/data/dataset.js";
import { engine, RefRng } from "../helpers.js";

function blobs(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  const inputs = r.array(n * 6, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (inputs[i * 6] > inputs[i * 6 + 1] ? 0 : 1));
  return { n, inputShape: [6], inputs, labels };
}

describe("hyper-parameter search", () => {
  it("the book's broad strategy: η threshold by orders of magnitude, half of it, then λ by factors of 10", async () => {
    const e = await engine();
    const before = e.mark();
    const setup = { engine: e, build: () => new Network([6, 8, 2], { engine: e, seed: 1 }), training: blobs(200, 1), validation: blobs(100, 2), epochs: 3 };
    const r = broadStrategy(setup);
    const etaTrials = r.trials.filter((t) => t.phase === "η threshold");
    // every η tried before the threshold decreased the cost each epoch; the threshold did not
    expect(etaTrials.slice(0, -1).every((t) => t.decreasing)).toBe(true);
    expect(etaTrials.at(-1)!.eta).toBe(r.threshold);
    const final = (t: (typeof etaTrials)[number]) => t.trainingCosts.at(-1)!;
    const last = etaTrials.at(-1)!;
    expect(!last.decreasing || final(last) > final(etaTrials.at(-2)!)).toBe(true);
    expect(etaTrials.map((t) => t.eta)).toEqual([0.01, 0.1, 1, 10, 100].slice(0, etaTrials.length));
    expect(r.eta).toBe(r.threshold / 2);
    const lambdas = r.trials.filter((t) => t.phase === "λ search").map((t) => t.lambda);
    expect(lambdas[0]).toBe(1);
    for (const l of lambdas) expect(Math.log10(l) % 1).toBeCloseTo(0, 9); // powers of ten
    expect(e.mark()).toBe(before); // every trial frees what it allocated
    e.release(before);
  });

  it("grid and random searches try every point, best validation accuracy first, seeded", async () => {
    const e = await engine();
    const m = e.mark();
    const setup = { engine: e, build: () => new Network([6, 8, 2], { engine: e, seed: 1 }), training: blobs(200, 1), validation: blobs(100, 2), epochs: 2 };
    const grid = gridSearch(setup, { eta: [0.1, 1], lambda: [0, 1], batchSize: [10, 20] });
    expect(grid).toHaveLength(8);
    for (let i = 1; i < grid.length; i++) expect(grid[i - 1].validationAccuracy).toBeGreaterThanOrEqual(grid[i].validationAccuracy);
    const r1 = new RefRng(5);
    const a = randomSearch(setup, { eta: [0.01, 10], lambda: [0.01, 1] }, 4, () => r1.uniform());
    const r2 = new RefRng(5);
    const b = randomSearch(setup, { eta: [0.01, 10], lambda: [0.01, 1] }, 4, () => r2.uniform());
    expect(a.map((t) => [t.eta, t.lambda])).toEqual(b.map((t) => [t.eta, t.lambda]));
    for (const t of a) expect(t.eta >= 0.01 && t.eta <= 10).toBe(true);
    e.release(m);
  });
});
