/**
 * Optimizers, cost versus wall time (issue 9): SGD, momentum, Adam, L-BFGS and Hessian-free on
 * [784,30,10] (sigmoid, cross-entropy) and on logistic regression (softmax + log-likelihood), on the
 * first 5,000 embedded training digits, each for the same time budget; plus the Hessian-vector product
 * both ways (exact R-operator vs central differences of gradients): time per product and accuracy.
 * Standalone: `node --experimental-wasm-relaxed-simd --import tsx bench/optimizers.ts [seconds]`;
 * `optimizersSection` has the shape of bench/run.ts's sections.
 */
import { pathToFileURL } from "node:url";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { Network } from "../src/network.js";
import { Dense } from "../src/layers/dense.js";
import { Softmax } from "../src/layers/softmax.js";
import { loadEmbeddedMnist } from "../src/data/mnist.js";
import { head, type DataSet } from "../src/data/dataset.js";
import { Trainer, type SgdOptions } from "../src/train/sgd.js";
import { HessianVector } from "../src/train/hessian.js";
import type { BenchContext } from "./run.js";

interface Curve { name: string; points: [number, number][]; stop: string }

/** Trains until `budget` seconds of training time (monitoring excluded); returns (seconds, cost) points. */
function race(make: () => Network, data: DataSet, name: string, o: Partial<SgdOptions>, budget: number, lambda: number): Curve {
  const net = make();
  const points: [number, number][] = [[0, net.evaluate(data, { lambda }).cost]];
  const t = new Trainer(net, data, { epochs: 100000, batchSize: 10, eta: 0.1, lambda, monitorTrainingCost: true, ...o });
  let elapsed = 0;
  while (!t.done && elapsed < budget) {
    const rec = t.runEpoch();
    if (!rec) break;
    elapsed += rec.seconds;
    points.push([elapsed, rec.trainingCost!]);
  }
  return { name, points, stop: t.done ? t.history.stopReason : "budget" };
}

const at = (c: Curve, s: number): number => [...c.points].reverse().find(([t]) => t <= s)![1];

/** Markdown: one row per optimizer, the training objective reached after each time budget. */
async function costTable(e: Engine, data: DataSet, title: string, make: () => Network, runs: [string, Partial<SgdOptions>][], budget: number, lambda: number): Promise<string[]> {
  const marks = [0.25, 0.5, 1, 2, 4, 8].filter((s) => s <= budget);
  const curves = runs.map(([name, o]) => race(make, data, name, o, budget, lambda));
  return [
    `##### ${title}`,
    "",
    `| optimizer | ${marks.map((s) => `${s} s`).join(" | ")} | iterations / epochs |`,
    `|---|${marks.map(() => "---:").join("|")}|---:|`,
    ...curves.map((c) => `| ${c.name} | ${marks.map((s) => at(c, s).toFixed(4)).join(" | ")} | ${c.points.length - 1}${c.stop === "budget" ? "" : ` (${c.stop})`} |`),
    "",
  ];
}

/** Median milliseconds of fn over reps runs after warm-up. */
function time(fn: () => void, reps = 7): number {
  for (let i = 0; i < 3; i++) fn();
  const ts = Array.from({ length: reps }, () => { const t0 = performance.now(); fn(); return performance.now() - t0; });
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/** Markdown: ms per Hessian-vector product on [784,30,10], batch 1000, both ways, and one gradient. */
function hvpTable(e: Engine, data: DataSet): string[] {
  const net = new Network([784, 30, 10], { engine: e, seed: 1 });
  const B = 1000, r = net.residentData(data);
  const x = e.alloc(B * 784), y = e.alloc(B * 10), lab = e.alloc(B), v = e.alloc(net.numParams), out = e.alloc(net.numParams);
  r.gather(r.iota, B, x, y, lab);
  net.rng.fillNormal(v, net.numParams);
  const rows = (["exact", "fd"] as const).map((m) => {
    const hv = new HessianVector(net, m, B);
    hv.setBatch(x, y, B);
    return `| ${m === "exact" ? "exact (R-operator)" : "central difference of gradients"} | ${time(() => hv.product(out, v)).toFixed(2)} |`;
  });
  const grad = time(() => { net.zeroGrad(); net.backwardPtr(net.forwardPtr(x, B), y, B); });
  return ["| Hv on [784,30,10], batch 1000 | ms |", "|---|---:|", ...rows, `| (one gradient, for scale) | ${grad.toFixed(2)} |`, ""];
}

/** The whole section: the HVP table, then cost versus time for both problems. */
export async function optimizersSection(ctx: BenchContext, budget = 4): Promise<string[]> {
  const e = await createEngine();
  const data = head((await loadEmbeddedMnist()).training, 5000);
  const mlp = () => new Network([784, 30, 10], { engine: e, seed: 1 });
  const logreg = () => new Network([new Dense(784, 10), new Softmax(10)], { engine: e, seed: 1 });
  const common: [string, Partial<SgdOptions>][] = [
    ["L-BFGS (m = 10)", { optimizer: "lbfgs" }],
    ["Hessian-free (curvature batch 1000)", { optimizer: { name: "hf", curvatureBatch: 1000, cgIterations: 20 } }],
  ];
  return [
    ...hvpTable(e, data),
    ...(await costTable(e, data, `[784,30,10] sigmoid + cross-entropy, λ = 1, 5,000 digits: training cost after each budget (${e.variant} SIMD)`, mlp,
      [["SGD η = 0.5, m = 10", { eta: 0.5 }], ["momentum η = 0.1, μ = 0.9", { eta: 0.1, optimizer: "momentum" }], ["Adam η = 0.001", { eta: 0.001, optimizer: "adam" }], ...common], budget, 1)),
    ...(await costTable(e, data, `logistic regression (softmax + log-likelihood), λ = 1, 5,000 digits: training cost after each budget`, logreg,
      [["SGD η = 0.1, m = 10", { eta: 0.1 }], ["momentum η = 0.02, μ = 0.9", { eta: 0.02, optimizer: "momentum" }], ["Adam η = 0.001", { eta: 0.001, optimizer: "adam" }], ...common], budget, 1)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log((await optimizersSection({ json: {} }, Number(process.argv[2] ?? 4))).join("\n"));
}
