/**
 * The trainer's options, history and resumable state, and the checks that reject bad
 * hyper-parameters before any training starts.
 */
import type { DataSet } from "../data/dataset.js";
import type { Network, Evaluation } from "../network.js";
import type { Model } from "../model.js";
import type { Trainer } from "./trainer.js";
import { withOptimizer, type OptimizerSpec } from "./registry.js";
import type { OptimizerState } from "./optimizer.js";

/**
 * A model the trainer drives: every model kind is a {@link Model} (src/model.ts): flat params/grads
 * (weights first), resident data, evaluate, and trainBatch, which runs one mini-batch (examples
 * idx[0..B) of data, i32) as one or more zeroGrad → forward → backward passes, calling step() after each.
 */
export type TrainableModel = Model;

/** Learning-rate schedules: the book's halve-on-plateau, fixed steps, or exponential decay. */
export type Schedule =
  | { type: "constant" }
  /** η ← factor·η (default ½) each time validation accuracy has not improved for `patience` epochs; stop when η has fallen to minFraction·η₀ (default 1/128; the book also uses 1/1024). */
  | { type: "plateau"; patience: number; factor?: number; minFraction?: number }
  /** η ← factor·η every `every` epochs. */
  | { type: "step"; every: number; factor: number }
  /** η = η₀·gamma^epoch. */
  | { type: "exponential"; gamma: number };

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Passes over the training data (an upper bound when early stopping or a plateau schedule ends it). */
  epochs: number;
  /** Mini-batch size m. */
  batchSize: number;
  /** Learning rate η. */
  eta: number;
  /** L2 regularization λ (weight decay 1 − ηλ/n); default 0. */
  lambda?: number;
  /** L1 regularization λ₁ (w ← w − ηλ₁/n·sgn w); default 0. */
  l1?: number;
  /** Momentum coefficient μ in [0, 1); default 0. */
  momentum?: number;
  /** Nesterov's accelerated gradient instead of classical momentum. */
  nesterov?: boolean;
  /**
   * A registered optimizer (src/train/registry.ts), by name or as { name, …params }: "sgd" (default),
   * "momentum", "nesterov", "adam", "rmsprop", "adagrad" (η is their learning rate), the full-batch
   * "cg", "lbfgs", "hf" (one iteration per epoch; η unused), or one added by registerOptimizer().
   */
  optimizer?: OptimizerSpec;
  /** Seed for the per-epoch shuffle (default: the network's seed). */
  seed?: number;
  /** Validation data: monitored each epoch; drives early stopping and the plateau schedule. */
  evaluationData?: DataSet;
  monitorEvaluationCost?: boolean;
  monitorEvaluationAccuracy?: boolean;
  monitorTrainingCost?: boolean;
  monitorTrainingAccuracy?: boolean;
  /** Stop when validation accuracy has not improved for `patience` epochs; restores the best weights. */
  earlyStopping?: { patience: number };
  /** Restore the best validation epoch's weights at the end even without early stopping. */
  restoreBest?: boolean;
  schedule?: Schedule;
  /**
   * Record the L2 norm ‖∂C/∂θ‖ of every parameter tensor's gradient (each layer's weights and biases)
   * in {@link EpochRecord.gradNorms}: the mean over the epoch's mini-batches of each batch's norm.
   * The gradient is the cost's alone (the batch mean, before L2/L1 decay and momentum), one
   * sum_squares kernel call per tensor per batch; off by default, and then it costs nothing.
   */
  gradNorms?: boolean;
  /** Clip the gradient by norm: rescale it to ‖∇C‖ = clipNorm whenever it is longer (before each update). */
  clipNorm?: number;
  /** Sequence models: truncated BPTT over windows of this many steps, the state carried between them (default: whole sequences). */
  bpttWindow?: number;
  /** Called after every mini-batch (keep it cheap). */
  onBatch?: (p: { epoch: number; batch: number; batches: number; examples: number }) => void;
  /** Called after every epoch with its record; the trainer is there for checkpoints (trainer.state()). */
  onEpoch?: (rec: EpochRecord, trainer: Trainer) => void;
  /** Continue a run from a {@link TrainState} saved by a checkpoint. */
  resume?: TrainState;
}

/** What one epoch measured. */
export interface EpochRecord {
  epoch: number;
  eta: number;
  seconds: number;
  examplesPerSecond: number;
  trainingCost?: number;
  trainingAccuracy?: number;
  evaluationCost?: number;
  evaluationAccuracy?: number;
  /** With the gradNorms option: tensor name (Param.name, "layer.weight" / "layer.bias") → mean ‖∂C/∂θ‖ over the epoch's batches. */
  gradNorms?: Record<string, number>;
}

/** The per-epoch records and why training ended. */
export interface History {
  epochs: EpochRecord[];
  stopReason: "completed" | "early-stopping" | "schedule" | "diverged" | "stopped" | "line-search";
  message?: string;
  /** The epoch with the best validation accuracy (−1 without validation data). */
  bestEpoch: number;
  bestAccuracy: number;
}

/** A snapshot between epochs from which training continues bit-identically. */
export interface TrainState {
  epoch: number;
  eta: number;
  params: Float32Array;
  velocity: Float32Array | null;
  /** Adam's moments, L-BFGS's pairs, …: the optimizer's own state (absent for sgd / momentum). */
  optimizer?: OptimizerState | null;
  shuffleRng: number[];
  netRng: number[];
  order: number[];
  best: Float32Array | null;
  bestAccuracy: number;
  sinceBest: number;
  history: History;
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

function positiveInt(name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) fail(`${name} must be a positive integer, got ${String(v)}`);
}

function nonNegative(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) fail(`${name} must be a finite number ≥ 0, got ${String(v)}`);
}

/** Validates options against the data and network; returns them with defaults filled in. */
export function checkOptions(o: SgdOptions, data: DataSet, net: Network | TrainableModel): SgdOptions {
  if (!o || typeof o !== "object") fail("training options are required ({ epochs, batchSize, eta })");
  positiveInt("epochs", o.epochs);
  positiveInt("batchSize (m)", o.batchSize);
  if (typeof o.eta !== "number" || !Number.isFinite(o.eta) || o.eta <= 0) fail(`eta (η) must be a finite number > 0, got ${String(o.eta)}`);
  nonNegative("lambda (λ)", o.lambda);
  nonNegative("l1", o.l1);
  if (o.momentum !== undefined && (typeof o.momentum !== "number" || !(o.momentum >= 0 && o.momentum < 1))) fail(`momentum (μ) must be in [0, 1), got ${String(o.momentum)}`);
  if (o.nesterov && !o.momentum) fail("nesterov needs a momentum μ > 0");
  if (o.clipNorm !== undefined && (typeof o.clipNorm !== "number" || !Number.isFinite(o.clipNorm) || o.clipNorm <= 0)) fail(`clipNorm must be a finite number > 0, got ${String(o.clipNorm)}`);
  if (o.bpttWindow !== undefined) positiveInt("bpttWindow", o.bpttWindow);
  net.residentData(data, "training data");
  if (o.batchSize > data.n) fail(`batchSize (m = ${o.batchSize}) is larger than the training set (n = ${data.n})`);
  if (o.evaluationData) net.residentData(o.evaluationData, "evaluation data");
  if (o.earlyStopping) {
    positiveInt("earlyStopping.patience", o.earlyStopping.patience);
    if (!o.evaluationData) fail("early stopping needs evaluationData (validation data) to watch");
  }
  const s = o.schedule;
  if (s) {
    if (s.type === "plateau") {
      positiveInt("schedule.patience", s.patience);
      if (!o.evaluationData) fail("the plateau schedule needs evaluationData (validation data) to watch");
      if (s.factor !== undefined && !(s.factor > 0 && s.factor < 1)) fail(`schedule.factor must be in (0, 1), got ${s.factor}`);
      if (s.minFraction !== undefined && !(s.minFraction > 0 && s.minFraction < 1)) fail(`schedule.minFraction must be in (0, 1), got ${s.minFraction}`);
    } else if (s.type === "step") {
      positiveInt("schedule.every", s.every);
      if (!(s.factor > 0)) fail(`schedule.factor must be > 0, got ${s.factor}`);
    } else if (s.type === "exponential") {
      if (!(s.gamma > 0 && s.gamma <= 1)) fail(`schedule.gamma must be in (0, 1], got ${s.gamma}`);
    } else if (s.type !== "constant") fail(`unknown schedule ${JSON.stringify((s as { type: unknown }).type)}; expected constant, plateau, step or exponential`);
  }
  return withOptimizer(o, net);
}
