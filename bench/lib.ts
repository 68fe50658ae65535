/**
 * What the benchmark sections share: the context they record into, the digits they train on, and the
 * timing loops (medians after warm-up, in wall clock and in this process's CPU time). Sections import
 * this file and bench/run.ts imports the sections, so no bench file imports run.ts (no import cycle).
 */
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { loadIdxDir } from "../src/data/node.js";
import { loadEmbeddedMnist } from "../src/data/mnist.js";
import type { DataSet } from "../src/data/dataset.js";

/** GFLOP/s: plain (mul + add) and relaxed (FMA; NaN when this runtime lacks relaxed SIMD), and every probe. */
export interface Peak {
  plain: number;
  relaxed: number;
  probes: Record<string, number>;
}

/** What sections share: the measured peak (for "% of peak" columns) and the JSON record. */
export interface BenchContext {
  peak?: Peak;
  /** Raw results by section name, written out with --json. */
  json: Record<string, unknown>;
}

/** One benchmark section: measures, records into ctx.json, returns Markdown lines. */
export type Section = (ctx: BenchContext) => Promise<string[]>;

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

/** Milliseconds of this process's CPU time (user + system), for timing single-threaded work on a busy machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median milliseconds per call: wall clock, and this process's CPU time (other processes' share left out). */
export interface Ms { wall: number; cpu: number }

/**
 * Medians (wall, CPU ms) per function over `runs` timed calls each, after `warm` untimed calls each; the
 * functions' runs are interleaved so that a neighbour's load hits them all alike.
 */
export function interleaved(fns: readonly (() => void)[], runs: number, warm = 1): Ms[] {
  for (let w = 0; w < warm; w++) fns.forEach((f) => f());
  const wall: number[][] = fns.map(() => []), cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now(), c0 = cpuMs();
      f();
      wall[i].push(performance.now() - t0);
      cpu[i].push(cpuMs() - c0);
    });
  }
  return fns.map((_, i) => ({ wall: median(wall[i]), cpu: median(cpu[i]) }));
}

/** Medians of fn over `runs` timed calls after `warm` untimed ones, in wall and CPU milliseconds. */
export function timeIt(fn: () => void, runs = 5, warm = 1): Ms {
  return interleaved([fn], runs, warm)[0];
}

/** `count` items per call of `ms`, as items per second (wall, CPU). */
export const perSec = (count: number, ms: Ms): Ms => ({ wall: (1000 * count) / ms.wall, cpu: (1000 * count) / ms.cpu });

/** `ms` for `count` items, as µs per item (wall, CPU). */
export const usEach = (count: number, ms: Ms): Ms => ({ wall: (1000 * ms.wall) / count, cpu: (1000 * ms.cpu) / count });

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
