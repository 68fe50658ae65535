/**
 * The CLI's options: parsed with node:util's parseArgs, checked, and turned into a network and the
 * trainer's options. One table of flags serves `train`, `tune`, `eval` and `predict`.
 */
import { createEngine, type Engine } from "../wasm/engine.js";
import { parseArgs } from "node:util";
import type { Schedule, SgdOptions } from "../train/options.js";
import { optimizerConfig, optimizerEntry, optimizerNames, optimizerParams } from "../train/registry.js";
import type { OptimizerConfig } from "../train/optimizer.js";
import type { CostName } from "../loss/costs.js";
import type { ActivationName } from "../layers/activation.js";
import { checkInit, type InitScheme } from "../layers/layer.js";
import { ARCH_TOKENS } from "../layers/arch.js";
import { MNIST_HOWTO } from "../data/node.js";

export const FLAGS = {
  arch: { type: "string", default: "784-100-10", help: `architecture: sizes "784-30-10", layers "fc100:relu-softmax10" (${ARCH_TOKENS}), or a .json file of layer specs` },
  cost: { type: "string", default: "cross-entropy", help: "quadratic | cross-entropy | log-likelihood (needs a softmax output)" },
  activation: { type: "string", default: "sigmoid", help: "hidden activation: sigmoid | tanh | relu | identity" },
  output: { type: "string", default: "sigmoid", help: "output layer for sizes architectures: sigmoid | softmax | identity" },
  init: { type: "string", default: "default", help: 'default: W~N(0,1/n_in), b~N(0,1) (the book) | large: W,b~N(0,1) | he: W~N(0,2/n_in), b=0 (for ReLU)' },
  eta: { type: "string", default: "0.5", help: "learning rate η" },
  lambda: { type: "string", default: "0", help: "L2 regularization λ" },
  l1: { type: "string", default: "0", help: "L1 regularization λ₁" },
  batch: { type: "string", short: "m", default: "10", help: "mini-batch size m" },
  epochs: { type: "string", default: "30", help: "epochs (an upper bound with early stopping or the plateau schedule)" },
  dropout: { type: "string", default: "0", help: "dropout rate on hidden layers (sizes architectures)" },
  momentum: { type: "string", default: "0", help: "momentum μ" },
  nesterov: { type: "boolean", default: false, help: "Nesterov's accelerated gradient (with --momentum)" },
  optimizer: { type: "string", default: "sgd", help: optimizerHelp() },
  optim: { type: "string", default: "", help: optimHelp() },
  schedule: { type: "string", default: "constant", help: "constant | plateau:N[:1/128] | step:E:F | exp:G" },
  "early-stopping": { type: "string", default: "0", help: "stop after N epochs without validation improvement (0: off)" },
  seed: { type: "string", default: "0", help: "seed for initialization, shuffles and dropout" },
  data: { type: "string", help: `directory of MNIST's four IDX files (.gz or not: ${MNIST_HOWTO}); default: the embedded 10,000 digits (8,000 train / 1,000 validation / 1,000 test)` },
  "train-size": { type: "string", default: "0", help: "use only the first N training examples (0: all)" },
  expand: { type: "boolean", default: false, help: "expand the training data ×5 by one-pixel shifts (expand_mnist.py)" },
  save: { type: "string", help: "save the trained model here (.json for network2.py's format)" },
  checkpoint: { type: "string", help: "checkpoint file written after every epoch (default: <save>.ckpt)" },
  resume: { type: "boolean", default: false, help: "continue from the checkpoint" },
  model: { type: "string", help: "model file for eval / predict" },
  variant: { type: "string", default: "auto", help: "kernel build: auto | relaxed | plain | debug" },
  threads: { type: "string", default: "1", help: "threads for the big kernels: a count, or auto (the available cores)" },
  quiet: { type: "boolean", short: "q", default: false, help: "no progress bars" },
  json: { type: "string", help: "write the run's history as JSON here" },
  ensemble: { type: "string", default: "1", help: "train K networks (seeds seed … seed+K−1) and report each and the ensemble by vote and by averaging" },
  "grad-norms": { type: "boolean", default: false, help: "print each layer's mean gradient norm ‖∂C/∂w‖, ‖∂C/∂b‖ per epoch" },
  "export-filters": { type: "string", help: "write the first layer's filters (weights as images) as a PNG here" },
  "export-misclassified": { type: "string", help: "write up to 100 misclassified test digits (true>predicted) as a PNG here" },
  out: { type: "string", help: "slowdown: the PNG to write (default slowdown.png)" },
  help: { type: "boolean", short: "h", default: false, help: "this help" },
} as const;

export type Flags = { [K in keyof typeof FLAGS]: (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string | undefined };

/** Parses argv (after the command) into flags and positionals. */
export function parseFlags(argv: string[]): { flags: Flags; positionals: string[] } {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, { type: v.type, ...("short" in v ? { short: v.short } : {}), ...("default" in v ? { default: v.default } : {}) }]));
  try {
    const { values, positionals } = parseArgs({ args: argv, options: options as never, allowPositionals: true, strict: true });
    return { flags: values as unknown as Flags, positionals };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nRun \`simdnet --help\` for the options.`);
  }
}

/** A number flag, with a clear error naming the flag. */
export function num(flags: Flags, name: keyof typeof FLAGS, check?: (v: number) => boolean, expected?: string): number {
  const raw = flags[name] as string;
  const v = /^\d+\/\d+$/.test(raw) ? Number(raw.split("/")[0]) / Number(raw.split("/")[1]) : Number(raw);
  if (raw === undefined || raw === "" || !Number.isFinite(v) || (check && !check(v))) {
    throw new RangeError(`--${name} must be ${expected ?? "a number"}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** --schedule plateau:10:1/1024 | step:10:0.5 | exp:0.95 | constant */
export function parseSchedule(text: string): Schedule {
  const [kind, a, b] = text.split(":");
  const n = (s: string | undefined, what: string): number => {
    const v = s && /^\d+\/\d+$/.test(s) ? Number(s.split("/")[0]) / Number(s.split("/")[1]) : Number(s);
    if (s === undefined || !Number.isFinite(v)) throw new RangeError(`--schedule ${text}: ${what} must be a number`);
    return v;
  };
  switch (kind) {
    case "constant": return { type: "constant" };
    case "plateau": return { type: "plateau", patience: n(a ?? "10", "patience"), ...(b ? { minFraction: n(b, "the stopping fraction") } : {}) };
    case "step": return { type: "step", every: n(a, "the epoch interval"), factor: n(b, "the factor") };
    case "exp": case "exponential": return { type: "exponential", gamma: n(a, "gamma") };
    default: throw new RangeError(`--schedule must be constant, plateau:N[:fraction], step:E:F or exp:G, got ${JSON.stringify(text)}`);
  }
}

/** --optimizer's help: every registered optimizer, and which run one full-batch iteration per epoch. */
export function optimizerHelp(): string {
  const names = optimizerNames();
  const full = names.filter((n) => optimizerEntry(n).kind === "full-batch");
  return names.join(" | ") + (full.length ? ` (${full.join(", ")}: one full-batch iteration per epoch)` : "");
}

/** --optim's help: every registered optimizer's parameter keys (choices as k=a|b). */
export function optimHelp(): string {
  const keys = [...optimizerParams()].map(([k, p]) => (p.type === "choice" ? `${k}=${p.values.join("|")}` : k));
  return `optimizer parameters "k=v,…": ${keys.join(" ")}`;
}

/** --optimizer NAME with --optim "beta1=0.9,hvp=fd": the optimizer configuration, validated. */
export function parseOptimizer(name: string, params = ""): OptimizerConfig {
  const specs = optimizerParams();
  const c: Record<string, unknown> = { name };
  for (const item of params.split(",").filter((t) => t.trim())) {
    const [k, v] = item.split("=").map((t) => t.trim());
    const spec = specs.get(k);
    if (!spec || v === undefined) throw new RangeError(`--optim ${JSON.stringify(item)}: expected k=v with k one of ${[...specs.keys()].join(", ")}`);
    c[k] = spec.type === "number" ? Number(v) : v;
  }
  return optimizerConfig(c as unknown as OptimizerConfig);
}

/** The trainer options the flags describe (data sets are added by the caller). */
export function sgdOptions(flags: Flags): SgdOptions {
  const es = num(flags, "early-stopping", (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
  return {
    epochs: num(flags, "epochs", (v) => Number.isInteger(v) && v > 0, "a positive integer"),
    batchSize: num(flags, "batch", (v) => Number.isInteger(v) && v > 0, "a positive integer"),
    eta: num(flags, "eta", (v) => v > 0, "a number > 0"),
    lambda: num(flags, "lambda", (v) => v >= 0, "a number ≥ 0"),
    l1: num(flags, "l1", (v) => v >= 0, "a number ≥ 0"),
    momentum: num(flags, "momentum", (v) => v >= 0 && v < 1, "in [0, 1)"),
    nesterov: flags.nesterov,
    optimizer: parseOptimizer(flags.optimizer ?? "sgd", flags.optim),
    seed: num(flags, "seed", Number.isInteger, "an integer"),
    schedule: parseSchedule(flags.schedule ?? "constant"),
    gradNorms: flags["grad-norms"],
    ...(es ? { earlyStopping: { patience: es } } : {}),
  };
}

/** Network options from the flags. */
export function networkOptions(flags: Flags): { cost: CostName; activation: ActivationName; output: ActivationName | "softmax"; init: InitScheme; dropout: number; seed: number } {
  return {
    cost: flags.cost as CostName,
    activation: flags.activation as ActivationName,
    output: flags.output as ActivationName | "softmax",
    init: checkInit(flags.init ?? "default", "--init"),
    dropout: num(flags, "dropout", (v) => v >= 0 && v < 1, "in [0, 1)"),
    seed: num(flags, "seed", Number.isInteger, "an integer"),
  };
}

/** The --help text. */
export function helpText(): string {
  // the optimizer rows from the registry now, so that optimizers registered after this module loaded are listed too
  const help = (k: string, h: string): string => (k === "optimizer" ? optimizerHelp() : k === "optim" ? optimHelp() : h);
  const names = Object.entries(FLAGS).map(([k, v]) => `  --${k}${"short" in v ? `, -${v.short}` : ""}`);
  const width = Math.max(...names.map((n) => n.length)) + 2; // the longest name still gets two spaces
  const rows = Object.entries(FLAGS).map(([k, v], i) => names[i].padEnd(width) + help(k, v.help) + ("default" in v && v.type === "string" && v.default !== "" ? ` (default ${v.default})` : ""));
  return [
    "simdnet: neural networks from Nielsen's book on WebAssembly SIMD",
    "",
    "usage: simdnet train [options]      train (default: 784-100-10 on the embedded 10,000 digits), print a per-epoch table, report test accuracy",
    "       simdnet eval --model F       accuracy and cost of a saved model on the test set (the embedded digits', or --data DIR's)",
    "       simdnet predict --model F [--data DIR]   predictions for the first test digits",
    "       simdnet tune [options]       the book's η then λ search, as a table",
    "       simdnet rnn --task rows|chars|digits|reverse   recurrent networks (simdnet rnn --help)",
    "       simdnet train --ensemble 5 --export-filters f.png --export-misclassified m.png --grad-norms",
    "       simdnet onnx export --model F --out F.onnx [--opset N]   a saved model as ONNX (simdnet onnx export --help)",
    "       simdnet slowdown [--out F.png]  chapter 3's learning slowdown: quadratic vs cross-entropy cost curves",
    "       simdnet onnx inspect M.onnx | onnx run --model M.onnx --input x.json [--all]   ONNX models",
    "",
    ...rows,
  ].join("\n");
}

/** The engine the flags ask for: --variant's build, on --threads threads (a count or "auto"). */
export async function engineFromFlags(flags: { variant?: unknown; threads?: unknown }): Promise<Engine> {
  const t = String(flags.threads ?? "1");
  const threads = t === "auto" ? "auto" : Number(t);
  if (threads !== "auto" && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`--threads must be a positive integer or "auto", got ${JSON.stringify(t)}`);
  }
  return createEngine({ variant: flags.variant as never, threads });
}
