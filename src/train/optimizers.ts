/**
 * Optimizers beyond plain SGD, by name: "sgd" | "momentum" | "nesterov" step with the fused sgd_update
 * kernel as before; "adam" | "rmsprop" | "adagrad" with one fused pass each (assembly/kernels/optim.ts),
 * L2/L1 decay applied to the gradient exactly as on the SGD path; "cg" | "lbfgs" | "hf" are full-batch
 * methods (src/train/fullbatch.ts, src/train/hessian.ts) where one epoch is one iteration.
 */
import type { Network } from "../network.js";
import type { Engine, Ptr } from "../wasm/engine.js";
import type { TrainableModel } from "./options.js";
import { Dropout } from "../layers/dropout.js";

/** Every optimizer the trainer and the CLI's --optimizer accept. */
export const OPTIMIZERS = ["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad", "cg", "lbfgs", "hf"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The optimizers that run one full-batch iteration per epoch (η is not used: a line search or CG picks steps). */
export const BATCH_METHODS: readonly OptimizerName[] = ["cg", "lbfgs", "hf"];

/** An optimizer and its hyper-parameters; omitted ones take the usual defaults listed here. */
export interface OptimizerConfig {
  name: OptimizerName;
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

/** A name or a full configuration. */
export type OptimizerSpec = OptimizerName | OptimizerConfig;

/** An optimizer's resumable state: its step count, scalars and buffers, saved in checkpoints. */
export interface OptimizerState {
  name: OptimizerName;
  numParams: number;
  step: number;
  scalars: number[];
  buffers: Float32Array[];
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

function inUnit(name: string, v: number | undefined): void {
  if (v !== undefined && !(typeof v === "number" && v >= 0 && v < 1)) fail(`${name} must be in [0, 1), got ${String(v)}`);
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v > 0)) fail(`${name} must be a finite number > 0, got ${String(v)}`);
}

function countOpt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) fail(`${name} must be an integer ≥ 1, got ${String(v)}`);
}

/** The configuration a spec names, validated; throws a RangeError naming the bad value. */
export function optimizerConfig(spec: OptimizerSpec | undefined): OptimizerConfig {
  const c: OptimizerConfig = typeof spec === "string" ? { name: spec } : spec ? { ...spec } : { name: "sgd" };
  if (!(OPTIMIZERS as readonly string[]).includes(c.name)) fail(`unknown optimizer ${JSON.stringify(c.name)}; expected one of ${OPTIMIZERS.join(", ")}`);
  inUnit("beta1 (β₁)", c.beta1);
  inUnit("beta2 (β₂)", c.beta2);
  inUnit("rho (ρ)", c.rho);
  positive("epsilon (ε)", c.epsilon);
  countOpt("history (L-BFGS m)", c.history);
  countOpt("restart", c.restart);
  positive("damping (λ)", c.damping);
  countOpt("cgIterations", c.cgIterations);
  countOpt("curvatureBatch", c.curvatureBatch);
  if (c.hvp !== undefined && c.hvp !== "exact" && c.hvp !== "fd") fail(`hvp must be "exact" or "fd", got ${JSON.stringify(c.hvp)}`);
  return c;
}

/** The options fields the optimizer choice reads and fills in. */
interface OptimizerFields {
  optimizer?: OptimizerSpec;
  momentum?: number;
  nesterov?: boolean;
  schedule?: { type: string };
}

/**
 * Checks the optimizer against the other options and the network, and returns the options with
 * momentum filled in for "momentum" / "nesterov" (μ = 0.9 unless given a μ > 0). Throws before training.
 */
export function withOptimizer<T extends OptimizerFields>(o: T, net: Network | TrainableModel): T {
  const c = optimizerConfig(o.optimizer);
  const mu = o.momentum ?? 0;
  if (c.name === "momentum" || c.name === "nesterov") {
    return { ...o, momentum: o.momentum || 0.9, nesterov: c.name === "nesterov" || !!o.nesterov };
  }
  if (c.name === "sgd") return o;
  if (mu > 0 || o.nesterov) fail(`momentum applies to sgd, momentum and nesterov only, not to ${c.name}${c.name === "adam" ? " (its β₁ plays that part)" : ""}`);
  if (BATCH_METHODS.includes(c.name)) {
    if (o.schedule && o.schedule.type !== "constant") fail(`learning-rate schedules don't apply to ${c.name}: its steps come from ${c.name === "hf" ? "CG on the damped curvature" : "a line search"}; drop the schedule`);
    if (!("layers" in net)) fail(`${c.name} runs on a feed-forward Network only; train sequence models with sgd, momentum or the adaptive optimizers`);
    if (net.layers.some((l) => l instanceof Dropout && l.rate > 0)) fail(`${c.name} needs a deterministic objective, and dropout makes each evaluation random; remove the dropout layers or use sgd/adam`);
  }
  return o;
}

/** What an optimizer needs of a model: the flat parameter and gradient buffers, weights first. */
export interface FlatParams {
  readonly engine: Engine;
  readonly numParams: number;
  readonly numWeights: number;
  readonly paramPtr: Ptr;
  readonly gradPtr: Ptr;
}

/** A per-mini-batch optimizer: one fused kernel pass over the weights (with decay) and one over the biases. */
export class AdaptiveOptimizer {
  private t = 0;
  private readonly m: Ptr;
  private readonly v: Ptr;

  constructor(
    private readonly net: FlatParams,
    readonly config: OptimizerConfig,
  ) {
    this.m = config.name === "adam" ? net.engine.alloc(net.numParams) : 0;
    this.v = net.engine.alloc(net.numParams);
  }

  /** One update from the gradient in net's grads buffer: weights with decay l2/l1, biases without. */
  step(lr: number, l2: number, l1: number): void {
    const { net, config: c } = this;
    this.t++;
    this.pass(0, net.numWeights, lr, l2, l1, c);
    if (net.numParams > net.numWeights) this.pass(net.numWeights, net.numParams - net.numWeights, lr, 0, 0, c);
  }

  private pass(start: number, N: number, lr: number, l2: number, l1: number, c: OptimizerConfig): void {
    const e = this.net.engine;
    const off = 4 * start;
    const p = this.net.paramPtr + off, g = this.net.gradPtr + off;
    const eps = c.epsilon ?? 1e-8;
    if (c.name === "adam") {
      const b1 = c.beta1 ?? 0.9, b2 = c.beta2 ?? 0.999;
      e.k.adam_update(p, g, this.m + off, this.v + off, N, lr, l2, l1, b1, b2, eps, 1 / (1 - b1 ** this.t), 1 / (1 - b2 ** this.t));
    } else if (c.name === "rmsprop") e.k.rmsprop_update(p, g, this.v + off, N, lr, l2, l1, c.rho ?? 0.9, eps);
    else e.k.adagrad_update(p, g, this.v + off, N, lr, l2, l1, eps);
  }

  state(): OptimizerState {
    const e = this.net.engine, n = this.net.numParams;
    return { name: this.config.name, numParams: n, step: this.t, scalars: [], buffers: this.m ? [e.read(this.m, n), e.read(this.v, n)] : [e.read(this.v, n)] };
  }

  restore(s: OptimizerState | undefined): void {
    const st = checkState(s, this.config.name, this.net.numParams, this.m ? 2 : 1), bufs = st.buffers;
    this.t = st.step;
    if (this.m) this.net.engine.write(this.m, bufs[0]);
    this.net.engine.write(this.v, bufs[bufs.length - 1]);
  }
}

/**
 * Validates saved optimizer state against this optimizer and network: a different optimizer, or
 * state taken on a different architecture, is refused with a clear error. Returns a copy.
 */
export function checkState(s: OptimizerState | undefined, name: OptimizerName, numParams: number, buffers: number): OptimizerState {
  if (!s) fail(`the resume state has no ${name} optimizer state (it was saved by another optimizer); start this run afresh`);
  if (s.name !== name) fail(`the resume state was saved by the ${s.name} optimizer, not ${name}`);
  if (s.numParams !== numParams || s.buffers.length < buffers || s.buffers.some((b) => b.length % numParams !== 0)) {
    fail(`the ${name} optimizer state is for a network with ${s.numParams} parameters; this one has ${numParams} (a different architecture)`);
  }
  return { ...s, buffers: s.buffers.map((b) => Float32Array.from(b)) };
}
