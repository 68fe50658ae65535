/**
 * The trainer for every optimizer, read like network2.SGD: each epoch a seeded shuffle, then
 * mini-batches gathered by kernels into one preallocated buffer, then zeroGrad → forward → backward →
 * the optimizer's step (for SGD one fused update over the weights with L2/L1 and momentum, one over the
 * biases); a full-batch method instead runs one iteration per epoch. The optimizer comes from the
 * registry (src/train/registry.ts) by name. Monitoring, early stopping, learning-rate schedules and
 * divergence checks happen between epochs, never inside one.
 */
import type { Network } from "../network.js";
import type { DataSet } from "../data/dataset.js";
import { Rng } from "../rng.js";
import { checkOptions, type EpochRecord, type History, type SgdOptions, type TrainableModel, type TrainState } from "./options.js";
import type { FullBatchOptimizer, Optimizer } from "./optimizer.js";
import { createOptimizer } from "./registry.js";

export type { EpochRecord, History, SgdOptions, TrainState, Schedule, TrainableModel } from "./options.js";

/**
 * A training run you can drive an epoch (or a few batches) at a time, e.g. from a Web Worker that
 * must stay responsive; {@link sgd} is the loop over it.
 */
export class Trainer {
  readonly history: History;
  readonly opts: SgdOptions;
  /** The current learning rate (schedules change it). */
  eta: number;
  epoch = 0;
  done = false;

  private readonly shuffleRng: Rng;
  /** Steps after every mini-batch, or (full-batch) runs one iteration per epoch. */
  private readonly optimizer: Optimizer;
  private readonly n: number;
  private lastGood: Float32Array;
  private best: Float32Array | null = null;
  private bestAcc = -Infinity;
  private sinceBest = 0;
  private batchInEpoch = 0;
  /** Milliseconds spent in this epoch's batches (monitoring excluded). */
  private elapsed = 0;
  /** With gradNorms: per parameter tensor, the sum of this epoch's per-batch gradient norms. */
  private readonly normSums: Float64Array | null;
  private normBatches = 0;

  constructor(
    readonly net: Network | TrainableModel,
    readonly data: DataSet,
    options: SgdOptions,
  ) {
    this.opts = checkOptions(options, data, net);
    const o = this.opts;
    this.n = data.n;
    net.prepare(Math.max(o.batchSize, 1));
    net.residentData(data, "training data").resetOrder();
    if (o.evaluationData) net.residentData(o.evaluationData, "evaluation data");
    this.shuffleRng = new Rng(net.engine, (o.seed ?? net.seed) ^ 0x5eed5eed);
    this.optimizer = createOptimizer(net, data, o, this.shuffleRng);
    this.normSums = o.gradNorms ? new Float64Array(net.params.length) : null;
    this.eta = o.eta;
    this.history = { epochs: [], stopReason: "completed", bestEpoch: -1, bestAccuracy: NaN };
    this.lastGood = net.getParams();
    if (o.resume) this.restore(o.resume);
  }

  /** Batches per epoch (the last one may be smaller, as in the book). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.n / this.opts.batchSize);
  }

  /** Runs up to `count` mini-batches of the current epoch; finishes the epoch when its last batch ran. */
  runBatches(count: number): EpochRecord | null {
    if (this.done) return null;
    const opt = this.optimizer;
    if (opt.kind === "full-batch") return this.runIteration(opt);
    const { net, opts } = this;
    const r = net.residentData(this.data);
    const m = opts.batchSize;
    const l2 = (opts.lambda ?? 0) / this.n;
    const l1 = (opts.l1 ?? 0) / this.n;
    const total = this.batchesPerEpoch;
    if (this.batchInEpoch === 0) this.shuffleRng.shuffle(r.order, this.n);
    const t0 = now();
    const step = (): void => {
      if (this.normSums) this.addGradNorms();
      if (opts.clipNorm) clipByNorm(net, opts.clipNorm);
      // weights with decay l2 = λ/n, l1 = λ₁/n; biases without
      opt.step(this.eta, l2, l1);
    };
    for (let i = 0; i < count && this.batchInEpoch < total; i++, this.batchInEpoch++) {
      const s = this.batchInEpoch * m;
      const B = Math.min(m, this.n - s);
      // every model runs its own batch; a sequence model steps once per truncated-BPTT window
      net.trainBatch(this.data, r.order + 4 * s, B, step, opts);
      opts.onBatch?.({ epoch: this.epoch, batch: this.batchInEpoch, batches: total, examples: s + B });
    }
    this.elapsed += now() - t0;
    return this.batchInEpoch === total ? this.endEpoch() : null;
  }

  /** One iteration of a full-batch method as an epoch; a failed line search stops the run (θ kept). */
  private runIteration(opt: FullBatchOptimizer): EpochRecord | null {
    const t0 = now();
    const r = opt.iterate();
    this.elapsed += now() - t0;
    if (r.ok) return this.endEpoch();
    this.finish("line-search", `${r.message}; stopped after epoch ${this.epoch - 1}, keeping its weights`);
    return null;
  }

  /** Runs one whole epoch and returns its record. */
  runEpoch(): EpochRecord | null {
    return this.runBatches(Infinity);
  }

  /** Adds ‖∂C/∂θ‖ of this batch's gradient, one kernel reduction per parameter tensor. */
  private addGradNorms(): void {
    const k = this.net.engine.k;
    this.net.params.forEach((p, i) => (this.normSums![i] += Math.sqrt(k.sum_squares(p.grad, p.size))));
    this.normBatches++;
  }

  private endEpoch(): EpochRecord {
    const { net, opts } = this;
    const seconds = this.elapsed / 1000;
    this.elapsed = 0;
    this.batchInEpoch = 0;
    const rec: EpochRecord = { epoch: this.epoch, eta: this.eta, seconds, examplesPerSecond: this.n / Math.max(seconds, 1e-9) };
    if (this.normSums) {
      const sums = this.normSums;
      rec.gradNorms = Object.fromEntries(net.params.map((p, i) => [p.name, sums[i] / Math.max(this.normBatches, 1)]));
      sums.fill(0);
      this.normBatches = 0;
    }
    const reg = { lambda: opts.lambda ?? 0, l1: opts.l1 ?? 0 };
    const finite = net.engine.k.count_nonfinite(net.paramPtr, net.numParams) === 0;
    if (finite && (opts.monitorTrainingCost || opts.monitorTrainingAccuracy)) {
      const t = net.evaluate(this.data, reg);
      if (opts.monitorTrainingCost) rec.trainingCost = t.cost;
      if (opts.monitorTrainingAccuracy) rec.trainingAccuracy = t.accuracy;
    }
    const evalData = opts.evaluationData;
    if (finite && evalData) {
      const v = net.evaluate(evalData, reg);
      if (opts.monitorEvaluationCost) rec.evaluationCost = v.cost;
      rec.evaluationAccuracy = v.accuracy;
    }
    this.epoch++;
    const costs = [rec.trainingCost, rec.evaluationCost].filter((c) => c !== undefined) as number[];
    if (!finite || costs.some((c) => !Number.isFinite(c))) {
      // Divergence (η too large, typically): keep the last good weights and stop with a clear reason.
      net.setParams(this.lastGood);
      this.history.stopReason = "diverged";
      this.history.message =
        `training diverged in epoch ${rec.epoch}: the ${finite ? "cost" : "weights"} became NaN/Inf ` +
        `(η = ${this.eta} is probably too large); restored the weights from the end of epoch ${rec.epoch - 1}`;
      this.history.epochs.push(rec);
      this.done = true;
      return rec;
    }
    this.lastGood = net.getParams();
    this.history.epochs.push(rec);
    this.control(rec);
    if (this.epoch >= opts.epochs && !this.done) this.finish("completed");
    opts.onEpoch?.(rec, this);
    return rec;
  }

  /** Early stopping and the plateau/step/exponential schedules (the book's chapter 3 recipes). */
  private control(rec: EpochRecord): void {
    const { opts } = this;
    const acc = rec.evaluationAccuracy;
    if (acc !== undefined && !Number.isNaN(acc)) {
      if (acc > this.bestAcc) {
        this.bestAcc = acc;
        this.sinceBest = 0;
        this.history.bestEpoch = rec.epoch;
        this.history.bestAccuracy = acc;
        if (opts.earlyStopping || opts.restoreBest) this.best = this.net.getParams();
      } else this.sinceBest++;
    }
    const s = opts.schedule;
    if (s?.type === "plateau" && this.sinceBest >= s.patience) {
      this.eta *= s.factor ?? 0.5;
      this.sinceBest = 0;
      if (this.eta <= opts.eta * (s.minFraction ?? 1 / 128) * (1 + 1e-12)) {
        this.finish("schedule", `η fell to ${s.minFraction ?? 1 / 128} of its start after epoch ${rec.epoch}`);
        return;
      }
    } else if (s?.type === "step" && this.epoch % s.every === 0) this.eta *= s.factor;
    else if (s?.type === "exponential") this.eta = opts.eta * Math.pow(s.gamma, this.epoch);
    const es = opts.earlyStopping;
    if (es && s?.type !== "plateau" && this.sinceBest >= es.patience) {
      this.finish("early-stopping", `no improvement in validation accuracy for ${es.patience} epochs (best ${this.bestAcc} at epoch ${this.history.bestEpoch})`);
    }
  }

  private finish(reason: History["stopReason"], message?: string): void {
    this.done = true;
    this.history.stopReason = reason;
    if (message) this.history.message = message;
    // Early stopping (and the plateau schedule) hand back the best epoch's weights, as the book reports.
    if (this.best && (this.opts.earlyStopping || this.opts.restoreBest || reason === "schedule")) this.net.setParams(this.best);
  }

  /** Stops after the current batch (for a UI's stop button); restores the best weights when tracked. */
  stop(): void {
    if (!this.done) this.finish("stopped", "stopped by the caller");
  }

  /** Everything needed to continue this run later exactly where it is (taken between epochs). */
  state(): TrainState {
    return {
      epoch: this.epoch,
      eta: this.eta,
      params: this.net.getParams(),
      ...this.optimizer.save(), // velocity, optimizer
      shuffleRng: Array.from(this.shuffleRng.getState()),
      netRng: Array.from(this.net.rng.getState()),
      order: Array.from(this.net.engine.i32(this.net.residentData(this.data).order, this.n)),
      best: this.best,
      bestAccuracy: this.bestAcc,
      sinceBest: this.sinceBest,
      history: structuredClone(this.history),
    };
  }

  private restore(s: TrainState): void {
    const { net } = this;
    if (s.params.length !== net.numParams) throw new RangeError(`simdnet: resume state has ${s.params.length} parameters; this network has ${net.numParams}`);
    if (s.order.length !== this.n) throw new RangeError(`simdnet: resume state was taken on ${s.order.length} training examples; this data has ${this.n}`);
    net.setParams(s.params);
    this.optimizer.load({ velocity: s.velocity ?? null, optimizer: s.optimizer ?? null });
    this.shuffleRng.setState(s.shuffleRng);
    net.rng.setState(s.netRng);
    net.engine.i32(net.residentData(this.data).order, this.n).set(s.order);
    this.epoch = s.epoch;
    this.eta = s.eta;
    this.best = s.best ? Float32Array.from(s.best) : null;
    this.bestAcc = s.bestAccuracy;
    this.sinceBest = s.sinceBest;
    Object.assign(this.history, structuredClone(s.history));
    this.lastGood = net.getParams();
    if (this.epoch >= this.opts.epochs) this.done = true;
  }
}

/** Rescales the whole gradient to norm c when its L2 norm ‖∇C‖ exceeds c (clipping by norm, for exploding gradients through time). */
function clipByNorm(net: Network | TrainableModel, c: number): void {
  const k = net.engine.k;
  const norm = Math.sqrt(k.sum_squares(net.gradPtr, net.numParams));
  if (norm > c) k.scale(net.gradPtr, net.gradPtr, net.numParams, c / norm);
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/**
 * Trains `net` on `data` by mini-batch SGD (network2.SGD) and returns the per-epoch history.
 * Throws before any training on bad hyper-parameters or data.
 */
export function sgd(net: Network | TrainableModel, data: DataSet, options: SgdOptions): History {
  const t = new Trainer(net, data, options);
  while (!t.done) t.runEpoch();
  return t.history;
}
