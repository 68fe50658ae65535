/**
 * Optimizers, cost versus wall time (issue 9): SGD, momentum, Adam, L-BFGS and Hessian-free on
 * [784,30,10] (sigmoid, cross-entropy) and on logistic regression (softmax + log-likelihood), on the
 * first 5,000 embedded training digits, each for the same time budget (wall clock; CPU time recorded
 * too), medians of a few interleaved runs, as tables and as a plot (docs/optimizers.png); plus the
 * Hessian-vector product both ways (exact R-operator vs central differences of gradients).
 * `npm run bench -- optimizers`, or standalone:
 * `node --import tsx bench/optimizers.ts [seconds] [repeats]`.
 */
import { cpus, loadavg } from "node:os";
import { relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { Network } from "../src/network.js";
import { Dense } from "../src/layers/dense.js";
import { Softmax } from "../src/layers/softmax.js";
import { loadEmbeddedMnist } from "../src/data/mnist.js";
import { head, type DataSet } from "../src/data/dataset.js";
import { Trainer, type SgdOptions } from "../src/train/trainer.js";
import { HessianVector } from "../src/train/hessian.js";
import { lineChart, type Panel } from "../src/draw/plot.js";
import { writePng } from "../src/io/node.js";
import { cpuMs, median, type BenchContext } from "./lib.js";

/** One run's points: after each epoch (iteration), its training time by both clocks and the cost. */
interface Point { wall: number; cpu: number; cost: number }
interface Race { points: Point[]; stop: string }
/** An optimizer's runs (repeats); `label` is the plot's legend name. */
interface Curve { name: string; label: string; runs: Race[] }
type Run = [name: string, label: string, opts: Partial<SgdOptions>];

/**
 * Trains until `budget` seconds of training time, timing each epoch by the wall clock and by this
 * process's CPU time; the cost (with regularization) is evaluated after each epoch, outside the timed part.
 */
function race(make: () => Network, data: DataSet, o: Partial<SgdOptions>, budget: number, lambda: number): Race {
  const net = make();
  const points: Point[] = [{ wall: 0, cpu: 0, cost: net.evaluate(data, { lambda }).cost }];
  const t = new Trainer(net, data, { epochs: 100000, batchSize: 10, eta: 0.1, lambda, ...o });
  let wall = 0, cpu = 0;
  while (!t.done && wall < budget) {
    const w0 = performance.now(), c0 = cpuMs();
    const rec = t.runEpoch();
    wall += (performance.now() - w0) / 1000;
    cpu += (cpuMs() - c0) / 1000;
    if (!rec) break;
    points.push({ wall, cpu, cost: net.evaluate(data, { lambda }).cost });
  }
  return { points, stop: t.done ? t.history.stopReason : "budget" };
}

/** Each optimizer `repeats` times, interleaved, so that load on a shared machine spreads over all of them. */
function curves(make: () => Network, data: DataSet, runs: Run[], budget: number, lambda: number, repeats: number): Curve[] {
  const out: Curve[] = runs.map(([name, label]) => ({ name, label, runs: [] }));
  for (let r = 0; r < repeats; r++) runs.forEach(([, , o], i) => out[i].runs.push(race(make, data, o, budget, lambda)));
  return out;
}

/** The median over the runs of the cost reached by `s` seconds of wall time (each run's last point at or before s). */
const at = (c: Curve, s: number): number => median(c.runs.map((r) => [...r.points].reverse().find((p) => p.wall <= s)!.cost));

/** Markdown: one row per optimizer, the training objective reached after each time budget (wall clock). */
function costTable(title: string, cs: Curve[], budget: number): string[] {
  const marks = [0.25, 0.5, 1, 2, 4, 8].filter((s) => s <= budget);
  const stops = (c: Curve) => [...new Set(c.runs.map((r) => r.stop).filter((x) => x !== "budget"))];
  return [
    `##### ${title}`,
    "",
    `| optimizer | ${marks.map((s) => `${s} s`).join(" | ")} | iterations / epochs | CPU s per wall s |`,
    `|---|${marks.map(() => "---:").join("|")}|---:|---:|`,
    ...cs.map((c) => {
      const n = median(c.runs.map((r) => r.points.length - 1));
      const ratio = median(c.runs.map((r) => r.points.at(-1)!.cpu / r.points.at(-1)!.wall));
      return `| ${c.name} | ${marks.map((s) => at(c, s).toFixed(4)).join(" | ")} | ${n}${stops(c).length ? ` (${stops(c).join(", ")})` : ""} | ${ratio.toFixed(2)} |`;
    }),
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

/** Where the section's plot goes: docs/optimizers.png at the repository root. */
export const PLOT_PATH = fileURLToPath(new URL("../docs/optimizers.png", import.meta.url));

/**
 * The whole section: the HVP table, then cost versus time for both problems (medians of `repeats`
 * runs), recorded in ctx.json.optimizers and drawn to {@link PLOT_PATH} (cost, log scale, against
 * wall seconds; one panel per problem, one line per optimizer).
 */
export async function optimizersSection(ctx: BenchContext, budget = 4, repeats = 5): Promise<string[]> {
  const e = await createEngine();
  const data = head((await loadEmbeddedMnist()).training, 5000);
  const mlp = () => new Network([784, 30, 10], { engine: e, seed: 1 });
  const logreg = () => new Network([new Dense(784, 10), new Softmax(10)], { engine: e, seed: 1 });
  const common: Run[] = [
    ["L-BFGS (m = 10)", "L-BFGS", { optimizer: "lbfgs" }],
    ["Hessian-free (curvature batch 1000)", "Hessian-free", { optimizer: { name: "hf", curvatureBatch: 1000, cgIterations: 20 } }],
  ];
  const load0 = loadavg()[0];
  const hvp = hvpTable(e, data);
  const problems = [
    {
      title: `[784,30,10] sigmoid + cross-entropy, λ = 1, 5,000 digits: training cost after each budget (${e.variant} SIMD)`,
      short: "[784,30,10] sigmoid + cross-entropy",
      curves: curves(mlp, data, [["SGD η = 0.5, m = 10", "SGD", { eta: 0.5 }], ["momentum η = 0.1, μ = 0.9", "momentum", { eta: 0.1, optimizer: "momentum" }], ["Adam η = 0.001", "Adam", { eta: 0.001, optimizer: "adam" }], ...common], budget, 1, repeats),
    },
    {
      title: "logistic regression (softmax + log-likelihood), λ = 1, 5,000 digits: training cost after each budget",
      short: "logistic regression",
      curves: curves(logreg, data, [["SGD η = 0.1, m = 10", "SGD", { eta: 0.1 }], ["momentum η = 0.02, μ = 0.9", "momentum", { eta: 0.02, optimizer: "momentum" }], ["Adam η = 0.001", "Adam", { eta: 0.001, optimizer: "adam" }], ...common], budget, 1, repeats),
    },
  ];
  const load1 = loadavg()[0];
  const panels: Panel[] = problems.map((p) => ({
    title: p.short, xLabel: "wall seconds (training only)", yLabel: "training cost (log scale)", logY: true, xRange: [0, budget],
    // the median cost over the repeats at 240 instants
    series: p.curves.map((c) => ({ name: c.label, points: Array.from({ length: 241 }, (_, k) => [(k / 240) * budget, at(c, (k / 240) * budget)] as const) })),
  }));
  await writePng(PLOT_PATH, lineChart(panels, { width: 960, height: 380 }));
  ctx.json.optimizers = { budget, repeats, cores: cpus().length, loadavg1: [load0, load1], problems: problems.map((p) => ({ title: p.title, curves: p.curves })) };
  return [
    ...hvp,
    `Training time only (monitoring excluded); each cell is the median over ${repeats} interleaved runs per optimizer of the cost reached by that wall time; ${cpus().length} cores, 1-minute load average ${load0.toFixed(1)} before and ${load1.toFixed(1)} after. Plot: ${relative(process.cwd(), PLOT_PATH)}.`,
    "",
    ...problems.flatMap((p) => costTable(p.title, p.curves, budget)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log((await optimizersSection({ json: {} }, Number(process.argv[2] ?? 4), Number(process.argv[3] ?? 5))).join("\n"));
}
