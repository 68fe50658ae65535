/**
 * `simdnet rnn --task T`: the four recurrent shapes on real data, trained by the same Trainer and the
 * same flags as `simdnet train` (η, m, epochs, momentum, schedule, early stopping, seed, --save, and a
 * checkpoint written atomically after every epoch, so `--resume` loses at most one epoch):
 *   rows     many to one: MNIST digits read row by row (28 steps of 28 pixels)
 *   chars    many to many: a character-level language model of English words (an-array-of-english-words,
 *            or the package's sample of it where that is not installed: see wordList)
 *   digits   one to many: a digit's 28 pixel rows generated from its label
 *   reverse  encoder–decoder: words from the same list, reversed
 * Node only (it reads files and the word list).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import type { Engine } from "../wasm/engine.js";
import { Rng } from "../rng.js";
import { engineFromFlags, FLAGS, sgdOptions, type Flags } from "../cli/config.js";
import { loadEmbeddedMnist, type MnistSplit } from "../data/mnist.js";
import { loadIdxDir } from "../data/node.js";
import { head, type DataSet } from "../data/dataset.js";
import { Trainer, type TrainState } from "../train/trainer.js";
import type { SgdOptions } from "../train/options.js";
import { loadCheckpoint, saveCheckpoint } from "../io/node.js";
import type { SequenceModel } from "./model.js";
import { SequenceClassifier } from "./classifier.js";
import { LanguageModel } from "./lm.js";
import { SequenceGenerator, oneHot } from "./generator.js";
import { Seq2Seq } from "./seq2seq.js";
import { Vocab, pairSequences, textStream } from "./text.js";
import { saveSequenceModel } from "./node.js";

const RNN_FLAGS = {
  task: { type: "string", default: "rows", help: "rows | chars | digits | reverse" },
  hidden: { type: "string", help: "hidden units, comma-separated for stacked layers (default 128; chars 128, reverse 128)" },
  clip: { type: "string", default: "5", help: "clip the gradient to this norm (0: off)" },
  bptt: { type: "string", default: "0", help: "chars: truncated BPTT window (0: whole sequences)" },
  length: { type: "string", default: "64", help: "chars: characters per training sequence" },
  words: { type: "string", default: "20000", help: "chars / reverse: how many words of the list to use (seeded choice)" },
  temperature: { type: "string", default: "0.8", help: "chars: sampling temperature for the samples printed each epoch" },
} as const;

/** `simdnet train` flags this command does not use (left out of its --help). */
const IGNORED = ["arch", "cost", "activation", "output", "init", "dropout", "expand", "model", "json", "ensemble", "grad-norms", "export-filters", "export-misclassified", "out", "quiet"];

/** Per task: the defaults that differ from `simdnet train`'s. */
const DEFAULTS: Record<string, { eta: string; batch: string; epochs: string; momentum: string }> = {
  rows: { eta: "0.02", batch: "64", epochs: "12", momentum: "0.9" },
  chars: { eta: "0.2", batch: "32", epochs: "10", momentum: "0.9" },
  digits: { eta: "0.02", batch: "64", epochs: "10", momentum: "0.9" },
  reverse: { eta: "0.05", batch: "32", epochs: "30", momentum: "0.9" },
};

/**
 * The word list: the npm package an-array-of-english-words where it is installed (a checkout has it:
 * the README's figures use it), else the installed simdnet's sample of it (build/english-words.txt,
 * every 13th word, written by scripts/pack-data.ts).
 */
export function wordList(): { words: string[]; source: string } {
  try {
    return { words: createRequire(import.meta.url)("an-array-of-english-words") as string[], source: "an-array-of-english-words" };
  } catch (err) {
    if ((err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
  }
  const sample = new URL("../../build/english-words.txt", import.meta.url);
  if (!existsSync(sample)) {
    throw new Error("simdnet rnn --task chars|reverse needs a word list: `npm install an-array-of-english-words` (in a checkout, `npm ci` installs it)");
  }
  const words = readFileSync(sample, "utf8").split("\n").filter((w) => w && !w.startsWith("#"));
  return { words, source: `simdnet's ${words.length.toLocaleString("en-US")}-word sample of an-array-of-english-words (\`npm install an-array-of-english-words\` for all of it)` };
}

/** Lower-case a–z words of 2..max letters from the word list, a seeded choice of `count` of them. */
export function englishWords(count: number, max: number, seed: number, engine: Engine, list: readonly string[] = wordList().words): string[] {
  const all = list.filter((w) => w.length >= 2 && w.length <= max && /^[a-z]+$/.test(w));
  const rng = new Rng(engine, seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, Math.min(count, all.length));
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

/** Runs `simdnet rnn`; returns the last epoch's record and the test figures. */
export async function rnnCommand(argv: string[], log: (s: string) => void = console.log): Promise<Record<string, number>> {
  const table = { ...FLAGS, ...RNN_FLAGS } as Record<string, { type: "string" | "boolean"; short?: string; default?: string | boolean; help: string }>;
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(Object.entries(table).map(([k, v]) => [k, { type: v.type, ...(v.short ? { short: v.short } : {}), ...(v.default !== undefined && !["eta", "batch", "epochs", "momentum"].includes(k) ? { default: v.default } : {}) }])),
  });
  const f = values as Record<string, string | boolean | undefined>;
  if (f.help) {
    // train's flags that mean nothing here are accepted but not listed
    const shown = Object.entries(table).filter(([k]) => !IGNORED.includes(k));
    const width = Math.max(...shown.map(([k]) => k.length)) + 6;
    log(["usage: simdnet rnn --task rows|chars|digits|reverse [options]", "", ...shown.map(([k, v]) => `  --${k}`.padEnd(width) + v.help)].join("\n"));
    return {};
  }
  const task = String(f.task);
  const d = DEFAULTS[task];
  if (!d) throw new RangeError(`--task must be rows, chars, digits or reverse, got ${JSON.stringify(task)}`);
  for (const k of ["eta", "batch", "epochs", "momentum"] as const) f[k] ??= d[k];
  const base = sgdOptions(f as unknown as Flags);
  const clip = Number(f.clip);
  if (!(clip >= 0)) throw new RangeError(`--clip must be a number ≥ 0, got ${JSON.stringify(f.clip)}`);
  const bptt = Number(f.bptt);
  if (!Number.isInteger(bptt) || bptt < 0) throw new RangeError(`--bptt must be an integer ≥ 0, got ${JSON.stringify(f.bptt)}`);
  const hidden = String(f.hidden ?? "128").split(",").map(Number);
  const seed = base.seed ?? 0;
  const engine = await engineFromFlags(f);
  const opts: SgdOptions = { ...base, ...(clip > 0 ? { clipNorm: clip } : {}), ...(bptt > 0 ? { bpttWindow: bptt } : {}), monitorEvaluationCost: true, restoreBest: true };

  let model: SequenceModel;
  let train: DataSet;
  let validation: DataSet;
  let test: DataSet;
  let report: (m: SequenceModel) => string = () => "";
  if (task === "rows" || task === "digits") {
    const split: MnistSplit = f.data ? loadIdxDir(String(f.data)) : await loadEmbeddedMnist();
    const size = Number(f["train-size"] ?? 0);
    train = size > 0 ? head(split.training, size) : split.training;
    ({ validation, test } = split);
    model = task === "rows"
      ? new SequenceClassifier({ engine, inputs: 28, steps: 28, hidden, classes: 10, seed })
      : new SequenceGenerator({ engine, conditions: 10, outputs: 28, steps: 28, hidden, seed });
    if (task === "digits") report = (m) => `\n${asciiDigits((m as SequenceGenerator).generate(oneHot([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10)))}`;
  } else {
    const list = wordList();
    log(`words: ${list.source}`);
    const words = englishWords(Number(f.words), task === "chars" ? 20 : 8, seed, engine, list.words);
    const vocab = Vocab.fromTexts(words);
    const nTest = Math.max(1, Math.floor(words.length / 10));
    const [tr, va, te] = [words.slice(2 * nTest), words.slice(0, nTest), words.slice(nTest, 2 * nTest)];
    if (task === "chars") {
      const L = Number(f.length);
      [train, validation, test] = [tr, va, te].map((w) => textStream(w.join("\n"), vocab, L));
      model = new LanguageModel({ engine, vocab: [...vocab.chars], hidden, steps: bptt > 0 ? bptt : L, seed, stepLoss: "mean" });
      const temperature = Number(f.temperature);
      report = (m) => `  samples at τ = ${temperature}: ${(m as LanguageModel).sample({ length: 60, temperature, seed: (m as LanguageModel).seed + 1 }).split("\n").join(" ")}`;
    } else {
      const pairs = (ws: string[]): [string, string][] => ws.map((w) => [w, [...w].reverse().join("")]);
      [train, validation, test] = [tr, va, te].map((w) => pairSequences(pairs(w), vocab, 8, 9));
      model = new Seq2Seq({ engine, vocab: [...vocab.chars], hidden, sourceSteps: 8, targetSteps: 9, seed });
      report = (m) => `  held-out words reversed exactly: ${pct(exactMatch(m as Seq2Seq, pairs(va.slice(0, 500))))} · ${va.slice(0, 4).map((w) => `${w}→${(m as Seq2Seq).translate(w)}`).join(" ")}`;
    }
  }
  const perToken = task === "chars" || task === "reverse";
  const ckpt = f.checkpoint ? String(f.checkpoint) : f.save ? `${f.save}.ckpt` : undefined;
  const resume = f.resume ? await resumeState(ckpt, task, model) : undefined;
  if (resume) log(`resuming from ${ckpt} after epoch ${resume.epoch}`);
  log(`simdnet rnn --task ${task} · ${engine.variant} SIMD · ${model.kind} · hidden [${hidden}] · ${model.numParams.toLocaleString("en-US")} parameters · ${train.n} / ${validation.n} / ${test.n} sequences`);
  log(`η=${opts.eta} m=${opts.batchSize} μ=${opts.momentum} clip=${clip || "off"}${bptt ? ` bptt=${bptt}` : ""} epochs=${opts.epochs}`);
  log(`epoch      η   val cost  ${perToken ? "perplexity" : task === "rows" ? "   val acc" : "          "}    time   sequences/s`);
  let pending: Promise<void> = Promise.resolve();
  const trainer = new Trainer(model, train, {
    ...opts,
    resume,
    evaluationData: validation,
    onEpoch: (r, t) => {
      if (ckpt) pending = saveCheckpoint(ckpt, { task, config: model.config(), numParams: model.numParams, state: t.state() });
      const mid = perToken ? Math.exp(r.evaluationCost!).toFixed(3) : task === "rows" ? pct(r.evaluationAccuracy!) : "";
      log(`${String(r.epoch).padStart(5)} ${String(+r.eta.toPrecision(3)).padStart(6)} ${r.evaluationCost!.toFixed(4).padStart(10)} ${mid.padStart(11)} ${(r.seconds.toFixed(1) + "s").padStart(7)} ${Math.round(r.examplesPerSecond).toLocaleString("en-US").padStart(13)}`);
      const extra = report(model);
      if (extra) log(extra);
    },
  });
  // each checkpoint write is awaited before the next epoch starts, so a killed run loses at most one epoch
  while (!trainer.done) {
    trainer.runEpoch();
    await pending;
  }
  const h = trainer.history;
  if (h.message) log(`${h.stopReason}: ${h.message}`);
  const t = model.evaluate(test);
  const speeds = h.epochs.map((r) => r.examplesPerSecond).sort((a, b) => a - b);
  const median = speeds[Math.floor(speeds.length / 2)];
  const out: Record<string, number> = { testCost: t.cost, sequencesPerSecond: median };
  if (perToken) out.testPerplexity = Math.exp(t.cost);
  if (task === "rows") out.testAccuracy = t.accuracy;
  if (task === "chars") out.charactersPerSecond = median * (train.inputShape[0] - 1);
  log(`test: ${Object.entries(out).map(([k, v]) => `${k} ${k === "testAccuracy" ? pct(v) : Math.abs(v) > 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(4)}`).join(" · ")}`);
  if (f.save) {
    await saveSequenceModel(model, String(f.save), { task, ...out });
    log(`saved ${f.save}`);
  }
  return out;
}

/** The trainer state in a checkpoint written by this command for the same task and model options. */
async function resumeState(ckpt: string | undefined, task: string, model: SequenceModel): Promise<TrainState> {
  if (!ckpt || !existsSync(ckpt)) throw new Error(`--resume: no checkpoint at ${ckpt ?? "(give --checkpoint or --save)"}`);
  const saved = await loadCheckpoint<{ task?: string; config?: unknown; numParams?: number; state?: TrainState }>(ckpt);
  if (!saved || typeof saved !== "object" || !saved.state) throw new Error(`--resume: ${ckpt} is not a checkpoint of simdnet rnn`);
  const [was, now] = [JSON.stringify(saved.config), JSON.stringify(model.config())];
  if (saved.task !== task || was !== now) throw new Error(`--resume: the checkpoint ${ckpt} is for --task ${saved.task} with ${was}, not --task ${task} with ${now}`);
  return saved.state;
}

/** Share of pairs the model translates exactly (greedy decoding). */
export function exactMatch(m: Seq2Seq, pairs: readonly (readonly [string, string])[]): number {
  return pairs.filter(([s, t]) => m.translate(s) === t).length / pairs.length;
}

/** Generated 28×28 digits side by side as text, two rows per character line. */
function asciiDigits(frames: Float32Array): string {
  const n = frames.length / 784;
  const lines: string[] = [];
  for (let r = 0; r < 28; r += 2) {
    let s = "";
    for (let d = 0; d < n; d++) {
      for (let c = 0; c < 28; c += 1) {
        const v = Math.max(frames[d * 784 + r * 28 + c], frames[d * 784 + (r + 1) * 28 + c]);
        s += v > 0.6 ? "#" : v > 0.3 ? "+" : v > 0.15 ? "." : " ";
      }
      s += " ";
    }
    lines.push(s.trimEnd());
  }
  return lines.join("\n");
}
