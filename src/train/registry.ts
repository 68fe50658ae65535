/**
 * The one table of optimizers: name → {@link OptimizerEntry} (factory, option schema, which trainer
 * options apply). The trainer creates its optimizer here, the options check and the CLI's
 * `--optimizer` / `--optim` read their names, parameters and rules from here, and checkpoints hold
 * what the created optimizer saves. An unknown name is an error naming the registered ones.
 * {@link registerOptimizer} adds one without touching the trainer.
 */
import { Network } from "../network.js";
import type { DataSet } from "../data/dataset.js";
import type { Rng } from "../rng.js";
import { Dropout } from "../layers/dropout.js";
import type { SgdOptions, TrainableModel } from "./options.js";
import type { FullBatchOptimizer, Optimizer, OptimizerConfig, OptimizerContext, OptimizerEntry, OptimizerParamSpec } from "./optimizer.js";
import { AdaptiveOptimizer, Sgd } from "./optimizers.js";
import { LBFGS, NonlinearCG, Objective } from "./fullbatch.js";
import { HessianFree } from "./hf.js";

const unit = (label: string): OptimizerParamSpec => ({ type: "number", label, check: (v) => v >= 0 && v < 1, expected: "in [0, 1)" });
const positive = (label: string): OptimizerParamSpec => ({ type: "number", label, check: (v) => Number.isFinite(v) && v > 0, expected: "a finite number > 0" });
const count = (label: string): OptimizerParamSpec => ({ type: "number", label, check: (v) => Number.isInteger(v) && v >= 1, expected: "an integer ≥ 1" });

/** The built-in optimizers' parameters, in the order they are checked and listed. */
const P = {
  beta1: unit("beta1 (β₁)"),
  beta2: unit("beta2 (β₂)"),
  rho: unit("rho (ρ)"),
  epsilon: positive("epsilon (ε)"),
  history: count("history (L-BFGS m)"),
  restart: count("restart"),
  damping: positive("damping (λ)"),
  cgIterations: count("cgIterations"),
  curvatureBatch: count("curvatureBatch"),
  hvp: { type: "choice", values: ["exact", "fd"] },
} satisfies Record<string, OptimizerParamSpec>;

const sgdFamily = (defaultMu?: number, nesterov?: boolean): OptimizerEntry => ({
  kind: "mini-batch",
  momentum: { defaultMu, nesterov },
  create: ({ net, config, opts }) => new Sgd(net, config.name, opts.momentum ?? 0, !!opts.nesterov),
});
const adaptive = (params: Record<string, OptimizerParamSpec>, momentumNote?: string): OptimizerEntry => ({
  kind: "mini-batch",
  params,
  momentumNote,
  create: ({ net, config }) => new AdaptiveOptimizer(net, config),
});
const networkOnly = (name: string): string => `${name} runs on a feed-forward Network only; train sequence models with sgd, momentum or the adaptive optimizers`;

/** The objective of a full-batch method: the whole training set with the run's L2 / L1 terms. */
function objective({ net, data, opts, config }: OptimizerContext): Objective {
  if (!(net instanceof Network)) fail(networkOnly(config.name));
  return new Objective(net, data, opts.lambda ?? 0, opts.l1 ?? 0);
}
const fullBatch = (params: Record<string, OptimizerParamSpec>, stepsFrom: string, create: (ctx: OptimizerContext) => FullBatchOptimizer): OptimizerEntry => ({
  kind: "full-batch",
  params,
  noSchedules: `its steps come from ${stepsFrom}`,
  deterministic: true,
  networkOnly: true,
  create,
});

const BUILTIN = {
  sgd: sgdFamily(),
  momentum: sgdFamily(0.9),
  nesterov: sgdFamily(0.9, true),
  adam: adaptive({ beta1: P.beta1, beta2: P.beta2, epsilon: P.epsilon }, "its β₁ plays that part"),
  rmsprop: adaptive({ rho: P.rho, epsilon: P.epsilon }),
  adagrad: adaptive({ epsilon: P.epsilon }),
  cg: fullBatch({ restart: P.restart }, "a line search", (ctx) => new NonlinearCG(objective(ctx), ctx.config)),
  lbfgs: fullBatch({ history: P.history }, "a line search", (ctx) => new LBFGS(objective(ctx), ctx.config)),
  hf: fullBatch({ damping: P.damping, cgIterations: P.cgIterations, curvatureBatch: P.curvatureBatch, hvp: P.hvp }, "CG on the damped curvature", (ctx) => new HessianFree(objective(ctx), ctx.config, ctx.rng)),
} satisfies Record<string, OptimizerEntry>;

/** The built-in optimizers' names. */
export type OptimizerName = keyof typeof BUILTIN;

/** The built-in optimizers, in registration order ({@link optimizerNames} lists every registered one). */
export const OPTIMIZERS = Object.keys(BUILTIN) as OptimizerName[];

/** The built-in optimizers that run one full-batch iteration per epoch. */
export const BATCH_METHODS: readonly OptimizerName[] = OPTIMIZERS.filter((n) => BUILTIN[n].kind === "full-batch");

/** A name (built-in or registered) or a full configuration. */
export type OptimizerSpec = OptimizerName | (string & {}) | OptimizerConfig;

const entries = new Map<string, OptimizerEntry>(Object.entries(BUILTIN));
/** Every registered parameter key → its spec, built-ins first in {@link P}'s order. */
const params = new Map<string, OptimizerParamSpec>(Object.entries(P));

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/**
 * Registers an optimizer under `name`, after which the trainer, the options check and the CLI accept it
 * like the built-ins. Its parameter keys join the shared schema: a key another optimizer declares must
 * be declared with the same spec object. Throws when the name is taken or the entry is malformed.
 */
export function registerOptimizer(name: string, entry: OptimizerEntry): void {
  if (typeof name !== "string" || !/^[a-z][a-z0-9_-]*$/.test(name)) fail(`an optimizer name must be lower-case letters, digits, _ or -, starting with a letter; got ${JSON.stringify(name)}`);
  if (entries.has(name)) fail(`an optimizer named ${JSON.stringify(name)} is already registered`);
  if (!entry || (entry.kind !== "mini-batch" && entry.kind !== "full-batch") || typeof entry.create !== "function") {
    fail(`optimizer ${JSON.stringify(name)}: an entry needs kind "mini-batch" or "full-batch" and a create(ctx) function`);
  }
  for (const [key, spec] of Object.entries(entry.params ?? {})) {
    if (key === "name") fail(`optimizer ${JSON.stringify(name)}: "name" cannot be a parameter`);
    const known = params.get(key);
    if (known && known !== spec) fail(`optimizer ${JSON.stringify(name)}: parameter ${key} is already declared with another check; reuse that spec`);
  }
  for (const [key, spec] of Object.entries(entry.params ?? {})) params.set(key, spec);
  entries.set(name, entry);
}

/** Removes an optimizer added by {@link registerOptimizer} (the built-ins stay). */
export function unregisterOptimizer(name: string): void {
  if (name in BUILTIN) fail(`the built-in optimizer ${name} cannot be unregistered`);
  const entry = entries.get(name);
  if (!entry) return;
  entries.delete(name);
  const used = new Set([...entries.values()].flatMap((e) => Object.keys(e.params ?? {})));
  for (const key of Object.keys(entry.params ?? {})) if (!used.has(key) && !(key in P)) params.delete(key);
}

/** Every registered optimizer's name, built-ins first. */
export function optimizerNames(): string[] {
  return [...entries.keys()];
}

/** The registered entry for `name`; throws naming the registered ones otherwise. */
export function optimizerEntry(name: string): OptimizerEntry {
  const e = typeof name === "string" ? entries.get(name) : undefined;
  if (!e) fail(`unknown optimizer ${JSON.stringify(name)}; expected one of ${optimizerNames().join(", ")}`);
  return e;
}

/** Every parameter key any registered optimizer reads, with its spec (the CLI's `--optim` keys). */
export function optimizerParams(): ReadonlyMap<string, OptimizerParamSpec> {
  return params;
}

/** The configuration a spec names, validated; throws a RangeError naming the bad value. */
export function optimizerConfig(spec: OptimizerSpec | undefined): OptimizerConfig {
  const c: OptimizerConfig = typeof spec === "string" ? { name: spec } : spec ? { ...spec } : { name: "sgd" };
  optimizerEntry(c.name);
  const values = c as unknown as Record<string, unknown>;
  for (const [key, p] of params) {
    const v = values[key];
    if (v === undefined) continue;
    const label = p.label ?? key;
    if (p.type === "number") {
      if (!(typeof v === "number" && p.check(v))) fail(`${label} must be ${p.expected}, got ${String(v)}`);
    } else if (typeof v !== "string" || !p.values.includes(v)) {
      fail(`${label} must be ${orList(p.values.map((s) => JSON.stringify(s)))}, got ${JSON.stringify(v)}`);
    }
  }
  return c;
}

/** "a", "a or b", "a, b or c". */
function orList(xs: readonly string[], word = "or"): string {
  return xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} ${word} ${xs[xs.length - 1]}`;
}

/** The options fields the optimizer choice reads and fills in. */
interface OptimizerFields {
  optimizer?: OptimizerSpec;
  momentum?: number;
  nesterov?: boolean;
  schedule?: { type: string };
}

/**
 * Checks the optimizer against the other options and the network by its entry's rules (momentum,
 * schedules, model kind, dropout), and returns the options with momentum filled in where the entry
 * says (μ = 0.9 for "momentum" / "nesterov" unless given a μ > 0). Throws before training.
 */
export function withOptimizer<T extends OptimizerFields>(o: T, net: Network | TrainableModel): T {
  const c = optimizerConfig(o.optimizer);
  const entry = optimizerEntry(c.name);
  if (entry.momentum) {
    const { defaultMu, nesterov } = entry.momentum;
    return defaultMu ? { ...o, momentum: o.momentum || defaultMu, nesterov: !!nesterov || !!o.nesterov } : o;
  }
  if ((o.momentum ?? 0) > 0 || o.nesterov) {
    const family = optimizerNames().filter((n) => entries.get(n)!.momentum);
    fail(`momentum applies to ${orList(family, "and")} only, not to ${c.name}${entry.momentumNote ? ` (${entry.momentumNote})` : ""}`);
  }
  if (entry.noSchedules && o.schedule && o.schedule.type !== "constant") fail(`learning-rate schedules don't apply to ${c.name}: ${entry.noSchedules}; drop the schedule`);
  if (entry.networkOnly && !(net instanceof Network)) fail(networkOnly(c.name));
  if (entry.deterministic && net instanceof Network && net.layers.some((l) => l instanceof Dropout && l.rate > 0)) {
    fail(`${c.name} needs a deterministic objective, and dropout makes each evaluation random; remove the dropout layers or use sgd/adam`);
  }
  return o;
}

/**
 * Creates the optimizer the checked options name, over `net`'s flat params (its buffers allocated now);
 * `rng` is the trainer's seeded generator.
 */
export function createOptimizer(net: Network | TrainableModel, data: DataSet, opts: SgdOptions, rng: Rng): Optimizer {
  const config = optimizerConfig(opts.optimizer);
  const entry = optimizerEntry(config.name);
  const opt = entry.create({ net, data, config, opts, rng });
  if (!opt || opt.kind !== entry.kind) fail(`optimizer ${config.name}: create() returned ${opt ? `a ${opt.kind} optimizer` : String(opt)}; its entry says ${entry.kind}`);
  return opt;
}

/**
 * The full-batch method a configuration names (null for the per-mini-batch optimizers), over the
 * objective of `data` with L2 λ and L1 λ₁; HF draws its curvature batches from `rng`.
 */
export function createBatchMethod(net: Network | TrainableModel, data: DataSet, config: OptimizerConfig, lambda: number, l1: number, rng: Rng): FullBatchOptimizer | null {
  const entry = optimizerEntry(optimizerConfig(config).name);
  if (entry.kind !== "full-batch") return null;
  const opt = entry.create({ net, data, config, opts: { epochs: 1, batchSize: 1, eta: 1, lambda, l1, optimizer: config }, rng });
  return opt.kind === "full-batch" ? opt : null;
}
