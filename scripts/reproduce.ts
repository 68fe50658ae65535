/**
 * The book's reproduction ladder on the full MNIST: `npm run reproduce -- mlp [--data DIR] [--only N]`.
 * `--seed N` trains with seed N (results in runs/reproduce-<ladder>-seedN.json; seed 0 in
 * runs/reproduce-<ladder>.json), and `--summary [--seeds 0,1,2,3,4]` tabulates the median and every
 * seed's figure per row over the listed seeds (default: every seed run so far).
 * Each row trains with the book's settings, checkpoints after every epoch under runs/ (rerunning the
 * script resumes unfinished rows and skips finished ones), and prints the test accuracy of the best
 * validation epoch beside the book's figure, with wall time and examples/s. Results go to
 * runs/reproduce-<ladder>.json and a Markdown table to runs/reproduce-<ladder>.md.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createEngine } from "../src/wasm/engine.js";
import { Network, type NetworkOptions } from "../src/network.js";
import { Trainer, type TrainState } from "../src/train/sgd.js";
import type { SgdOptions } from "../src/train/options.js";
import { loadIdxDir } from "../src/data/node.js";
import { subset } from "../src/data/split.js";
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from "../src/io/node.js";
import type { DataSet } from "../src/data/dataset.js";

interface Row {
  name: string;
  book: number;
  sizes: number[];
  net: NetworkOptions;
  sgd: Omit<SgdOptions, "evaluationData">;
  trainSize?: number;
}

// The book's settings: chapter 1 uses network.py (quadratic cost, N(0,1) init); chapter 3's runs use
// network2.py with large_weight_initializer until the initialization section.
const MLP: Row[] = [
  { name: "[784,30,10] quadratic η=3.0 m=10, 30 epochs (ch. 1)", book: 95.42, sizes: [784, 30, 10], net: { cost: "quadratic", init: "large" }, sgd: { epochs: 30, batchSize: 10, eta: 3.0 } },
  { name: "[784,100,10] quadratic η=3.0 m=10, 30 epochs (ch. 1)", book: 96.59, sizes: [784, 100, 10], net: { cost: "quadratic", init: "large" }, sgd: { epochs: 30, batchSize: 10, eta: 3.0 } },
  { name: "[784,30,10] cross-entropy η=0.5, 30 epochs (ch. 3)", book: 95.49, sizes: [784, 30, 10], net: { cost: "cross-entropy", init: "large" }, sgd: { epochs: 30, batchSize: 10, eta: 0.5 } },
  { name: "[784,100,10] cross-entropy λ=5.0 η=0.1, 60 epochs (ch. 3)", book: 98.04, sizes: [784, 100, 10], net: { cost: "cross-entropy", init: "large" }, sgd: { epochs: 60, batchSize: 10, eta: 0.1, lambda: 5.0 } },
  { name: "1,000 images, [784,30,10] CE η=0.5, 400 epochs, no λ (overfits)", book: 82.27, sizes: [784, 30, 10], net: { cost: "cross-entropy", init: "large" }, sgd: { epochs: 400, batchSize: 10, eta: 0.5 }, trainSize: 1000 },
  { name: "1,000 images, [784,30,10] CE η=0.5, 400 epochs, λ=0.1", book: 87.1, sizes: [784, 30, 10], net: { cost: "cross-entropy", init: "large" }, sgd: { epochs: 400, batchSize: 10, eta: 0.5, lambda: 0.1 }, trainSize: 1000 },
];

const LADDERS: Record<string, Row[]> = { mlp: MLP };

interface Result {
  name: string;
  book: number;
  /** Test accuracy of the best validation epoch's weights. */
  ours: number;
  /** The highest test accuracy over the epochs: the statistic the book quotes (network.py evaluates the test set each epoch). */
  peakTest: number;
  bestEpoch: number;
  epochs: number;
  seconds: number;
  examplesPerSecond: number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { data: { type: "string" }, only: { type: "string" }, seed: { type: "string", default: "0" }, seeds: { type: "string" }, summary: { type: "boolean", default: false } } });
  const ladder = positionals[0] ?? "mlp";
  const rows = LADDERS[ladder];
  if (!rows) throw new Error(`unknown ladder ${JSON.stringify(ladder)}; expected one of ${Object.keys(LADDERS).join(", ")}`);
  if (values.summary) return summarize(ladder, rows, values.seeds?.split(",").map(Number));
  const dir = values.data ?? ["../shared/data/mnist", "/work/shared/data/mnist"].find((d) => existsSync(d));
  if (!dir) throw new Error("no MNIST directory: pass --data DIR (the full IDX files)");
  const data = loadIdxDir(dir);
  const engine = await createEngine();
  const seed = Number(values.seed);
  const tag = seed ? `${ladder}-seed${seed}` : ladder;
  const resultsPath = `runs/reproduce-${tag}.json`;
  const results: Record<string, Result> = existsSync(resultsPath) ? JSON.parse(await readFile(resultsPath, "utf8")) : {};
  console.log(`reproducing the ${ladder} ladder on ${dir} with the ${engine.variant} kernels`);
  for (const [i, row] of rows.entries()) {
    if (values.only !== undefined && Number(values.only) !== i) continue;
    if (results[row.name]) {
      console.log(`✓ ${row.name}: ${results[row.name].ours.toFixed(2)}% (done earlier)`);
      continue;
    }
    const mark = engine.mark();
    const training: DataSet = row.trainSize ? subset(data.training, Array.from({ length: row.trainSize }, (_, k) => k)) : data.training;
    const net = new Network(row.sizes, { ...row.net, engine, seed });
    const ckpt = `runs/${tag}-${i}.ckpt`;
    const resume = existsSync(ckpt) ? (await loadCheckpoint<{ state: TrainState; seconds: number }>(ckpt)) : undefined;
    let seconds = resume?.seconds ?? 0;
    let pending: Promise<void> = Promise.resolve();
    let peakTest = resume ? (resume as { peakTest?: number }).peakTest ?? 0 : 0;
    const t0 = performance.now();
    const trainer = new Trainer(net, training, {
      ...row.sgd,
      evaluationData: data.validation,
      restoreBest: true,
      resume: resume?.state,
      onEpoch: (rec, t) => {
        peakTest = Math.max(peakTest, net.evaluate(data.test).accuracy);
        process.stdout.write(`\r  ${row.name}: epoch ${rec.epoch + 1}/${row.sgd.epochs} val ${(100 * (rec.evaluationAccuracy ?? 0)).toFixed(2)}%   `);
        pending = saveCheckpoint(ckpt, { state: t.state(), seconds: seconds + (performance.now() - t0) / 1000, peakTest });
      },
    });
    while (!trainer.done) {
      trainer.runEpoch();
      await pending;
    }
    seconds += (performance.now() - t0) / 1000;
    const h = trainer.history;
    const test = net.evaluate(data.test); // the best validation epoch's weights (restoreBest)
    const speeds = h.epochs.slice(resume ? resume.state.epoch : 0).map((r) => r.examplesPerSecond).sort((a, b) => a - b);
    const r: Result = { name: row.name, book: row.book, ours: 100 * test.accuracy, peakTest: 100 * peakTest, bestEpoch: h.bestEpoch, epochs: h.epochs.length, seconds, examplesPerSecond: speeds[Math.floor(speeds.length / 2)] ?? NaN };
    results[row.name] = r;
    await writeFileAtomic(resultsPath, JSON.stringify(results, null, 2));
    const diff = r.ours - r.book;
    console.log(`\r${diff >= -0.3 ? "✓" : "✗"} ${row.name}: ${r.ours.toFixed(2)}% (book ${r.book}%, ${diff >= 0 ? "+" : ""}${diff.toFixed(2)}) peak test ${r.peakTest.toFixed(2)}%, best epoch ${r.bestEpoch}, ${r.seconds.toFixed(0)} s, ${Math.round(r.examplesPerSecond).toLocaleString("en-US")} examples/s`);
    engine.release(mark);
  }
  const md = [
    "| run | book | simdnet (best val → test) | Δ | peak test (book's statistic) | best epoch | wall time | examples/s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.filter((row) => results[row.name]).map((row) => {
      const r = results[row.name];
      return `| ${r.name} | ${r.book.toFixed(2)}% | ${r.ours.toFixed(2)}% | ${(r.ours - r.book >= 0 ? "+" : "") + (r.ours - r.book).toFixed(2)} | ${r.peakTest.toFixed(2)}% | ${r.bestEpoch} | ${r.seconds.toFixed(0)} s | ${Math.round(r.examplesPerSecond).toLocaleString("en-US")} |`;
    }),
  ].join("\n");
  await writeFileAtomic(`runs/reproduce-${tag}.md`, md + "\n");
  console.log(`\n${md}`);
}

/**
 * Medians over the given seeds (default: every seed run so far, from runs/reproduce-<ladder>[-seedN].json)
 * as a Markdown table, each seed's figure listed in seed order beside the median.
 */
async function summarize(ladder: string, rows: Row[], seeds?: number[]): Promise<void> {
  const { readdir } = await import("node:fs/promises");
  const fileOf = (seed: number) => `reproduce-${seed ? `${ladder}-seed${seed}` : ladder}.json`;
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds takes non-negative integers, e.g. 0,1,2,3,4`);
  const found = (await readdir("runs")).map((f) => new RegExp(`^reproduce-${ladder}(?:-seed(\\d+))?\\.json$`).exec(f)).filter((m) => m !== null).map((m) => Number(m[1] ?? 0));
  const use = seeds ?? [...new Set(found)].sort((a, b) => a - b);
  const missing = use.filter((s) => !found.includes(s));
  if (missing.length > 0) throw new Error(`no results for seed(s) ${missing.join(", ")}: run npm run reproduce -- ${ladder} --seed N first`);
  const runs = await Promise.all(use.map(async (s) => JSON.parse(await readFile(`runs/${fileOf(s)}`, "utf8")) as Record<string, Result>));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const lines = [
    `| run | book | simdnet: best val → test, median (seeds ${use.join(", ")}) | Δ | peak test, median (seeds ${use.join(", ")}) | Δ | examples/s |`,
    "|---|---:|---|---:|---|---:|---:|",
  ];
  for (const row of rows) {
    const bySeed = runs.map((r) => r[row.name] as Result | undefined);
    const rs = bySeed.filter((r) => r !== undefined);
    if (rs.length === 0) continue;
    if (rs.length < runs.length) console.warn(`${row.name}: only ${rs.length} of ${runs.length} seeds have finished; the median is over those`);
    const ours = med(rs.map((r) => r.ours));
    const peak = med(rs.map((r) => r.peakTest));
    // every seed's figure in seed order, "–" for a seed whose row has not finished
    const each = (f: (r: Result) => number) => bySeed.map((r) => (r ? f(r).toFixed(2) : "–")).join(" / ");
    const d = (v: number) => (v - row.book >= 0 ? "+" : "") + (v - row.book).toFixed(2);
    lines.push(`| ${row.name} | ${row.book.toFixed(2)}% | **${ours.toFixed(2)}%** (${each((r) => r.ours)}) | ${d(ours)} | **${peak.toFixed(2)}%** (${each((r) => r.peakTest)}) | ${d(peak)} | ${Math.round(med(rs.map((r) => r.examplesPerSecond))).toLocaleString("en-US")} |`);
  }
  const md = lines.join("\n");
  await writeFileAtomic(`runs/reproduce-${ladder}-summary.md`, md + "\n");
  console.log(`seeds ${use.join(", ")}\n\n${md}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
