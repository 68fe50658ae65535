/**
 * The book's reproduction ladder on the full MNIST: `npm run reproduce -- mlp [--data DIR] [--only N]`.
 * `--seed N` trains with seed N (results in runs/reproduce-<ladder>-seedN.json; seed 0 in
 * runs/reproduce-<ladder>.json), and `--summary [--seeds 0,1,2,3,4]` tabulates the median and every
 * seed's figure per row over the listed seeds (default: every seed run so far). The ensemble row takes
 * `--member S` to train one member (seed S) in a second process while the first trains the others.
 * Each row trains with the book's settings, checkpoints after every epoch under runs/ (rerunning the
 * script resumes unfinished rows and skips finished ones), and prints the test accuracy of the best
 * validation epoch beside the book's figure, with wall time and examples/s. Results go to
 * runs/reproduce-<ladder>.json and a Markdown table to runs/reproduce-<ladder>.md.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createEngine } from "../src/wasm/engine.js";
import { Network, type NetworkOptions } from "../src/network.js";
import { Trainer, type TrainState } from "../src/train/trainer.js";
import type { SgdOptions } from "../src/train/options.js";
import { loadIdxDir } from "../src/data/node.js";
import { expandWithShifts } from "../src/data/expand.js";
import { buildLayers } from "../src/layers/registry.js";
import { parseArch } from "../src/layers/arch.js";
import { evaluateEnsemble } from "../src/train/ensemble.js";
import type { Engine } from "../src/wasm/engine.js";
import { subset } from "../src/data/split.js";
import { loadCheckpoint, loadNetwork, saveCheckpoint, saveModel, writeFileAtomic } from "../src/io/node.js";
import type { DataSet } from "../src/data/dataset.js";

interface Row {
  name: string;
  book: number;
  /** Nielsen's sizes, or an architecture string (src/layers/arch.ts) on 28×28 inputs. */
  sizes?: number[];
  arch?: string;
  net: NetworkOptions;
  sgd: Omit<SgdOptions, "evaluationData">;
  trainSize?: number;
  /** Train on the ×5 one-pixel-shift expansion of the training set (the book's expand_mnist). */
  expand?: boolean;
  /** An ensemble: this many members of row `of`'s network, seeds seed … seed+K−1, combined by vote. */
  ensemble?: { of: number; members: number };
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

// Chapter 6 as network3.py runs it: m=10, log-likelihood softmax output, network3's λ is per mini-batch
// (0.5·λ·Σw²/num_batches on each batch's mean cost), which is λ·m in network2's λ/2n convention used
// here, so the book's λ=0.1 is λ=1.0. Dropout as network3's p_dropout: on the input of every fully
// connected and softmax layer. ReLU runs use η=0.03.
const C2 = "conv5x5x20:relu-pool2-conv5x5x40:relu-pool2";
const CNN: Row[] = [
  { name: "shallow: FC 100 sigmoid + softmax, η=0.1, 60 epochs", book: 97.8, arch: "fc100:sigmoid-softmax10", net: {}, sgd: { epochs: 60, batchSize: 10, eta: 0.1 } },
  { name: "conv 5×5×20 + max-pool 2, FC 100, sigmoid, η=0.1, 60 epochs", book: 98.78, arch: "conv5x5x20:sigmoid-pool2-fc100:sigmoid-softmax10", net: {}, sgd: { epochs: 60, batchSize: 10, eta: 0.1 } },
  { name: "two conv-pools (20, 40 maps), FC 100, sigmoid, η=0.1, 60 epochs", book: 99.06, arch: "conv5x5x20:sigmoid-pool2-conv5x5x40:sigmoid-pool2-fc100:sigmoid-softmax10", net: {}, sgd: { epochs: 60, batchSize: 10, eta: 0.1 } },
  { name: "two conv-pools, ReLU, η=0.03, λ=0.1, 60 epochs", book: 99.23, arch: `${C2}-fc100:relu-softmax10`, net: {}, sgd: { epochs: 60, batchSize: 10, eta: 0.03, lambda: 1.0 } },
  { name: "… on the ×5 expanded training data (250,000)", book: 99.37, arch: `${C2}-fc100:relu-softmax10`, net: {}, sgd: { epochs: 60, batchSize: 10, eta: 0.03, lambda: 1.0 }, expand: true },
  { name: "… FC 1000 + FC 1000, dropout 0.5, expanded, 40 epochs", book: 99.6, arch: `${C2}-dropout0.5-fc1000:relu-dropout0.5-fc1000:relu-dropout0.5-softmax10`, net: {}, sgd: { epochs: 40, batchSize: 10, eta: 0.03 }, expand: true },
  // 4 × 40 epochs of that network is ~12 core-hours here, so the other four members train 10 epochs
  // with the book's halve-on-plateau schedule (η halved whenever validation accuracy fails to improve)
  { name: "ensemble of 5: the previous network + 4 trained 10 epochs (η halved on plateaus), plurality vote", book: 99.67, arch: `${C2}-dropout0.5-fc1000:relu-dropout0.5-fc1000:relu-dropout0.5-softmax10`, net: {}, sgd: { epochs: 10, batchSize: 10, eta: 0.03, schedule: { type: "plateau", patience: 1 } }, expand: true, ensemble: { of: 5, members: 5 } },
];

const LADDERS: Record<string, Row[]> = { mlp: MLP, cnn: CNN };

/** Takes the lock file at path for this process; false while another live process holds it. */
function tryLock(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    const pid = Number(readFileSync(path, "utf8"));
    try {
      process.kill(pid, 0); // throws when no such process: the lock is stale
      if (pid !== process.pid) return false;
    } catch {}
    writeFileSync(path, String(process.pid));
    return true;
  }
}

/** The row's network, untrained. */
function buildNet(row: Row, engine: Engine, seed: number): Network {
  if (row.arch) return new Network(buildLayers(parseArch(row.arch), [784]), { ...row.net, engine, seed });
  return new Network(row.sizes!, { ...row.net, engine, seed });
}

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

/**
 * Trains one network of a row with the book's settings, resuming from `<stem>.ckpt` and checkpointing
 * after every epoch; the best validation epoch's weights are kept (restoreBest) and saved to
 * `<stem>.snn`. Returns the network with those weights, its test accuracy and the peak test accuracy
 * over the epochs (the statistic network.py/network3.py print).
 */
async function trainRow(engine: Engine, data: { validation: DataSet; test: DataSet }, training: DataSet, row: Row, seed: number, stem: string, label: string, deadCheck = false) {
  if (deadCheck && existsSync(`${stem}.dead`)) return null;
  const net = buildNet(row, engine, seed);
  const ckpt = `${stem}.ckpt`;
  const resume = existsSync(ckpt) ? await loadCheckpoint<{ state: TrainState; seconds: number; peakTest?: number }>(ckpt) : undefined;
  const seconds0 = resume?.seconds ?? 0;
  let pending: Promise<void> = Promise.resolve();
  let peakTest = resume?.peakTest ?? 0;
  const t0 = performance.now();
  const trainer = new Trainer(net, training, {
    ...row.sgd,
    seed,
    evaluationData: data.validation,
    restoreBest: true,
    resume: resume?.state,
    onEpoch: (rec, t) => {
      peakTest = Math.max(peakTest, net.evaluate(data.test).accuracy);
      process.stdout.write(`\r  ${label}: epoch ${rec.epoch + 1}/${row.sgd.epochs} val ${(100 * (rec.evaluationAccuracy ?? 0)).toFixed(2)}% (${Math.round(rec.examplesPerSecond)} ex/s)   `);
      pending = saveCheckpoint(ckpt, { state: t.state(), seconds: seconds0 + (performance.now() - t0) / 1000, peakTest });
    },
  });
  while (!trainer.done) {
    trainer.runEpoch();
    await pending;
    // a ReLU net with the book's N(0, 1) biases can die in its first mini-batches (a layer's units all
    // pushed below zero, the output constant): still at chance after the first epoch, it never recovers
    const first = trainer.history.epochs[0];
    if (deadCheck && trainer.history.epochs.length === 1 && first.evaluationAccuracy !== undefined && first.evaluationAccuracy < 0.2) {
      await writeFileAtomic(`${stem}.dead`, `seed ${seed}: validation accuracy ${(100 * first.evaluationAccuracy).toFixed(2)}% after epoch 1\n`);
      return null;
    }
  }
  const h = trainer.history;
  const speeds = h.epochs.slice(resume ? resume.state.epoch : 0).map((r) => r.examplesPerSecond).sort((a, b) => a - b);
  await saveModel(net, `${stem}.snn`, { row: row.name, seed });
  return {
    net,
    test: net.evaluate(data.test).accuracy, // the best validation epoch's weights (restoreBest)
    peakTest,
    bestEpoch: h.bestEpoch,
    epochs: h.epochs.length,
    seconds: seconds0 + (performance.now() - t0) / 1000,
    examplesPerSecond: speeds[Math.floor(speeds.length / 2)] ?? NaN,
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { data: { type: "string" }, only: { type: "string" }, member: { type: "string" }, seed: { type: "string", default: "0" }, seeds: { type: "string" }, summary: { type: "boolean", default: false } } });
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
  let expanded: DataSet | undefined;
  for (const [i, row] of rows.entries()) {
    if (values.only !== undefined && !values.only.split(",").map(Number).includes(i)) continue; // --only 1,2,3
    if (results[row.name]) {
      console.log(`✓ ${row.name}: ${results[row.name].ours.toFixed(2)}% (done earlier)`);
      continue;
    }
    const mark = engine.mark();
    let training: DataSet = row.trainSize ? subset(data.training, Array.from({ length: row.trainSize }, (_, k) => k)) : data.training;
    if (row.expand) training = expanded ??= expandWithShifts(data.training);
    let r: Result;
    if (!row.ensemble) {
      const run = (await trainRow(engine, data, training, row, seed, `runs/${tag}-${i}`, row.name))!;
      r = { name: row.name, book: row.book, ours: 100 * run.test, peakTest: 100 * run.peakTest, bestEpoch: run.bestEpoch, epochs: run.epochs, seconds: run.seconds, examplesPerSecond: run.examplesPerSecond };
    } else {
      // members 1…K−1 take seeds seed+1, seed+2, …, skipping a seed whose network dies at the start
      // (reported); member 0 is row `of` itself, so it comes last: by then that row (perhaps running
      // in another process) has saved its network
      const members: Network[] = [];
      const dead: number[] = [];
      let seconds = 0;
      const speeds: number[] = [];
      // `--member S` trains just the member with seed S (another process combines them all): members
      // hold a lock file while they train, and a process that reaches a seed another one is training
      // waits for it to finish, then takes its network from the checkpoint
      const only = values.member === undefined ? undefined : Number(values.member);
      if (only !== undefined && !(Number.isInteger(only) && only > seed)) throw new Error(`--member takes a seed above ${seed}, got ${values.member}`);
      for (let s = only ?? seed + 1; members.length < row.ensemble.members - 1; s++) {
        const label = `${row.name} [member ${members.length + 2}/${row.ensemble.members}, seed ${s}]`;
        const stem = `runs/${tag}-${i}-seed${s}`;
        while (!tryLock(`${stem}.lock`)) {
          process.stdout.write(`\r  seed ${s} is training in another process: waiting for it…   `);
          await new Promise((r) => setTimeout(r, 30_000));
        }
        let run: Awaited<ReturnType<typeof trainRow>>;
        try {
          run = await trainRow(engine, data, training, row, s, stem, label, true);
        } finally {
          unlinkSync(`${stem}.lock`);
        }
        if (only !== undefined) {
          console.log(run ? `\r  seed ${s}: test ${(100 * run.test).toFixed(2)}%, ${run.seconds.toFixed(0)} s` : `\r  seed ${s} died at the start`);
          return;
        }
        if (!run) {
          dead.push(s);
          console.log(`\r  seed ${s} died at the start (validation at chance after epoch 1); the next seed replaces it`);
          continue;
        }
        members.push(run.net);
        seconds += run.seconds;
        speeds.push(run.examplesPerSecond);
      }
      const base = `runs/${tag}-${row.ensemble.of}.snn`;
      while (!existsSync(base)) {
        process.stdout.write(`\r  waiting for ${base} (row ${row.ensemble.of}, member 1)…   `);
        await new Promise((r) => setTimeout(r, 60_000));
      }
      members.unshift((await loadNetwork(base, { engine })).net);
      const latest: Record<string, Result> = existsSync(resultsPath) ? JSON.parse(await readFile(resultsPath, "utf8")) : results;
      seconds += latest[rows[row.ensemble.of].name]?.seconds ?? 0;
      if (dead.length > 0) console.log(`  seeds that died at the start and were replaced: ${dead.join(", ")}`);
      const ev = evaluateEnsemble(members, data.test);
      const memberAcc = ev.members.map((m) => (100 * m.accuracy).toFixed(2)).join(", ");
      console.log(`\r  members ${memberAcc}%; vote ${(100 * ev.vote.accuracy).toFixed(2)}%, average ${(100 * ev.average.accuracy).toFixed(2)}%`);
      speeds.sort((a, b) => a - b);
      r = { name: row.name, book: row.book, ours: 100 * ev.vote.accuracy, peakTest: 100 * ev.average.accuracy, bestEpoch: NaN, epochs: row.sgd.epochs, seconds, examplesPerSecond: speeds[Math.floor(speeds.length / 2)] ?? NaN };
    }
    // merge with what other processes (--only on other rows) have written since we started
    const latest: Record<string, Result> = existsSync(resultsPath) ? JSON.parse(await readFile(resultsPath, "utf8")) : {};
    Object.assign(results, { ...latest, ...results, [row.name]: r });
    await writeFileAtomic(resultsPath, JSON.stringify(results, null, 2));
    const diff = r.ours - r.book;
    const within = ladder === "cnn" ? 0.15 : 0.3;
    console.log(`\r${diff >= -within ? "✓" : "✗"} ${row.name}: ${r.ours.toFixed(2)}% (book ${r.book}%, ${diff >= 0 ? "+" : ""}${diff.toFixed(2)}) peak test ${r.peakTest.toFixed(2)}%, best epoch ${r.bestEpoch}, ${r.seconds.toFixed(0)} s, ${Math.round(r.examplesPerSecond).toLocaleString("en-US")} examples/s`);
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
