/**
 * `npm run bench`: runs every benchmark section in order and prints their Markdown (ready to paste into
 * the README). Each section is a function of the shared context that returns Markdown lines; add one
 * by appending it to SECTIONS. `npm run bench -- cnn conv` runs only the sections named (peak, gemm,
 * mlp, cnn, conv, optimizers, rnn, threads, onnx). With `--json [file]` the raw numbers also go to bench/results/.
 *
 * Relaxed SIMD needs no flag: the loader enables it on Node 20 (src/wasm/relaxed-flag.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadIdxDir } from "../src/data/node.js";
import { loadEmbeddedMnist } from "../src/data/mnist.js";
import type { DataSet } from "../src/data/dataset.js";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gemmSection } from "./gemm.js";
import { peakSection, type Peak } from "./peak.js";
import { mlpSection } from "./mlp.js";
import { cnnSection } from "./cnn.js";
import { convSection } from "./conv.js";
import { optimizersSection } from "./optimizers.js";
import { rnnSection } from "./rnn.js";
import { threadsSection } from "./threads.js";
import { onnxSection } from "./onnx.js";

/** What sections share: the measured peak (for "% of peak" columns) and the JSON record. */
export interface BenchContext {
  peak?: Peak;
  /** Raw results by section name, written out with --json. */
  json: Record<string, unknown>;
}

/** One benchmark section: measures, records into ctx.json, returns Markdown lines. */
export type Section = (ctx: BenchContext) => Promise<string[]>;

/** Every section by name, in the order a full run takes them (gemm reads the peak measured before it). */
const SECTIONS: Record<string, Section> = { peak: peakSection, gemm: gemmSection, mlp: mlpSection, cnn: cnnSection, conv: convSection, optimizers: optimizersSection, rnn: rnnSection, threads: threadsSection, onnx: onnxSection };

/**
 * The digits the benchmarks train on: the full MNIST training set when ../shared/data/mnist is beside
 * the checkout, else the embedded 10,000; `source` says which ("MNIST" or "embedded").
 */
export async function benchDigits(): Promise<{ training: DataSet; source: string }> {
  const dir = ["../shared/data/mnist", "/work/shared/data/mnist"].find((d) => existsSync(d));
  return dir ? { training: loadIdxDir(dir).training, source: "MNIST" } : { training: (await loadEmbeddedMnist()).training, source: "embedded" };
}

/** The median of xs (the upper one for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Options for {@link secondsPerCall}. */
export interface TimeOptions {
  /** Timed samples; the median is reported (default 7). */
  samples?: number;
  /** Each sample repeats the call until it lasts about this long (default 15 ms). */
  minMs?: number;
  /** Untimed calls first, for at least this long (default 60 ms). */
  warmMs?: number;
  /**
   * "wall" (default) or "cpu": this process's user + system CPU time, which leaves out the time other
   * processes hold the core, so it stays meaningful on a shared, oversubscribed machine.
   */
  clock?: "wall" | "cpu";
}

/** Milliseconds of this process's CPU time (user + system), for timing single-threaded work on a busy machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The median time of one call of fn, in seconds. Warm-up comes first: a wasm function starts in the
 * baseline compiler (Liftoff) and wasm has no on-stack replacement, so early calls are slow. Each
 * sample then repeats fn enough times to last minMs, so the timer's resolution does not matter.
 */
export function secondsPerCall(fn: () => void, opts: TimeOptions = {}): number {
  const { samples = 7, minMs = 15, warmMs = 60, clock = "wall" } = opts;
  const now = clock === "cpu" ? cpuMs : () => performance.now();
  let calls = 0;
  const t0 = now();
  do {
    fn();
    calls++;
  } while (now() - t0 < warmMs || calls < 2);
  const reps = Math.max(1, Math.ceil(minMs / ((now() - t0) / calls)));
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t = now();
    for (let r = 0; r < reps; r++) fn();
    times.push((now() - t) / reps / 1000);
  }
  return median(times);
}

/** This machine and runtime, for the table's caption and the JSON record. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? "unknown CPU"} (${cpu.length} cores), Node ${process.version}, V8 ${process.versions.v8}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const ctx: BenchContext = { json: { machine: machine(), date: new Date().toISOString() } };
  const at = args.indexOf("--json");
  const names = args.filter((a, i) => !a.startsWith("--") && !(at >= 0 && i === at + 1 && a.endsWith(".json")));
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (unknown.length > 0) throw new Error(`unknown bench section ${unknown.join(", ")}; expected some of ${Object.keys(SECTIONS).join(", ")}`);
  const t0 = performance.now();
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (names.length > 0 && !names.includes(name)) continue;
    const lines = await section(ctx);
    if (lines.length > 0) console.log(lines.join("\n") + "\n");
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
  if (at >= 0) {
    const root = join(dirname(fileURLToPath(import.meta.url)), "results");
    const given = args[at + 1]?.endsWith(".json") ? args[at + 1] : undefined;
    const file = given ?? join(root, `bench-${(ctx.json.date as string).replace(/[:.]/g, "-")}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(ctx.json, null, 2) + "\n");
    console.log(`results: ${file}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
