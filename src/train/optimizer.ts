/**
 * What every optimizer is to the trainer: the {@link Optimizer} interface (state over the flat params,
 * a step per mini-batch or an iteration per epoch, its checkpoint section) and the {@link OptimizerEntry}
 * a name is registered with in src/train/registry.ts (factory, option schema, which trainer options
 * apply). The built-in implementations: src/train/optimizers.ts (SGD family, Adam / RMSProp / AdaGrad),
 * src/train/fullbatch.ts (CG, L-BFGS) and src/train/hf.ts (Hessian-free).
 */
import type { DataSet } from "../data/dataset.js";
import type { Network } from "../network.js";
import type { Rng } from "../rng.js";
import type { Engine, Ptr } from "../wasm/engine.js";
import type { SgdOptions, TrainableModel } from "./options.js";

/** What an optimizer needs of a model: the flat parameter and gradient buffers, weights first. */
export interface FlatParams {
  readonly engine: Engine;
  readonly numParams: number;
  readonly numWeights: number;
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
}

/**
 * An optimizer and its hyper-parameters, as `{ name, …params }`; omitted ones take the defaults listed
 * here. `name` is any registered optimizer (see optimizerNames()); a registered optimizer may read
 * further parameters that its entry's schema declares.
 */
export interface OptimizerConfig {
  name: string;
  /** Adam's β₁ (default 0.9), in [0, 1). */
  beta1?: number;
  /** Adam's β₂ (default 0.999), in [0, 1). */
  beta2?: number;
  /** RMSProp's decay ρ (default 0.9), in [0, 1). */
  rho?: number;
  /** ε in the adaptive denominators √v + ε (default 1e-8), > 0. */
  epsilon?: number;
  /** L-BFGS history size m (default 10), an integer ≥ 1. */
  history?: number;
  /** Nonlinear CG: restart with steepest descent every `restart` iterations (default 50). */
  restart?: number;
  /** Hessian-free: initial Tikhonov damping λ (default 1), > 0; adapted by the reduction ratio. */
  damping?: number;
  /** Hessian-free: the most CG iterations per Newton step (default 50). */
  cgIterations?: number;
  /** Hessian-free: examples in each iteration's curvature mini-batch (default min(n, 1000)). */
  curvatureBatch?: number;
  /** Hessian-free: "exact" R-operator products (default where the network supports them) or "fd". */
  hvp?: "exact" | "fd";
}

/** An optimizer's resumable state: its step count, scalars and buffers, saved in checkpoints. */
export interface OptimizerState {
  name: string;
  numParams: number;
  step: number;
  scalars: number[];
  buffers: Float32Array[];
}

/**
 * An optimizer's section of a checkpoint ({@link TrainState}'s two optimizer fields): the SGD family keeps
 * its momentum velocity in `velocity` (as checkpoints always have), every other optimizer its
 * {@link OptimizerState} in `optimizer`; the unused one is null.
 */
export interface OptimizerSnapshot {
  velocity: Float32Array | null;
  optimizer: OptimizerState | null;
}

/** What every optimizer does, whichever way it steps. */
interface OptimizerBase {
  /** The registered name it was created under. */
  readonly name: string;
  /** Its checkpoint section, taken between epochs. */
  save(): OptimizerSnapshot;
  /** Restores a section saved by {@link save} (possibly in an earlier run); refuses another optimizer's state. */
  load(s: OptimizerSnapshot): void;
}

/** Steps once per mini-batch from the gradient the model left in its grads buffer. */
export interface MiniBatchOptimizer extends OptimizerBase {
  readonly kind: "mini-batch";
  /** One update with learning rate lr; l2 = λ/n and l1 = λ₁/n decay the weights only, never the biases. */
  step(lr: number, l2: number, l1: number): void;
}

/** What one iteration of a full-batch method did. */
export type IterationResult = { ok: true; f: number } | { ok: false; reason: "line-search"; message: string };

/** Runs one iteration over the whole training set per epoch (η unused: a line search or CG picks steps). */
export interface FullBatchOptimizer extends OptimizerBase {
  readonly kind: "full-batch";
  /** One iteration; on failure the parameters are left where they were. */
  iterate(): IterationResult;
}

/** Either kind; the trainer drives both. */
export type Optimizer = MiniBatchOptimizer | FullBatchOptimizer;

/** What a factory gets: the model, the training data, the configuration and the checked trainer options. */
export interface OptimizerContext {
  /** A feed-forward Network when the entry is `networkOnly` (the trainer has checked). */
  readonly net: Network | TrainableModel;
  readonly data: DataSet;
  readonly config: OptimizerConfig;
  /** The validated trainer options (momentum filled in from the entry; lambda, l1). */
  readonly opts: SgdOptions;
  /** The trainer's seeded generator (HF draws its curvature batches from it). */
  readonly rng: Rng;
}

/** One hyper-parameter of an optimizer's option schema: how `--optim k=v` parses it and what it must be. */
export type OptimizerParamSpec =
  | {
      readonly type: "number";
      /** The name in messages, e.g. "beta1 (β₁)" (default: the key). */
      readonly label?: string;
      readonly check: (v: number) => boolean;
      /** What check() accepts, for the message: "in [0, 1)", "an integer ≥ 1". */
      readonly expected: string;
    }
  | { readonly type: "choice"; readonly label?: string; readonly values: readonly string[] };

/** A registered optimizer: its factory, its option schema and the trainer options that apply to it. */
export interface OptimizerEntry {
  readonly kind: "mini-batch" | "full-batch";
  /** The configuration keys it reads, with their checks (the `--optim` keys are all entries' together). */
  readonly params?: Readonly<Record<string, OptimizerParamSpec>>;
  /**
   * The SGD family: the trainer's momentum/nesterov options apply (refused for everything else), and
   * `defaultMu` / `nesterov` fill them in when this name is chosen ("momentum": μ = 0.9).
   */
  readonly momentum?: { readonly defaultMu?: number; readonly nesterov?: boolean };
  /** Added to the refusal of the momentum option (Adam: "its β₁ plays that part"). */
  readonly momentumNote?: string;
  /** Present when learning-rate schedules do not apply: why ("its steps come from a line search"). */
  readonly noSchedules?: string;
  /** Needs a deterministic objective, so dropout layers are refused. */
  readonly deterministic?: boolean;
  /** Runs on a feed-forward Network only (not on the sequence models). */
  readonly networkOnly?: boolean;
  /** Allocates its state over the flat params (after the trainer's own buffers) and returns the optimizer. */
  create(ctx: OptimizerContext): Optimizer;
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/**
 * Validates saved optimizer state against this optimizer and network: a different optimizer, or
 * state taken on a different architecture, is refused with a clear error. Returns a copy.
 */
export function checkState(s: OptimizerState | null | undefined, name: string, numParams: number, buffers: number): OptimizerState {
  if (!s) fail(`the resume state has no ${name} optimizer state (it was saved by another optimizer); start this run afresh`);
  if (s.name !== name) fail(`the resume state was saved by the ${s.name} optimizer, not ${name}`);
  if (s.numParams !== numParams || s.buffers.length < buffers || s.buffers.some((b) => b.length % numParams !== 0)) {
    fail(`the ${name} optimizer state is for a network with ${s.numParams} parameters; this one has ${numParams} (a different architecture)`);
  }
  return { ...s, buffers: s.buffers.map((b) => Float32Array.from(b)) };
}
