/**
 * `npm run bench -- onnx`: ONNX models run by simdnet's importer and by onnxruntime-web (its wasm
 * backend, SIMD, the devDependency), side by side. Each configuration — simdnet and onnxruntime-web on
 * 1 and on 2 threads — runs in a child process of its own (onnxruntime fixes its thread count once per
 * process), and the configurations take turns in interleaved rounds, so each row's medians and ranges
 * come from the same minutes. Models: the committed fixtures (test/fixtures/onnx: the book's CNN on
 * 28×28 digits, a MobileNetV2-style net on 3×16×16, a ResNet-style net on 3×12×12, a GRU classifier on
 * 7 steps of 6 values) at batch 1 and 64; and the load time of a 1 MB model (a [784, 320, 10] MLP).
 * `node --import tsx bench/onnx.ts [rounds]` runs it alone.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createEngine } from "../src/wasm/engine.js";
import { loadOnnx } from "../src/onnx/model.js";
import { saveOnnx } from "../src/onnx/export.js";
import { Network } from "../src/network.js";
import { machine, median, type BenchContext } from "./lib.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(root, "test/fixtures/onnx", name, "model.onnx")));

/** The benchmarked models: fixture directory, per-example input shape, batch sizes. */
const MODELS = [
  { name: "book CNN", dir: "book_cnn", shape: [1, 28, 28], batches: [1, 64] },
  { name: "MobileNetV2-style", dir: "mobilenetv2", shape: [3, 16, 16], batches: [1, 64] },
  { name: "ResNet-style", dir: "resnet", shape: [3, 12, 12], batches: [1, 64] },
  { name: "GRU classifier", dir: "gru", shape: [7, 6], batches: [1, 64] },
];
const CONFIGS = ["simdnet 1", "ort-web 1", "simdnet 2", "ort-web 2"] as const;
type Config = (typeof CONFIGS)[number];

/** Deterministic inputs in [-1, 1) (an LCG: the values do not matter, only that both sides get the same). */
function inputs(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) x[i] = ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1;
  return x;
}

/** Median milliseconds per call of an async or sync fn: warm-up first, then samples of ≥ 20 ms each. */
async function msPerCall(fn: () => unknown): Promise<number> {
  let calls = 0;
  const t0 = performance.now();
  do {
    await fn();
    calls++;
  } while (performance.now() - t0 < 150 || calls < 3);
  const reps = Math.max(1, Math.ceil(20 / ((performance.now() - t0) / calls)));
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    times.push((performance.now() - t) / reps);
  }
  return median(times);
}

/** One configuration's figures: ms per call by "model@batch", and the 1 MB model's load time (simdnet only). */
async function child(config: Config): Promise<Record<string, number>> {
  const threads = Number(config.slice(-1));
  const out: Record<string, number> = {};
  if (config.startsWith("simdnet")) {
    const engine = await createEngine({ threads });
    for (const m of MODELS) {
      const bytes = fixture(m.dir);
      for (const B of m.batches) {
        const shape = [B, ...m.shape];
        const model = await loadOnnx(bytes, { engine, inputShape: shape });
        const x = { shape, data: inputs(shape.reduce((a, b) => a * b, 1)) };
        out[`${m.name}@${B}`] = await msPerCall(() => model.run(x));
      }
    }
    if (threads === 1) {
      const mb = saveOnnx(new Network([784, 320, 10], { seed: 1, engine }));
      const loads: number[] = [];
      for (let k = 0; k < 15; k++) {
        const e = await createEngine();
        const t = performance.now();
        await loadOnnx(mb, { engine: e });
        loads.push(performance.now() - t);
      }
      out["load 1 MB"] = median(loads.slice(3));
      out["load bytes"] = mb.length;
    }
  } else {
    const ort = await import("onnxruntime-web");
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.wasmPaths = pathToFileURL(join(root, "node_modules/onnxruntime-web/dist/")).href;
    for (const m of MODELS) {
      const bytes = fixture(m.dir);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      for (const B of m.batches) {
        const shape = [B, ...m.shape];
        const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", inputs(shape.reduce((a, b) => a * b, 1)), shape) };
        out[`${m.name}@${B}`] = await msPerCall(() => session.run(feeds));
      }
      await session.release();
    }
  }
  return out;
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const range = (xs: number[]): string => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

/** The section: interleaved rounds of the four configurations, then one table. */
export async function onnxSection(ctx: BenchContext, rounds = 3): Promise<string[]> {
  const runs: Record<Config, Record<string, number>[]> = { "simdnet 1": [], "ort-web 1": [], "simdnet 2": [], "ort-web 2": [] };
  for (let r = 0; r < rounds; r++) {
    for (const c of CONFIGS) {
      const p = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", c], { cwd: root, encoding: "utf8" });
      if (p.status !== 0) throw new Error(`bench onnx: the "${c}" child failed:\n${p.stderr}`);
      runs[c].push(JSON.parse(p.stdout.trim().split("\n").at(-1)!));
    }
  }
  const keys = Object.keys(runs["simdnet 1"][0]).filter((k) => k.includes("@"));
  const med = (c: Config, k: string) => median(runs[c].map((r) => r[k]));
  const lines = [
    `**ONNX inference, simdnet vs onnxruntime-web ${JSON.parse(readFileSync(join(root, "node_modules/onnxruntime-web/package.json"), "utf8")).version} (wasm, SIMD)** — ${machine()}; ${cpus().length} cores;`,
    `ms per batch, medians of ${rounds} interleaved rounds (each a median of 7 samples), ranges over rounds; ratio = ort-web ms / simdnet ms.`,
    "",
    "| model @ batch | simdnet 1 thr | ort-web 1 thr | ratio 1 thr | simdnet 2 thr | ort-web 2 thr | ratio 2 thr |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const k of keys) {
    const cell = (c: Config) => `${fmt(med(c, k))} (${range(runs[c].map((r) => r[k]))})`;
    lines.push(`| ${k.replace("@", " @ ")} | ${cell("simdnet 1")} | ${cell("ort-web 1")} | ${(med("ort-web 1", k) / med("simdnet 1", k)).toFixed(2)}× | ` +
      `${cell("simdnet 2")} | ${cell("ort-web 2")} | ${(med("ort-web 2", k) / med("simdnet 2", k)).toFixed(2)}× |`);
  }
  const loads = runs["simdnet 1"].map((r) => r["load 1 MB"]);
  lines.push("", `Load of a ${(runs["simdnet 1"][0]["load bytes"] / 1e6).toFixed(2)} MB model (decode, check, plan; fresh engine): ${fmt(median(loads))} ms (${range(loads)}).`);
  ctx.json.onnx = runs;
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--child");
  if (at >= 0) {
    console.log(JSON.stringify(await child(process.argv[at + 1] as Config)));
  } else {
    const ctx: BenchContext = { json: {} };
    console.log((await onnxSection(ctx, Number(process.argv[2] ?? 3))).join("\n"));
  }
}
