/**
 * `simdnet train`: load data, build the network, run SGD with a progress bar per epoch and a table row
 * after it, checkpoint every epoch (atomically) so `--resume` loses at most one epoch, then report the
 * test accuracy and throughput.
 */
import { existsSync } from "node:fs";
import cliProgress from "cli-progress";
import { createEngine, type Engine } from "../wasm/engine.js";
import { Network } from "../network.js";
import { buildLayers } from "../layers/registry.js";
import { parseArch } from "../layers/arch.js";
import { Trainer, type History, type TrainState } from "../train/sgd.js";
import type { SgdOptions } from "../train/options.js";
import type { DataSet } from "../data/dataset.js";
import type { MnistSplit } from "../data/mnist.js";
import { loadEmbeddedMnist } from "../data/mnist.js";
import { loadIdxDir } from "../data/node.js";
import { expandWithShifts } from "../data/expand.js";
import { subset } from "../data/split.js";
import { loadCheckpoint, saveCheckpoint, saveModel, writeFileAtomic } from "../io/node.js";
import { networkOptions, sgdOptions, type Flags } from "./config.js";

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

/** Builds the network the flags describe for data with this input shape. */
export function buildNetwork(flags: Flags, inputShape: readonly number[], engine: Engine): Network {
  const o = networkOptions(flags);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const specs = parseArch(flags.arch ?? "784-100-10", { activation: o.activation, output: o.output, inputSize: size });
  const withDropout = o.dropout > 0 ? specs.flatMap((s, i) => (s.type === "activation" && i < specs.length - 1 ? [s, { type: "dropout", rate: o.dropout }] : [s])) : specs;
  return new Network(buildLayers(withDropout, inputShape), { engine, cost: o.cost, init: o.init, seed: o.seed });
}

const pct = (v: number | undefined): string => (v === undefined ? "" : `${(100 * v).toFixed(2)}%`);
const fix = (v: number | undefined, d = 4): string => (v === undefined ? "" : v.toFixed(d));

/** Runs `simdnet train`; returns the history (also written with --json). */
export async function train(flags: Flags, log: (s: string) => void = console.log): Promise<History> {
  const engine = await createEngine({ variant: flags.variant as never });
  const data = await loadData(flags);
  const net = buildNetwork(flags, data.training.inputShape, engine);
  const ckpt = flags.checkpoint ?? (flags.save ? `${flags.save}.ckpt` : undefined);
  const base: SgdOptions = { ...sgdOptions(flags), evaluationData: data.validation, monitorEvaluationCost: true, monitorTrainingCost: true, restoreBest: true };
  let resume: TrainState | undefined;
  if (flags.resume) {
    if (!ckpt || !existsSync(ckpt)) throw new Error(`--resume: no checkpoint at ${ckpt ?? "(give --checkpoint or --save)"}`);
    const saved = await loadCheckpoint<{ arch: string; numParams: number; state: TrainState }>(ckpt);
    if (saved.arch !== flags.arch || saved.numParams !== net.numParams) throw new Error(`--resume: the checkpoint ${ckpt} is for --arch ${saved.arch} (${saved.numParams} parameters), not ${flags.arch}`);
    resume = saved.state;
    log(`resuming from ${ckpt} after epoch ${resume.epoch}`);
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
  if (flags.json) await writeFileAtomic(flags.json, JSON.stringify({ flags, history: h, test }, null, 2));
  return Object.assign(h, { testAccuracy: test.accuracy, medianExamplesPerSecond: median });
}
