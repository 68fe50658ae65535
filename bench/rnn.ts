/**
 * Issue 5's two recurrent training targets, through the real Trainer in both builds: the character-level
 * language model (128 tanh units, sequences of 64 characters, 32 per batch, `simdnet rnn --task chars`'s
 * settings) in characters/s, and row-by-row MNIST (28 steps of 28 pixels, 128 units, m = 64) in
 * sequences/s. Medians of several epochs after a warm-up one, in wall clock and process CPU time.
 */
import { createRequire } from "node:module";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { Trainer } from "../src/train/trainer.js";
import { head, type DataSet } from "../src/data/dataset.js";
import { LanguageModel } from "../src/rnn/lm.js";
import { SequenceClassifier } from "../src/rnn/classifier.js";
import { Vocab, textStream } from "../src/rnn/text.js";
import { benchDigits, machine, perSec, timeIt, type BenchContext, type Ms } from "./lib.js";

/** The targets: characters/s (char model) and sequences/s (row-MNIST), one thread. */
const TARGETS = { chars: 100_000, rows: 3_000 };
/** Sequences per timed epoch: 640 × 64 = 40,960 characters; 2,048 digits. */
const CHAR_SEQS = 640;
const ROW_SEQS = 2048;
const L = 64;
const RUNS = 7;

/** Lower-case a–z words of the npm word list, in list order (the bench needs text, not a seeded choice). */
function words(count: number): string[] {
  const all = createRequire(import.meta.url)("an-array-of-english-words") as string[];
  return all.filter((w) => w.length >= 2 && w.length <= 20 && /^[a-z]+$/.test(w)).filter((_, i) => i % 13 === 0).slice(0, count);
}

/** Characters/s of the char model: η = 0.2, momentum 0.9, clipping at 5, per-token mean loss, whole sequences. */
function chars(e: Engine, data: DataSet, vocab: Vocab, bptt?: number): Ms {
  const lm = new LanguageModel({ engine: e, vocab: [...vocab.chars], hidden: 128, steps: bptt ?? L, seed: 1, stepLoss: "mean" });
  const t = new Trainer(lm, data, { epochs: 1000, batchSize: 32, eta: 0.2, momentum: 0.9, clipNorm: 5, ...(bptt ? { bpttWindow: bptt } : {}) });
  return perSec(data.n * L, timeIt(() => t.runEpoch(), RUNS));
}

/** Sequences/s of the row-MNIST classifier: η = 0.02, momentum 0.9, clipping at 1, m = 64. */
function rows(e: Engine, data: DataSet): Ms {
  const m = new SequenceClassifier({ engine: e, inputs: 28, steps: 28, hidden: 128, classes: 10, seed: 1 });
  const t = new Trainer(m, data, { epochs: 1000, batchSize: 64, eta: 0.02, momentum: 0.9, clipNorm: 1 });
  return perSec(data.n, timeIt(() => t.runEpoch(), RUNS));
}

/** Runs the section; returns Markdown lines. */
export async function rnnSection(ctx: BenchContext): Promise<string[]> {
  const ws = words(20000);
  const vocab = Vocab.fromTexts(ws);
  const text = head(textStream(ws.join("\n"), vocab, L), CHAR_SEQS);
  const { training, source } = await benchDigits();
  const digits = head(training, ROW_SEQS);

  type Row = { chars: Ms; chars32: Ms; rows: Ms };
  const sim: Record<string, Row> = {};
  for (const variant of ["relaxed", "plain"] as const) {
    const e = await createEngine({ variant });
    sim[variant] = { chars: chars(e, text, vocab), chars32: chars(e, text, vocab, 32), rows: rows(e, digits) };
  }
  ctx.json.rnn = { charSequences: text.n, vocab: vocab.size, rowSequences: digits.n, simdnet: sim, targets: TARGETS };

  const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
  const cell = (v: Ms) => `${fmt(v.wall)} / ${fmt(v.cpu)}`;
  const ok = (v: Ms, target: number) => (v.cpu >= target ? "✓" : "✗");
  const r = sim.relaxed, p = sim.plain;
  return [
    "### Recurrent networks (issue 5), one thread",
    "",
    "Each cell: wall clock / process CPU time.",
    "",
    "| training | simdnet relaxed | simdnet plain | target | relaxed meets it (CPU time) |",
    "|---|---:|---:|---:|:---:|",
    `| char model, 128 tanh, 64 steps, m=32, characters/s | ${cell(r.chars)} | ${cell(p.chars)} | ≥${fmt(TARGETS.chars)} | ${ok(r.chars, TARGETS.chars)} |`,
    `| same, truncated BPTT (--bptt 32), characters/s | ${cell(r.chars32)} | ${cell(p.chars32)} | | |`,
    `| row-MNIST many-to-one, 128 tanh, 28 steps, m=64, sequences/s | ${cell(r.rows)} | ${cell(p.rows)} | ≥${fmt(TARGETS.rows)} | ${ok(r.rows, TARGETS.rows)} |`,
    "",
    `The real Trainer (momentum 0.9, clipping by norm) over ${fmt(text.n)} sequences of ${L} characters (vocabulary ${vocab.size}, ` +
      `words of an-array-of-english-words) and ${fmt(digits.n)} ${source} digits per epoch; median of ${RUNS} epochs after one warm-up. ${machine()}.`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  rnnSection({ json: {} }).then((l) => console.log(l.join("\n")));
}
