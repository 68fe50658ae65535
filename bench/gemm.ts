/**
 * GEMM throughput, one table: simdnet's packed gemm in both builds (plain SIMD, relaxed SIMD with FMA)
 * as GFLOP/s and as % of that build's measured peak (bench/peak.ts), the unpacked gemm_simple baseline,
 * tfjs-backend-wasm's matMul on one thread (its SIMD build, XNNPACK inside) and a naive JS triple loop,
 * side by side on the same shapes: squares 64..1024 and dense-layer shapes (batch M = 10 or 64,
 * K = 784 inputs, N = 30 or 100 outputs). GFLOP/s counts 2*M*N*K flops; medians after warm-up.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { machine, secondsPerCall, type BenchContext } from "./lib.js";

type Tf = typeof import("@tensorflow/tfjs-core");
type Trans = "NN" | "NT" | "TN";

const SQUARES = [64, 128, 256, 512, 1024];
const MLP: [number, number, number][] = [[10, 30, 784], [10, 100, 784], [64, 30, 784], [64, 100, 784]];
/** The naive JS loop is skipped above this many flops (it runs at ~1 GFLOP/s). */
const NAIVE_MAX_FLOPS = 2 * 512 ** 3;

/** One row of the table: GFLOP/s per implementation (NaN where not measured). */
interface Row {
  shape: string; op: Trans; M: number; N: number; K: number;
  plain: number; relaxed: number; simplePlain: number; simpleRelaxed: number; tfjs: number; naive: number;
}

/** Deterministic inputs in [-1, 1]: nothing here needs randomness. */
export function values(n: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));
}

/** Naive JS: C = op(A) op(B), the textbook i-j-k triple loop over Float32Arrays. */
function naiveGemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, op: Trans): void {
  const tA = op === "TN", tB = op === "NT";
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[tA ? k * M + i : i * K + k] * b[tB ? j * K + k : k * N + j];
      c[i * N + j] = s;
    }
  }
}

/** tfjs-core with the wasm backend on one thread (the non-threaded SIMD .wasm), read from node_modules. */
async function loadTf(): Promise<Tf | null> {
  try {
    const tf = await import("@tensorflow/tfjs-core");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(join(dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm")), "/"));
    wasm.setThreadsCount(1);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    await tf.setBackend("wasm");
    await tf.ready();
    return tf;
  } catch (err) {
    console.error(`tfjs-backend-wasm unavailable, its column stays empty: ${String(err)}`);
    return null;
  }
}

/** GFLOP/s of gemm (or gemm_simple) in one engine, or NaN without that engine. */
function simdnet(e: Engine | null, simple: boolean, M: number, N: number, K: number, op: Trans): number {
  if (!e) return NaN;
  const mark = e.mark();
  try {
    const a = e.allocFrom(values(M * K, 1)), b = e.allocFrom(values(K * N, 2)), c = e.alloc(M * N);
    const tA = op === "TN" ? 1 : 0, tB = op === "NT" ? 1 : 0;
    const run = simple
      ? () => e.k.gemm_simple(c, a, b, M, N, K, tA, tB, 1, 0)
      : () => e.k.gemm(c, a, b, e.gemmScratch, M, N, K, tA, tB, 1, 0);
    return (2 * M * N * K) / secondsPerCall(run, options(M, N, K)) / 1e9;
  } finally {
    e.release(mark);
  }
}

function tfjs(tf: Tf | null, M: number, N: number, K: number, op: Trans): number {
  if (!tf) return NaN;
  const a = tf.tensor2d(values(M * K, 1), op === "TN" ? [K, M] : [M, K]);
  const b = tf.tensor2d(values(K * N, 2), op === "NT" ? [N, K] : [K, N]);
  // the wasm backend computes synchronously inside matMul; dispose frees the output at once
  const run = () => tf.matMul(a, b, op === "TN", op === "NT").dispose();
  const g = (2 * M * N * K) / secondsPerCall(run, options(M, N, K)) / 1e9;
  a.dispose();
  b.dispose();
  return g;
}

function naive(M: number, N: number, K: number, op: Trans): number {
  if (2 * M * N * K > NAIVE_MAX_FLOPS) return NaN;
  const a = values(M * K, 1), b = values(K * N, 2), c = new Float32Array(M * N);
  return (2 * M * N * K) / secondsPerCall(() => naiveGemm(c, a, b, M, N, K, op), options(M, N, K)) / 1e9;
}

/** 7 samples, or 5 for the slow calls (gemm_simple and naive JS at 1024) to keep the run short. */
function options(M: number, N: number, K: number) {
  return { samples: 2 * M * N * K >= 2 * 1024 ** 3 ? 5 : 7 };
}

/** Fails loudly if gemm and gemm_simple disagree: a fast wrong kernel must never reach the table. */
function sanity(e: Engine): void {
  const M = 67, N = 45, K = 300;
  for (const [tA, tB] of [[0, 0], [0, 1], [1, 0]]) {
    const mark = e.mark();
    const a = e.allocFrom(values(M * K, 1)), b = e.allocFrom(values(K * N, 2));
    const c1 = e.alloc(M * N), c2 = e.alloc(M * N);
    e.k.gemm(c1, a, b, e.gemmScratch, M, N, K, tA, tB, 1, 0);
    e.k.gemm_simple(c2, a, b, M, N, K, tA, tB, 1, 0);
    const x = e.read(c1, M * N), y = e.read(c2, M * N);
    e.release(mark);
    for (let i = 0; i < x.length; i++) {
      if (!(Math.abs(x[i] - y[i]) <= 1e-3 * (1 + Math.abs(y[i])))) {
        throw new Error(`gemm and gemm_simple disagree (${e.variant}, trans ${tA}${tB}, element ${i}: ${x[i]} vs ${y[i]})`);
      }
    }
  }
}

function wasmSizes(): string {
  return ["simdnet.wasm", "simdnet.relaxed.wasm", "simdnet.debug.wasm"]
    .map((f) => `${f} ${(statSync(new URL(`../build/${f}`, import.meta.url)).size / 1024).toFixed(1)} KB`)
    .join(", ");
}

/** The GEMM section: measures every row, records them, returns the Markdown table and a summary. */
export async function gemmSection(ctx: BenchContext): Promise<string[]> {
  const plain = await createEngine({ variant: "plain" });
  const relaxed = await createEngine({ variant: "relaxed" }).catch(() => null);
  for (const e of [plain, relaxed]) if (e) sanity(e);
  const tf = await loadTf();

  const rows: Row[] = [];
  const shapes: [string, number, number, number, Trans[]][] = [
    ...SQUARES.map((n): [string, number, number, number, Trans[]] => [`${n}³`, n, n, n, ["NN", "NT", "TN"]]),
    ...MLP.map(([M, N, K]): [string, number, number, number, Trans[]] => [`MLP ${M}×${N}×${K}`, M, N, K, ["NN", "NT"]]),
  ];
  for (const [shape, M, N, K, ops] of shapes) {
    for (const op of ops) {
      rows.push({
        shape, op, M, N, K,
        plain: simdnet(plain, false, M, N, K, op),
        relaxed: simdnet(relaxed, false, M, N, K, op),
        simplePlain: simdnet(plain, true, M, N, K, op),
        simpleRelaxed: simdnet(relaxed, true, M, N, K, op),
        tfjs: tfjs(tf, M, N, K, op),
        naive: naive(M, N, K, op),
      });
    }
  }

  const peak = ctx.peak ?? { plain: NaN, relaxed: NaN };
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
  const pct = (x: number, p: number) => (Number.isFinite(x / p) ? `${Math.round((100 * x) / p)}%` : "–");
  const ratio = (x: number, y: number) => (Number.isFinite(x / y) ? `${(x / y).toFixed(1)}×` : "–");
  const lines = [
    "| M×N×K | op | gemm plain | % of peak | gemm relaxed | % of peak | gemm_simple plain | gemm_simple relaxed | tfjs-wasm 1 thread | naive JS | relaxed ÷ tfjs | relaxed ÷ naive |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    `| peak (registers only) | mul+add, FMA | ${f(peak.plain)} | 100% | ${f(peak.relaxed)} | 100% | | | | | | |`,
    ...rows.map((r) =>
      `| ${r.shape} | ${r.op} | ${f(r.plain)} | ${pct(r.plain, peak.plain)} | ${f(r.relaxed)} | ${pct(r.relaxed, peak.relaxed)} ` +
      `| ${f(r.simplePlain)} | ${f(r.simpleRelaxed)} | ${f(r.tfjs)} | ${f(r.naive)} | ${ratio(r.relaxed, r.tfjs)} | ${ratio(r.relaxed, r.naive)} |`),
    "",
    `GFLOP/s (2·M·N·K flops per call), one thread, medians of 5-7 timed runs after warm-up; ${machine()}. ` +
      `"MLP" rows are dense-layer shapes: batch M, N outputs, K = 784 inputs (NT is x·Wᵀ with W stored out×in). ` +
      `Kernel modules: ${wasmSizes()}.`,
  ];
  ctx.json.gemm = rows;
  return lines;
}
