/**
 * `simdnet train`: load data, build the network, run SGD with a progress bar per epoch and a table row
 * after it, checkpoint every epoch (atomically) so `--resume` loses at most one epoch, then report the
 * test accuracy and throughput. Also: ensembles over seeds, gradient-norm tables, PNG exports.
 */
import { existsSync, readFileSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Engine } from "../wasm/engine.js";
import { Network, type Evaluation } from "../network.js";
import { buildLayers } from "../layers/registry.js";
import { parseArch } from "../layers/arch.js";
import type { LayerSpec } from "../layers/layer.js";
import { Trainer, type History, type TrainState } from "../train/trainer.js";
import type { SgdOptions } from "../train/options.js";
import type { DataSet } from "../data/dataset.js";
import type { MnistSplit } from "../data/mnist.js";
import { loadEmbeddedMnist } from "../data/mnist.js";
import { loadIdxDir } from "../data/node.js";
import { expandWithShifts } from "../data/expand.js";
import { subset } from "../data/split.js";
import { loadCheckpoint, saveCheckpoint, saveModel, writeFileAtomic, writePng } from "../io/node.js";
import { digitGrid, filterGrid, misclassified } from "../draw/png.js";
import { evaluateEnsemble, type EnsembleEvaluation } from "../train/ensemble.js";
import { engineFromFlags, num, networkOptions, sgdOptions, type Flags } from "./config.js";

/** Loads the data the flags name: --data DIR (full MNIST, 50k/10k/10k) or the embedded digits. */
export async function loadData(flags: Flags): Promise<MnistSplit & { source: string }> {
  const split = flags.data ? loadIdxDir(flags.data) : await loadEmbeddedMnist();
  let training: DataSet = split.training;
  const size = Number(flags["train-size"] ?? 0);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`--train-size must be an integer ≥ 0, got ${flags["train-size"]}`);
  if (size > 0) training = subset(training, Array.from({ length: Math.min(size, training.n) }, (_, i) => i));
  if (flags.expand) training = expandWithShifts(training);
  return { ...split, training, source: flags.data ?? "embedded mnist (10,000 digits)" };
}

/** An architecture file: a JSON array of layer specs (what Layer.spec() returns), or { "layers": [...] }. */
function readArchFile(path: string): LayerSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`--arch ${path}: cannot read it as JSON (${(err as Error).message})`);
  }
  const layers = Array.isArray(json) ? json : (json as { layers?: unknown })?.layers;
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => l && typeof l === "object" && typeof l.type === "string")) {
    throw new Error(`--arch ${path}: expected a non-empty JSON array of layer specs like {"type": "conv2d", "filters": 20, "kernel": 5}, or {"layers": [...]}`);
  }
  return layers as LayerSpec[];
}

/** Builds the network the flags describe for data with this input shape. */
export function buildNetwork(flags: Flags, inputShape: readonly number[], engine: Engine): Network {
  const o = networkOptions(flags);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const arch = flags.arch ?? "784-100-10";
  const specs = arch.endsWith(".json") ? readArchFile(arch) : parseArch(arch, { activation: o.activation, output: o.output, inputSize: size });
  // dropout on the fully connected hidden layers only: shared conv weights see too few units to need it (chapter 6)
  const withDropout = o.dropout > 0 ? specs.flatMap((s, i) => (s.type === "activation" && specs[i - 1]?.type === "dense" && i < specs.length - 1 ? [s, { type: "dropout", rate: o.dropout }] : [s])) : specs;
  return new Network(buildLayers(withDropout, inputShape), { engine, cost: o.cost, init: o.init, seed: o.seed });
}

const pct = (v: number | undefined): string => (v === undefined ? "" : `${(100 * v).toFixed(2)}%`);
const fix = (v: number | undefined, d = 4): string => (v === undefined ? "" : v.toFixed(d));

/** What one training run (one ensemble member) produced. */
interface Run {
  net: Network;
  history: History & { testAccuracy: number; medianExamplesPerSecond: number };
  test: Evaluation;
}

/** `path` with `.seedN` before its extension: each ensemble member's model and checkpoint file. */
function withSeed(path: string | undefined, seed: number): string | undefined {
  return path?.replace(/(\.[^./\\]*)?$/, (ext) => `.seed${seed}${ext}`);
}

/**
 * Runs `simdnet train`; returns the history (also written with --json). With --ensemble K it trains
 * K networks with seeds seed … seed+K−1 (files get `.seedN` before their extension) and reports each
 * member and the ensemble by vote and by averaging on the test set; the history is member 0's.
 */
export async function train(flags: Flags, log: (s: string) => void = console.log): Promise<Run["history"] & { ensemble?: EnsembleEvaluation & { seeds: number[] } }> {
  const K = num(flags, "ensemble", (v) => Number.isInteger(v) && v >= 1, "a positive integer");
  const seed0 = num(flags, "seed", Number.isInteger, "an integer");
  const engine = await engineFromFlags(flags);
  const data = await loadData(flags);
  if (K === 1) {
    const run = await trainOne(flags, engine, data, log);
    await exportImages(flags, run.net, data, log);
    if (flags.json) await writeFileAtomic(flags.json, JSON.stringify({ flags, history: run.history, test: run.test }, null, 2));
    return run.history;
  }
  const seeds = Array.from({ length: K }, (_, i) => seed0 + i);
  const runs: Run[] = [];
  for (const seed of seeds) {
    log(`\n── ensemble member ${runs.length + 1} of ${K}: seed ${seed}`);
    const member = { ...flags, seed: String(seed), save: withSeed(flags.save, seed), checkpoint: withSeed(flags.checkpoint, seed) };
    runs.push(await trainOne(member, engine, data, log, true));
  }
  const r = evaluateEnsemble(runs.map((m) => m.net), data.test);
  log(`\nensemble of ${K} on the test set (${data.test.n} examples)`);
  log("member             seed   test accuracy");
  r.members.forEach((m, i) => log(`${String(i).padEnd(16)} ${String(seeds[i]).padStart(6)} ${pct(m.accuracy).padStart(15)}`));
  log(`${"vote (plurality)".padEnd(23)} ${pct(r.vote.accuracy).padStart(15)}   ties: most summed output, then lowest class`);
  log(`${"average".padEnd(23)} ${pct(r.average.accuracy).padStart(15)}   argmax of the mean output`);
  await exportImages(flags, runs[0].net, data, log, `member 0, seed ${seeds[0]}`);
  if (flags.json) await writeFileAtomic(flags.json, JSON.stringify({ flags, members: runs.map((m, i) => ({ seed: seeds[i], history: m.history, test: m.test })), ensemble: r }, null, 2));
  return Object.assign(runs[0].history, { ensemble: { ...r, seeds } });
}

/** One training run: progress bars, the per-epoch table, checkpoints, the test accuracy, --save. */
async function trainOne(flags: Flags, engine: Engine, data: MnistSplit & { source: string }, log: (s: string) => void, member = false): Promise<Run> {
  const net = buildNetwork(flags, data.training.inputShape, engine);
  const ckpt = flags.checkpoint ?? (flags.save ? `${flags.save}.ckpt` : undefined);
  const base: SgdOptions = { ...sgdOptions(flags), evaluationData: data.validation, monitorEvaluationCost: true, monitorTrainingCost: true, restoreBest: true };
  let resume: TrainState | undefined;
  if (flags.resume) {
    // an ensemble member whose run never started has no checkpoint yet: it starts from scratch
    if (!ckpt || !existsSync(ckpt)) {
      if (!member || !ckpt) throw new Error(`--resume: no checkpoint at ${ckpt ?? "(give --checkpoint or --save)"}`);
    } else {
      const saved = await loadCheckpoint<{ arch: string; numParams: number; state: TrainState }>(ckpt);
      if (saved.arch !== flags.arch || saved.numParams !== net.numParams) throw new Error(`--resume: the checkpoint ${ckpt} is for --arch ${saved.arch} (${saved.numParams} parameters), not ${flags.arch}`);
      resume = saved.state;
      log(`resuming from ${ckpt} after epoch ${resume.epoch}`);
    }
  }
  log(`simdnet · kernels: ${engine.variant} SIMD · data: ${data.source} (${data.training.n} train / ${data.validation.n} validation / ${data.test.n} test)`);
  log(`network: ${flags.arch} · ${net.numParams.toLocaleString("en-US")} parameters · cost ${net.cost.name} · η=${base.eta} λ=${base.lambda} m=${base.batchSize} epochs=${base.epochs}`);
  log("");
  log("epoch      η   train cost   val cost   val acc    time    examples/s");
  const bar = flags.quiet || !process.stdout.isTTY ? null : new cliProgress.SingleBar({ format: " {bar} {percentage}% | epoch {epoch} | {value}/{total} batches | {eps} ex/s", clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = performance.now();
  let pending: Promise<void> = Promise.resolve();
  const trainer = new Trainer(net, data.training, {
    ...base,
    resume,
    onBatch: bar
      ? (p) => {
          if (p.batch === 0) { bar.start(p.batches, 0, { epoch: p.epoch, eps: 0 }); started = performance.now(); }
          if (p.batch % 50 === 49 || p.batch === p.batches - 1) bar.update(p.batch + 1, { epoch: p.epoch, eps: Math.round(p.examples / ((performance.now() - started) / 1000)) });
        }
      : undefined,
    onEpoch: (rec, t) => {
      bar?.stop();
      log(`${String(rec.epoch).padStart(5)} ${String(+rec.eta.toPrecision(4)).padStart(6)} ${fix(rec.trainingCost).padStart(12)} ${fix(rec.evaluationCost).padStart(10)} ${pct(rec.evaluationAccuracy).padStart(9)} ${(rec.seconds.toFixed(2) + "s").padStart(7)} ${Math.round(rec.examplesPerSecond).toLocaleString("en-US").padStart(13)}`);
      if (ckpt) pending = saveCheckpoint(ckpt, { arch: flags.arch, numParams: net.numParams, state: t.state() });
      if (rec.epoch === 0 && rec.evaluationAccuracy !== undefined && rec.evaluationAccuracy < 1.5 / net.outputSize) {
        log(`  ⚠ validation accuracy is at chance after the first epoch: the network may have died at the start (a layer's ReLUs all ≤ 0 for every input, as the book's init does to some seeds) or η may be too large; try --init he, another --seed or a smaller --eta`);
      }
    },
  });
  // The loop awaits each checkpoint write, so a run killed mid-epoch loses at most that epoch.
  while (!trainer.done) {
    trainer.runEpoch();
    await pending;
  }
  const h = trainer.history;
  if (h.message) log(`\n${h.stopReason}: ${h.message}`);
  const test = net.evaluate(data.test);
  const speeds = h.epochs.map((r) => r.examplesPerSecond).sort((a, b) => a - b);
  const median = speeds[Math.floor(speeds.length / 2)] ?? 0;
  log("");
  if (h.bestEpoch >= 0) log(`best validation accuracy ${pct(h.bestAccuracy)} at epoch ${h.bestEpoch}`);
  log(`test accuracy ${pct(test.accuracy)} (${test.correct} / ${test.n}) · median ${Math.round(median).toLocaleString("en-US")} examples/s`);
  if (flags.save) {
    await saveModel(net, flags.save, { arch: flags.arch, eta: base.eta, lambda: base.lambda, batch: base.batchSize, epochs: h.epochs.length, testAccuracy: test.accuracy });
    log(`saved ${flags.save}`);
  }
  if (flags["grad-norms"]) logGradNorms(net, h, log);
  return { net, history: Object.assign(h, { testAccuracy: test.accuracy, medianExamplesPerSecond: median }), test };
}

/** The --grad-norms table: one row per epoch, one column per parameter tensor (layer type + index). */
function logGradNorms(net: Network, h: History, log: (s: string) => void): void {
  // params are laid out weights first; show them layer by layer instead
  const cols = net.params.map((p) => {
    const [li, name] = p.name.split(".");
    return { li: Number(li), key: p.name, label: `${net.layers[Number(li)].spec().type}${li}.${name === "weight" ? "w" : name === "bias" ? "b" : name}` };
  }).sort((a, b) => a.li - b.li);
  const w = Math.max(9, ...cols.map((c) => c.label.length));
  log("\nmean gradient norm ‖∂C/∂θ‖ per mini-batch, by parameter tensor");
  log(`epoch ${cols.map((c) => c.label.padStart(w)).join(" ")}`);
  for (const rec of h.epochs) log(`${String(rec.epoch).padStart(5)} ${cols.map((c) => (rec.gradNorms?.[c.key]?.toExponential(2) ?? "").padStart(w)).join(" ")}`);
}

/** --export-filters (the first weight tensor as images) and --export-misclassified (test digits). */
async function exportImages(flags: Flags, net: Network, data: MnistSplit, log: (s: string) => void, which?: string): Promise<void> {
  const of = which ? ` (${which})` : "";
  const imageShape = data.training.inputShape.length > 1 ? data.training.inputShape : undefined;
  if (flags["export-filters"]) {
    const p = net.params.find((q) => q.decay && (q.shape.length === 2 || q.shape.length === 4));
    if (!p) throw new Error("--export-filters: the network has no dense or conv weights");
    await writePng(flags["export-filters"], filterGrid(net.engine.read(p.value, p.size), p.shape, { imageShape }));
    log(`wrote ${flags["export-filters"]}: the ${p.shape[0]} filters of layer ${p.name.split(".")[0]}, shape [${p.shape}]${of}`);
  }
  if (flags["export-misclassified"]) {
    const m = misclassified(net, data.test, 100);
    if (m.labels.length === 0) log(`--export-misclassified: no misclassified test digits${of}; nothing written`);
    else {
      await writePng(flags["export-misclassified"], digitGrid(m.images, m.labels, m.predicted, { imageShape }));
      log(`wrote ${flags["export-misclassified"]}: ${m.labels.length} misclassified test digits, true>predicted${of}`);
    }
  }
}
