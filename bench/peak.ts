/**
 * The measured f32x4 peak of this machine, per kernel build: register-only loops of 12 independent
 * chains (assembly/bench/peak.ts, compiled by `npm run asbuild:peak` into build/peak.wasm with mul + add
 * and build/peak.relaxed.wasm with FMA). The GEMM table reports each GEMM as a percentage of its build's
 * peak, so "80% of peak" means the same thing on any machine.
 */
import { readFile } from "node:fs/promises";
import { secondsPerCall, type BenchContext, type Peak } from "./lib.js";
import { enableRelaxedSimd } from "../src/wasm/relaxed-flag.js";

export type { Peak } from "./lib.js";

interface PeakExports {
  peak_chain12(iters: number, seed: number, x: number, y: number): number;
  peak_ladder12(iters: number, seed: number, x: number): number;
}

const ITERS = 1 << 20; // 12 madd x 8 flops x 2^20 = 100 MFLOP per call, a few ms

async function load(file: string): Promise<PeakExports | null> {
  const bytes = await readFile(new URL(`../build/${file}`, import.meta.url));
  enableRelaxedSimd();
  if (!WebAssembly.validate(bytes)) return null;
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error("abort"); } } });
  return instance.exports as unknown as PeakExports;
}

/** GFLOP/s of both probes in one build, and their maximum. */
function probe(k: PeakExports, build: string, probes: Record<string, number>): number {
  const gflops = (seconds: number) => (12 * 8 * ITERS) / seconds / 1e9;
  // x slightly below 1 keeps c = c * x + y bounded; x = 1e-7 keeps the ladder's sums tame
  probes[`${build} chain12`] = gflops(secondsPerCall(() => k.peak_chain12(ITERS, 1, 0.999999, 1e-6)));
  probes[`${build} ladder12`] = gflops(secondsPerCall(() => k.peak_ladder12(ITERS, 1, 1e-7)));
  return Math.max(probes[`${build} chain12`], probes[`${build} ladder12`]);
}

/** Measures the peak of both builds (the best of two register-only probes each). */
export async function measurePeak(): Promise<Peak> {
  const probes: Record<string, number> = {};
  const plain = await load("peak.wasm");
  const relaxed = await load("peak.relaxed.wasm");
  if (!plain) throw new Error("build/peak.wasm does not validate: this runtime lacks WebAssembly SIMD");
  return {
    plain: probe(plain, "plain", probes),
    relaxed: relaxed ? probe(relaxed, "relaxed", probes) : NaN,
    probes,
  };
}

/** The peak section: records the peak for the GEMM table and prints one line about it. */
export async function peakSection(ctx: BenchContext): Promise<string[]> {
  const peak = await measurePeak();
  ctx.peak = peak;
  ctx.json.peak = peak;
  const p = (name: string) => peak.probes[name]?.toFixed(1) ?? "n/a";
  return [
    `f32x4 peak, one core (registers only, 12 independent chains; GFLOP/s): ` +
      `mul + add ${peak.plain.toFixed(1)} (chain ${p("plain chain12")}, ladder ${p("plain ladder12")}), ` +
      `FMA ${peak.relaxed.toFixed(1)} (chain ${p("relaxed chain12")}, ladder ${p("relaxed ladder12")}).`,
  ];
}
