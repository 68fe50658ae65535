/**
 * Fully connected networks, side by side in one run: simdnet's training loop and inference against
 * tfjs (wasm backend, one thread, SIMD) running the same loop, and a straightforward Float32Array
 * implementation. Medians of several timed runs after warm-up. Uses the full MNIST when it is beside
 * the checkout (../shared/data/mnist), else the embedded digits.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import { Network } from "../src/network.js";
import { Trainer } from "../src/train/trainer.js";
import { subset } from "../src/data/split.js";
import type { DataSet } from "../src/data/dataset.js";
import { benchDigits, timeIt as timeMs } from "./lib.js";

/** Median wall-clock milliseconds of fn over `runs` timed calls after `warm` untimed ones. */
const timeIt = (fn: () => void, runs = 5, warm = 1): number => timeMs(fn, runs, warm).wall;

interface Case {
  name: string;
  sizes: number[];
  softmax: boolean;
  m: number;
}

const CASES: Case[] = [
  { name: "[784,30,10] sigmoid, quadratic, m=10", sizes: [784, 30, 10], softmax: false, m: 10 },
  { name: "[784,100,10] softmax, m=10", sizes: [784, 100, 10], softmax: true, m: 10 },
  { name: "[784,100,10] softmax, m=64", sizes: [784, 100, 10], softmax: true, m: 64 },
];

/** simdnet: examples/s of the real trainer over `n` examples (one epoch of the subset). */
function simdnetTrain(e: Engine, c: Case, data: DataSet): number {
  const net = new Network(c.sizes, { engine: e, output: c.softmax ? "softmax" : "sigmoid", cost: c.softmax ? "log-likelihood" : "quadratic", seed: 1 });
  const t = new Trainer(net, data, { epochs: 1000, batchSize: c.m, eta: 0.1 });
  return data.n / (timeIt(() => t.runEpoch()) / 1000);
}

/** A straightforward batch-major Float32Array implementation (naive loops, no SIMD, no blocking). */
function naiveTrain(c: Case, data: DataSet): number {
  const [I, H, O] = c.sizes;
  const W1 = new Float32Array(H * I).map((_, i) => Math.sin(i) * 0.05);
  const W2 = new Float32Array(O * H).map((_, i) => Math.cos(i) * 0.1);
  const b1 = new Float32Array(H);
  const b2 = new Float32Array(O);
  const m = c.m;
  const x = new Float32Array(m * I);
  const h = new Float32Array(m * H);
  const o = new Float32Array(m * O);
  const dO = new Float32Array(m * O);
  const dH = new Float32Array(m * H);
  const n = Math.min(data.n, 5000);
  const epoch = () => {
    for (let s = 0; s + m <= n; s += m) {
      for (let i = 0; i < m * I; i++) x[i] = data.inputs[s * I + i] / 255;
      for (let b = 0; b < m; b++) for (let j = 0; j < H; j++) {
        let z = b1[j];
        for (let k = 0; k < I; k++) z += W1[j * I + k] * x[b * I + k];
        h[b * H + j] = 1 / (1 + Math.exp(-z));
      }
      for (let b = 0; b < m; b++) for (let j = 0; j < O; j++) {
        let z = b2[j];
        for (let k = 0; k < H; k++) z += W2[j * H + k] * h[b * H + k];
        o[b * O + j] = 1 / (1 + Math.exp(-z));
        const y = data.labels![s + b] === j ? 1 : 0;
        dO[b * O + j] = ((o[b * O + j] - y) * o[b * O + j] * (1 - o[b * O + j])) / m;
      }
      dH.fill(0);
      for (let b = 0; b < m; b++) for (let j = 0; j < O; j++) {
        const d = dO[b * O + j];
        for (let k = 0; k < H; k++) { dH[b * H + k] += d * W2[j * H + k]; W2[j * H + k] -= 0.1 * d * h[b * H + k]; }
        b2[j] -= 0.1 * d;
      }
      for (let b = 0; b < m; b++) for (let j = 0; j < H; j++) {
        const d = dH[b * H + j] * h[b * H + j] * (1 - h[b * H + j]);
        for (let k = 0; k < I; k++) W1[j * I + k] -= 0.1 * d * x[b * I + k];
        b1[j] -= 0.1 * d;
      }
    }
  };
  return n / (timeIt(epoch, 3) / 1000);
}

type Tf = typeof import("@tensorflow/tfjs-core");

async function loadTf(): Promise<Tf | null> {
  try {
    // CommonJS builds: tfjs-core's ESM build cannot import its gradient registrations under Node.
    const require = createRequire(import.meta.url);
    const tf = require("@tensorflow/tfjs-core") as Tf;
    require("@tensorflow/tfjs-core/dist/register_all_gradients");
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "/"));
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    await tf.setBackend("wasm");
    await tf.ready();
    return tf;
  } catch (err) {
    console.error(`tfjs-backend-wasm unavailable: ${String(err)}`);
    return null;
  }
}

/** tfjs (wasm backend): the same mini-batch loop with optimizer.minimize on pre-built batch tensors. */
function tfTrain(tf: Tf, c: Case, data: DataSet): number {
  const [I, H, O] = c.sizes;
  const W1 = tf.variable(tf.randomNormal([I, H], 0, 1 / Math.sqrt(I)));
  const b1 = tf.variable(tf.zeros([H]));
  const W2 = tf.variable(tf.randomNormal([H, O], 0, 1 / Math.sqrt(H)));
  const b2 = tf.variable(tf.zeros([O]));
  const opt = tf.train.sgd(0.1);
  const n = Math.min(data.n, 10000);
  const batches: { x: import("@tensorflow/tfjs-core").Tensor2D; y: import("@tensorflow/tfjs-core").Tensor2D }[] = [];
  for (let s = 0; s + c.m <= n; s += c.m) {
    const xs = Float32Array.from(data.inputs.subarray(s * I, (s + c.m) * I), (v) => v / 255);
    const ys = new Float32Array(c.m * O);
    for (let b = 0; b < c.m; b++) ys[b * O + data.labels![s + b]] = 1;
    batches.push({ x: tf.tensor2d(xs, [c.m, I]), y: tf.tensor2d(ys, [c.m, O]) });
  }
  const epoch = () => {
    for (const { x, y } of batches) {
      opt.minimize(() => {
        const h = tf.sigmoid(tf.add(tf.matMul(x, W1), b1));
        const z = tf.add(tf.matMul(h, W2), b2);
        return c.softmax ? tf.losses.softmaxCrossEntropy(y, z) : tf.losses.meanSquaredError(y, tf.sigmoid(z));
      });
    }
  };
  const ms = timeIt(epoch, 3);
  batches.forEach((b) => tf.dispose([b.x, b.y]));
  tf.dispose([W1, b1, W2, b2]);
  return (batches.length * c.m) / (ms / 1000);
}

/** Inference of [784,100,10]: µs per image at batch 1 and images/s at batch 256. */
function simdnetInfer(e: Engine, data: DataSet): { us1: number; perSec256: number } {
  const net = new Network([784, 100, 10], { engine: e, output: "softmax", seed: 1 });
  net.prepare(256);
  const x1 = Float32Array.from(data.inputs.subarray(0, 784), (v) => v / 255);
  const reps = 2000;
  const us1 = (timeIt(() => { for (let i = 0; i < reps; i++) net.feedforward(x1); }) * 1000) / reps;
  const x256 = Float32Array.from(data.inputs.subarray(0, 256 * 784), (v) => v / 255);
  const perSec256 = (256 * 50) / (timeIt(() => { for (let i = 0; i < 50; i++) net.feedforward(x256); }) / 1000);
  return { us1, perSec256 };
}

function tfInfer(tf: Tf, data: DataSet): { us1: number; perSec256: number } {
  const W1 = tf.randomNormal([784, 100]);
  const W2 = tf.randomNormal([100, 10]);
  const b1 = tf.zeros([100]);
  const b2 = tf.zeros([10]);
  const run = (xs: Float32Array, B: number) => tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(tf.tensor2d(xs, [B, 784]), W1), b1)), W2), b2)).dataSync());
  const x1 = Float32Array.from(data.inputs.subarray(0, 784), (v) => v / 255);
  const x256 = Float32Array.from(data.inputs.subarray(0, 256 * 784), (v) => v / 255);
  const us1 = (timeIt(() => { for (let i = 0; i < 500; i++) run(x1, 1); }) * 1000) / 500;
  const perSec256 = (256 * 20) / (timeIt(() => { for (let i = 0; i < 20; i++) run(x256, 256); }) / 1000);
  tf.dispose([W1, W2, b1, b2]);
  return { us1, perSec256 };
}

/** Runs the section; returns Markdown lines. */
export async function mlpSection(): Promise<string[]> {
  const { training: data, source } = await benchDigits();
  const train20k = subset(data, Array.from({ length: Math.min(20000, data.n) }, (_, i) => i));
  const tf = await loadTf();
  const lines = [
    `### Fully connected training (examples/s, median of 5 epochs over ${train20k.n.toLocaleString("en-US")} ${source} digits)`,
    "",
    "| network | simdnet relaxed | simdnet plain | tfjs-wasm (1 thread) | naive JS | × tfjs | × naive |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  const relaxed = await createEngine({ variant: "relaxed" });
  const plain = await createEngine({ variant: "plain" });
  const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
  for (const c of CASES) {
    const r = simdnetTrain(relaxed, c, train20k);
    const p = simdnetTrain(plain, c, train20k);
    const t = tf ? tfTrain(tf, c, train20k) : NaN;
    const nv = naiveTrain(c, train20k);
    lines.push(`| ${c.name} | ${fmt(r)} | ${fmt(p)} | ${fmt(t)} | ${fmt(nv)} | ${(r / t).toFixed(1)}× | ${(r / nv).toFixed(1)}× |`);
  }
  const si = simdnetInfer(relaxed, data);
  const ti = tf ? tfInfer(tf, data) : { us1: NaN, perSec256: NaN };
  lines.push("", "### Inference of [784,100,10]", "", "| | simdnet relaxed | tfjs-wasm (1 thread) | ratio |", "|---|---:|---:|---:|");
  lines.push(`| batch 1, µs per image | ${si.us1.toFixed(1)} | ${ti.us1.toFixed(1)} | ${(ti.us1 / si.us1).toFixed(1)}× |`);
  lines.push(`| batch 256, images/s | ${fmt(si.perSec256)} | ${fmt(ti.perSec256)} | ${(si.perSec256 / ti.perSec256).toFixed(1)}× |`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mlpSection().then((l) => console.log(l.join("\n")));
}
