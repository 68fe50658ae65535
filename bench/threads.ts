/**
 * `npm run bench -- threads`: the threads column of issue 7. The same workloads on the single-threaded
 * engine and on `createEngine({ threads: 2 })` (shared memory, the threads build, one worker): GEMM
 * 1024³ and the crossover sweep behind MIN_SPLIT_FLOPS (src/wasm/parallel.ts), MLP training, and the
 * chapter 6 CNN's training (m=64) and batched inference (b=256). Relaxed SIMD. Each cell: wall clock
 * and this process's CPU time (all its threads), medians; 1- and 2-thread runs are interleaved so that
 * a neighbour's load hits both alike. On a shared machine the wall figures are what the split bought
 * only when a second core was actually free. The CPU column counts the worker's polling too (it spins
 * up to 1 ms after each task before it sleeps), so a 2-thread CPU figure above the 1-thread one is no
 * sign of a free split.
 */
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { splitPolicy } from "../src/wasm/parallel.js";
import { Network } from "../src/network.js";
import { Trainer } from "../src/train/trainer.js";
import { SequenceClassifier } from "../src/rnn/classifier.js";
import { head } from "../src/data/dataset.js";
import { CNN_ARCH, cnn } from "./cnn.js";
import { values } from "./gemm.js";
import { benchDigits, interleaved as interleavedRuns, machine, perSec, type BenchContext, type Ms } from "./lib.js";

const THREADS = [1, 2] as const;
const RUNS = 7;

/** Medians (wall, CPU ms) per engine of fn, the engines' runs interleaved, after one warm-up each. */
const interleaved = (fns: (() => void)[], runs = RUNS): Ms[] => interleavedRuns(fns, runs);

/** GEMM GFLOP/s (wall, CPU) per engine for C = A B, repeated to ~0.2 GFLOP per timed run. */
function gemmRate(es: Engine[], M: number, N: number, K: number, tA = 0, tB = 0): Ms[] {
  const flops = 2 * M * N * K, reps = Math.max(1, Math.round(2e8 / flops));
  const fns = es.map((e) => {
    const a = e.allocFrom(values(M * K, 1)), b = e.allocFrom(values(K * N, 2)), c = e.alloc(M * N);
    return () => { for (let r = 0; r < reps; r++) e.k.gemm(c, a, b, e.gemmScratch, M, N, K, tA, tB, 1, 0); };
  });
  return interleaved(fns).map((t) => ({ wall: (reps * flops) / t.wall / 1e6, cpu: (reps * flops) / t.cpu / 1e6 }));
}

const fmt = (v: number, d = 0) => v.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const cell = (v: Ms, d = 0) => `${fmt(v.wall, d)} / ${fmt(v.cpu, d)}`;
const ratio = (a: Ms, b: Ms) => `${(b.wall / a.wall).toFixed(2)}×`;

/** Runs the section; returns Markdown lines. */
export async function threadsSection(ctx: BenchContext): Promise<string[]> {
  const es = await Promise.all(THREADS.map((threads) => createEngine({ variant: "relaxed", threads })));
  const rows: string[] = [];
  const json: Record<string, Ms[]> = {};
  const row = (name: string, v: Ms[], d = 0) => {
    json[name] = v;
    rows.push(`| ${name} | ${cell(v[0], d)} | ${cell(v[1], d)} | ${ratio(v[0], v[1])} |`);
  };
  const marks = es.map((e) => e.mark());
  // one dispatch + barrier: both threads fill 4 floats
  const tiny = es[1].alloc(8), pool = es[1].pool!;
  const trip = () => { for (let i = 0; i < 1000; i++) pool.run([{ fn: "fill", args: [tiny, 4, 0] }, { fn: "fill", args: [tiny + 16, 4, 0] }]); };
  const [rt] = interleaved([trip]);
  json.roundTripUs = [{ wall: rt.wall, cpu: rt.cpu }];
  rows.push(`| dispatch + barrier round trip (2 threads, empty work), µs | | ${fmt(rt.wall, 1)} / ${fmt(rt.cpu, 1)} | |`);
  row("GEMM 1024³, GFLOP/s", gemmRate(es, 1024, 1024, 1024), 1);
  // the crossover behind MIN_SPLIT_FLOPS: every size split (threshold 0), so the 2-thread column shows
  // what a split buys or costs at that size
  const minFlops = splitPolicy.minFlops;
  splitPolicy.minFlops = 0;
  try {
    for (const [M, N, K] of [[32, 32, 32], [64, 64, 64], [64, 100, 64], [96, 96, 96], [100, 64, 200], [128, 128, 128], [64, 100, 784], [100, 784, 64], [256, 256, 256]]) {
      row(`GEMM ${M}×${N}×${K} (${fmt((2 * M * N * K) / 1e6, 2)} MFLOP, always split), GFLOP/s`, gemmRate(es, M, N, K), 1);
    }
  } finally {
    splitPolicy.minFlops = minFlops;
  }
  es.forEach((e, i) => e.release(marks[i]));

  const { training: data, source } = await benchDigits();
  const train = head(data, 1280);
  const scale = data.inputs instanceof Uint8Array ? (data.scale ?? 1 / 255) : 1;
  const x256 = Float32Array.from(data.inputs.subarray(0, 256 * 784), (v) => v * scale);

  const mlp = es.map((e) => new Trainer(new Network([784, 100, 10], { engine: e, seed: 1, activation: "relu", output: "softmax" }), train, { epochs: 1000, batchSize: 64, eta: 0.1 }));
  row("MLP [784,100,10] training m=64, examples/s", interleaved(mlp.map((t) => () => t.runEpoch())).map((t) => perSec(train.n, t)));
  const cnnTrain = es.map((e) => new Trainer(cnn(e), train, { epochs: 1000, batchSize: 64, eta: 0.03 }));
  row("CNN training m=64, examples/s", interleaved(cnnTrain.map((t) => () => t.runEpoch()), 5).map((t) => perSec(train.n, t)));
  const rnn = es.map((e) => new Trainer(new SequenceClassifier({ engine: e, inputs: 28, steps: 28, hidden: 128, classes: 10, seed: 1 }), train,
    { epochs: 1000, batchSize: 64, eta: 0.02, momentum: 0.9, clipNorm: 1 }));
  row("RNN row-MNIST training m=64 (128 tanh units), sequences/s", interleaved(rnn.map((t) => () => t.runEpoch()), 5).map((t) => perSec(train.n, t)));
  const nets = es.map((e) => {
    const net = cnn(e);
    net.prepare(256);
    return net;
  });
  row("CNN inference b=256, images/s", interleaved(nets.map((net) => () => { for (let i = 0; i < 4; i++) net.predict(x256); })).map((t) => perSec(4 * 256, t)));
  es.forEach((e) => e.dispose());
  ctx.json.threads = json;
  return [
    "### Threads (issue 7): 1 vs 2 threads, relaxed SIMD",
    "",
    "Each cell: wall clock / process CPU time (CPU time sums both threads and counts the worker's polling, up to 1 ms after each task: a perfect split doubles the wall figure and keeps the CPU one at best).",
    "",
    "| measure | 1 thread | 2 threads | wall speed-up |",
    "|---|---:|---:|---:|",
    ...rows,
    "",
    `Training: the real Trainer over ${fmt(train.n)} ${source} digits per epoch (CNN: ${CNN_ARCH}, η = 0.03; ` +
      `MLP: ReLU + softmax, η = 0.1; RNN: the digits as 28 rows of 28, as \`bench -- rnn\`), medians of interleaved runs after a warm-up. ` +
      `The RNN's per-step GEMMs (64 × 128 × 128, 2 MFLOP) stay whole; only its all-steps products split. ${machine()}.`,
  ];
}
