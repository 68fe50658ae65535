/**
 * Hyper-parameter search following the book's broad strategy (chapter 3): find the threshold η at which
 * the training cost stops falling in the first few epochs, trying orders of magnitude 0.01, 0.1, 1, …;
 * use half of it; then move λ by factors of 10 from 1.0 while validation accuracy improves. Also plain
 * grid and seeded random searches. Every trial builds a fresh network and frees it afterwards.
 */
import type { Network } from "../network.js";
import type { Engine } from "../wasm/engine.js";
import type { DataSet } from "../data/dataset.js";
import { sgd } from "./trainer.js";
import type { SgdOptions } from "./options.js";

/** One trial's settings and results. */
export interface Trial {
  phase: string;
  eta: number;
  lambda: number;
  batchSize: number;
  /** The training cost before the first epoch, then after each epoch. */
  trainingCosts: number[];
  validationAccuracy: number;
  /** For η trials: did the training cost fall every epoch? */
  decreasing?: boolean;
}

export interface TuneSetup {
  /** The engine the networks are built on: each trial's allocations are released afterwards. */
  engine: Engine;
  /** Builds a fresh network on that engine (same architecture and seed every time). */
  build: () => Network;
  training: DataSet;
  validation: DataSet;
  /** Epochs per trial (the book: "a few"). Default 3. */
  epochs?: number;
  batchSize?: number;
  onTrial?: (t: Trial) => void;
}

function runTrial(s: TuneSetup, phase: string, eta: number, lambda: number, batchSize = s.batchSize ?? 10): Trial {
  const mark = s.engine.mark();
  const net = s.build();
  try {
    const opts: SgdOptions = { epochs: s.epochs ?? 3, batchSize, eta, lambda, evaluationData: s.validation, monitorTrainingCost: true };
    const initial = net.evaluate(s.training, { lambda }).cost;
    const h = sgd(net, s.training, opts);
    const costs = h.epochs.map((r) => r.trainingCost ?? NaN);
    const acc = h.epochs.at(-1)?.evaluationAccuracy ?? NaN;
    // "decreasing": the cost fell in every epoch, starting from the untrained network's, and never diverged
    const decreasing = h.stopReason !== "diverged" && costs.every((c, i) => Number.isFinite(c) && c < (i === 0 ? initial : costs[i - 1]));
    const t: Trial = { phase, eta, lambda, batchSize, trainingCosts: [initial, ...costs], validationAccuracy: acc, decreasing };
    s.onTrial?.(t);
    return t;
  } finally {
    s.engine.release(mark);
  }
}

/** The book's η-then-λ strategy. Returns every trial and the chosen η and λ. */
export function broadStrategy(s: TuneSetup, etas: readonly number[] = [0.01, 0.1, 1, 10, 100]): { trials: Trial[]; eta: number; lambda: number; threshold: number } {
  const trials: Trial[] = [];
  let threshold = etas[etas.length - 1];
  let previous = Infinity;
  for (const eta of etas) {
    const t = runTrial(s, "η threshold", eta, 0);
    trials.push(t);
    const final = t.trainingCosts[t.trainingCosts.length - 1];
    // past the threshold the cost oscillates or rises, or at least ends above what a smaller η reached
    if (!t.decreasing || !(final <= previous)) {
      threshold = eta;
      break;
    }
    previous = final;
  }
  const eta = threshold / 2;
  // λ: start at 1.0, then go by factors of 10 in whichever direction improves validation accuracy
  let best = runTrial(s, "λ search", eta, 1);
  trials.push(best);
  for (const factor of [10, 0.1]) {
    for (;;) {
      const t = runTrial(s, "λ search", eta, +(best.lambda * factor).toPrecision(6));
      trials.push(t);
      if (!(t.validationAccuracy > best.validationAccuracy)) break;
      best = t;
    }
    if (best.lambda !== 1) break; // found the direction that helps
  }
  return { trials, eta, lambda: best.lambda, threshold };
}

/** A hyper-parameter space: a list of values for each of η, λ and m. */
export interface Space {
  eta: readonly number[];
  lambda?: readonly number[];
  batchSize?: readonly number[];
}

/** Every combination in the space, best validation accuracy first. */
export function gridSearch(s: TuneSetup, space: Space): Trial[] {
  const trials: Trial[] = [];
  for (const eta of space.eta) for (const lambda of space.lambda ?? [0]) for (const m of space.batchSize ?? [s.batchSize ?? 10]) trials.push(runTrial(s, "grid", eta, lambda, m));
  return trials.sort((a, b) => b.validationAccuracy - a.validationAccuracy);
}

/** `count` seeded draws, log-uniform within [min, max] of each range; best first. */
export function randomSearch(s: TuneSetup, ranges: { eta: [number, number]; lambda?: [number, number] }, count: number, draw: () => number): Trial[] {
  const logUniform = ([lo, hi]: [number, number]) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * draw());
  const trials: Trial[] = [];
  for (let i = 0; i < count; i++) {
    const eta = +logUniform(ranges.eta).toPrecision(3);
    const lambda = ranges.lambda ? +logUniform(ranges.lambda).toPrecision(3) : 0;
    trials.push(runTrial(s, "random", eta, lambda));
  }
  return trials.sort((a, b) => b.validationAccuracy - a.validationAccuracy);
}
