// ONNX export (issue 17 item 3), Node only (excluded from the browser project: it runs python3 and reads
// onnxruntime-web's wasm from node_modules). Each exported model runs in onnxruntime-web (wasm backend, one
// thread, nothing downloaded) against simdnet's own feedforward/predict, and passes onnx.checker when a
// python3 with the onnx package is on the machine.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as ort from "onnxruntime-web";
import { engine, RefRng } from "../helpers.js";
import { Network } from "../../src/network.js";
import { buildLayers } from "../../src/layers/registry.js";
import { parseArch } from "../../src/layers/arch.js";
import { Layer } from "../../src/layers/layer.js";
import { Pool2D } from "../../src/layers/pool2d.js";
import { Conv2D } from "../../src/layers/conv2d.js";
import { Activation } from "../../src/layers/activation.js";
import { Dense } from "../../src/layers/dense.js";
import { Perceptron } from "../../src/perceptron.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import { LanguageModel } from "../../src/rnn/lm.js";
import { SequenceGenerator } from "../../src/rnn/generator.js";
import { Vocab } from "../../src/rnn/text.js";
import { saveOnnx, type OnnxExportOptions } from "../../src/onnx/export.js";
import { onnxExportCommand } from "../../src/cli/onnx-export.js";
import { loadNetwork, saveModel } from "../../src/io/node.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { saveSequenceModel } from "../../src/rnn/node.js";

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = pathToFileURL(join(process.cwd(), "node_modules/onnxruntime-web/dist/")).href;

/**
 * Tolerance: |ours − ort| ≤ 1e-6 + 1e-5·|ours| (numpy's allclose). Both sides compute in f32 but sum in
 * different orders (our packed GEMM / im2col vs MLAS, with and without FMA), so the last bits differ;
 * 1e-5 relative is ~80 f32 ulps, and the absolute part covers outputs near 0 (softmax tails, tanh(≈0)).
 */
const RTOL = 1e-5;
const ATOL = 1e-6;

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, d / (ATOL + RTOL * Math.abs(expected[i])));
    if (!(d <= ATOL + RTOL * Math.abs(expected[i]))) expect.fail(`output ${i}: onnxruntime ${actual[i]}, simdnet ${expected[i]} (|diff| ${d})`);
  }
  return worst; // the largest error as a fraction of the allowed one
}

function uniform(seed: number, n: number, lo = 0, hi = 1): Float32Array {
  const r = new RefRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.uniform());
}

/** Runs the model in onnxruntime-web; returns the "output" tensor. */
async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "disabled" });
  try {
    expect(session.inputNames).toEqual(Object.keys(feeds));
    expect(session.outputNames).toEqual(["output"]);
    return (await session.run(feeds)).output;
  } finally {
    await session.release();
  }
}

/** A python3 that imports onnx (Debian's python3-onnx lives under /usr/bin/python3, which a pyenv shim may hide), or why not. */
const python = ((): { exe: string } | { reason: string } => {
  for (const exe of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(exe, ["-c", "import onnx"], { stdio: "ignore" });
      return { exe };
    } catch {
      // next candidate
    }
  }
  return { reason: "no python3 with the onnx package (apt install python3-onnx)" };
})();
const checkerSkip = "reason" in python ? python.reason : "";

/** onnx.checker.check_model with full_check (shape inference too); throws with the checker's message. */
async function onnxCheck(bytes: Uint8Array): Promise<void> {
  if (!("exe" in python)) return;
  const file = join(await mkdtemp(join(tmpdir(), "simdnet-onnx-")), "model.onnx");
  await writeFile(file, bytes);
  execFileSync(python.exe, ["-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", file], { stdio: "pipe" });
}

/** Exports net, runs it in onnxruntime for B examples, compares with feedforward and predict; returns the bytes. */
async function roundTrip(net: Network, B: number, seed: number, opts: OnnxExportOptions = {}, lo = 0, hi = 1): Promise<Uint8Array> {
  const bytes = saveOnnx(net, opts);
  const inShape = opts.inputShape ?? net.layers[0].inShape;
  const x = uniform(seed, B * net.inputSize, lo, hi);
  const out = await runOrt(bytes, { input: new ort.Tensor("float32", x, [B, ...inShape]) });
  expect(out.dims).toEqual([B, ...net.layers[net.layers.length - 1].outShape]);
  const worst = expectAllClose(out.data as Float32Array, net.feedforward(x));
  expect(worst).toBeLessThanOrEqual(1);
  const K = net.outputSize;
  const argmax = Array.from({ length: B }, (_, b) => {
    const row = Array.from((out.data as Float32Array).subarray(b * K, (b + 1) * K));
    return row.indexOf(Math.max(...row));
  });
  expect(argmax).toEqual(Array.from(net.predict(x)));
  return bytes;
}

const BOOK_CNN = "conv5x5x20:relu-pool2-conv5x5x40:relu-pool2-fc100:relu-softmax10";

describe("saveOnnx: networks in onnxruntime-web", () => {
  it("MLP (relu hidden, softmax output): Gemm + Relu + Softmax, dynamic batch 1 and 7", async () => {
    const net = new Network([37, 23, 19, 10], { engine: await engine(), activation: "relu", output: "softmax", init: "he", seed: 2 });
    const bytes = await roundTrip(net, 7, 11, {}, -1, 1);
    await roundTrip(net, 1, 12, {}, -1, 1);
    await onnxCheck(bytes);
  });

  it("the book's CNN from flat 784 inputs: Reshape, Conv, MaxPool, Relu, Flatten, Gemm, Softmax", async () => {
    const net = new Network(buildLayers(parseArch(BOOK_CNN), [784]), { engine: await engine(), seed: 3 });
    const bytes = await roundTrip(net, 5, 21, { inputShape: [784] });
    await onnxCheck(bytes);
    // without inputShape the input is the first layer's [1, 28, 28] and no Reshape is needed
    await roundTrip(net, 2, 22);
  });

  it("an L2-pooling conv net with strides, asymmetric 'same' padding, numeric padding, a non-tiling max-pool", async () => {
    const e = await engine();
    const specs = parseArch("conv4x4x4s2same:tanh-l2pool3s2-conv3x3x6p1:relu-l2pool2s1-fc10:tanh");
    const layers = buildLayers(specs, [2, 13, 13]);
    const c = layers[0] as Conv2D;
    expect([c.pad, c.outShape]).toEqual([1, [4, 7, 7]]); // 13 → 7 at stride 2: one zero before, two after
    // the arch's L2 net, and the same first stages with an overlapping max-pool (2×2 at stride 1) instead
    const net = new Network(layers, { engine: e, seed: 4 });
    const overlap = new Network([...layers.slice(0, 5), new Pool2D([6, 3, 3], { size: 2, stride: 1 }), new Dense(24, 5), new Activation("sigmoid", [5])], { engine: e, seed: 4 });
    await onnxCheck(await roundTrip(overlap, 2, 33, {}, -1, 1));
    const bytes = await roundTrip(net, 3, 31, {}, -1, 1);
    await onnxCheck(bytes);
    const odd = new Network([new Conv2D([1, 9, 9], { filters: 3, kernel: 2 }), new Pool2D([3, 8, 8], { size: 3, exact: false }), new Activation("relu", [3, 2, 2])], { engine: e, seed: 5 });
    await onnxCheck(await roundTrip(odd, 4, 32, {}, -1, 1));
  });

  it("a sigmoid net with dropout (left out at inference), also at opsets 11, 13 and 21 and a fixed batch", async () => {
    const net = new Network([30, 20, 15, 10], { engine: await engine(), dropout: 0.5, seed: 6 });
    expect(net.layers.map((l) => l.spec().type)).toContain("dropout");
    for (const opset of [11, 13, 17, 21]) {
      const bytes = await roundTrip(net, 4, 40 + opset, { opset });
      if (opset <= 17) await onnxCheck(bytes); // python3-onnx 1.12 knows opsets up to 17
    }
    await onnxCheck(await roundTrip(net, 6, 41, { batch: 6 }));
  });

  it("chapter 1's perceptron (step activation) as Greater + Cast", async () => {
    const nand = new Perceptron([-2, -2], 3, { engine: await engine() });
    const bytes = saveOnnx(nand.net);
    const x = Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
    const out = await runOrt(bytes, { input: new ort.Tensor("float32", x, [4, 2]) });
    expect(Array.from(out.data as Float32Array)).toEqual([1, 1, 1, 0]);
    expect(Array.from(out.data as Float32Array)).toEqual(nand.fire(x));
    await onnxCheck(bytes);
  });
});

describe("saveOnnx: the demo's trained CNN on real digits", () => {
  it("demo/public/models/cnn.simdnet in onnxruntime (default graph optimizations): the same 1,000 test predictions and accuracy", async () => {
    const { net } = await loadNetwork(join(process.cwd(), "demo/public/models/cnn.simdnet"), { engine: await engine() });
    const { test } = await loadEmbeddedMnist();
    const x = Float32Array.from(test.inputs, (v) => v / 255);
    const bytes = saveOnnx(net, { inputShape: [784] });
    await onnxCheck(bytes);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
    const out = (await session.run({ input: new ort.Tensor("float32", x, [test.n, 784]) })).output.data as Float32Array;
    await session.release();
    expectAllClose(out, net.feedforward(x));
    const pred = Array.from({ length: test.n }, (_, b) => {
      const row = Array.from(out.subarray(b * 10, (b + 1) * 10));
      return row.indexOf(Math.max(...row));
    });
    expect(pred).toEqual(Array.from(net.predict(x)));
    const correct = pred.filter((p, i) => p === test.labels![i]).length;
    expect(correct / test.n).toBeGreaterThan(0.97); // a trained model, so the comparison covers real, confident outputs
  });
});

describe("saveOnnx: sequence classifiers in onnxruntime-web", () => {
  for (const [activation, hidden] of [["tanh", [9, 6]], ["relu", [8]]] as const) {
    it(`${activation} RNN, hidden [${hidden.join(", ")}]: Transpose, RNN, Reshape, Gemm, Softmax`, async () => {
      const m = new SequenceClassifier({ engine: await engine(), inputs: 5, steps: 7, hidden: [...hidden], classes: 4, activation, seed: 7 });
      const B = 3;
      const x = uniform(50, B * 7 * 5, -1, 1);
      for (const opset of [11, 17, 21]) {
        const bytes = saveOnnx(m, { opset });
        const out = await runOrt(bytes, { input: new ort.Tensor("float32", x, [B, 7, 5]) });
        expect(out.dims).toEqual([B, 4]);
        expectAllClose(out.data as Float32Array, m.feedforward(x));
        if (opset <= 17) await onnxCheck(bytes);
      }
    });
  }

  it("lengths: zero-padded sequences through sequence_lens, as feedforward(inputs, lengths)", async () => {
    const m = new SequenceClassifier({ engine: await engine(), inputs: 3, steps: 6, hidden: [5, 4], classes: 3, seed: 8 });
    const lengths = [6, 1, 4, 3];
    const x = uniform(60, 4 * 6 * 3, -1, 1);
    lengths.forEach((len, b) => x.fill(0, (b * 6 + len) * 3, (b + 1) * 6 * 3));
    const bytes = saveOnnx(m, { lengths: true });
    const out = await runOrt(bytes, { input: new ort.Tensor("float32", x, [4, 6, 3]), lengths: new ort.Tensor("int32", Int32Array.from(lengths), [4]) });
    const ours = m.feedforward(x, lengths);
    expectAllClose(out.data as Float32Array, ours);
    // the lengths matter: the full-length forward differs for the shortened sequences
    expect(Array.from(m.feedforward(x).subarray(3, 6))).not.toEqual(Array.from(ours.subarray(3, 6)));
    await onnxCheck(bytes);
  });
});

describe("saveOnnx: language models in onnxruntime-web", () => {
  it("ids [N, T] → OneHot, RNN, MatMul, Softmax: the same loss as lossAndGradient, and the same greedy text as sample()", async () => {
    const vocab = Vocab.fromTexts(["abc", "bead", "cab", "deed", "face"]);
    const m = new LanguageModel({ engine: await engine(), vocab: [...vocab.chars], hidden: [12, 10], steps: 16, seed: 16 }); // seed 16: greedy text "becffebeff", not one repeated letter
    const bytes = saveOnnx(m);
    await onnxCheck(bytes);
    // three sequences of 6 ids (boundary, characters, padding 0 at the end of the short ones)
    const seqs = [[1, ...vocab.encode("bead"), 1], [1, ...vocab.encode("cab"), 1, 0], [1, ...vocab.encode("fa"), 0, 0, 0]];
    const B = seqs.length, L = 5;
    const out = await runOrt(bytes, { input: new ort.Tensor("int64", BigInt64Array.from(seqs.flatMap((q) => q.slice(0, L)), BigInt), [B, L]) });
    expect(out.dims).toEqual([B, L, m.V]);
    const p = out.data as Float32Array;
    let nll = 0;
    seqs.forEach((q, b) => q.slice(1).forEach((target, t) => {
      if (target !== 0) nll -= Math.log(p[(b * L + t) * m.V + target]);
    }));
    const loss = m.lossAndGradient(seqs.flat(), B); // Σ −log p over real tokens / B ("sum" step loss)
    expect(Math.abs(nll / B - loss)).toBeLessThanOrEqual(1e-5 * loss);
    // opset 11 (Softmax then flattens to 2-D from its axis: the same rows) gives the same probabilities
    const input11 = new ort.Tensor("int64", BigInt64Array.from(seqs.flatMap((q) => q.slice(0, L)), BigInt), [B, L]);
    const bytes11 = saveOnnx(m, { opset: 11 });
    await onnxCheck(bytes11);
    expectAllClose((await runOrt(bytes11, { input: input11 })).data as Float32Array, p);
    // greedy generation outside the graph: rerun the growing prefix, take the most likely id ≥ 1
    const ids = [1, ...vocab.encode("be")];
    for (let i = 0; i < 8; i++) {
      const r = (await runOrt(bytes, { input: new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]) })).data as Float32Array;
      const last = Array.from(r.subarray((ids.length - 1) * m.V, ids.length * m.V));
      ids.push(last.indexOf(Math.max(...last.slice(1)), 1));
    }
    expect("be" + vocab.decode(ids.slice(3))).toBe(m.sample({ start: "be", length: 8, temperature: 0 }));
  });
});

describe("saveOnnx: bad input", () => {
  it("names what cannot be exported and why", async () => {
    const e = await engine();
    class Mystery extends Layer {
      constructor() {
        super([4], [4]);
      }
      allocate(): void {}
      forward(inp: number): number {
        return inp;
      }
      backward(): number {
        return 0;
      }
      spec() {
        return { type: "mystery" };
      }
    }
    const net = new Network([new Dense(3, 4), new Mystery()], { engine: e });
    expect(() => saveOnnx(net)).toThrow(/layer 1 \(Mystery, spec \{"type":"mystery"\}\) has no ONNX mapping; exportable layers: Dense, Conv2D, Pool2D/);
    const gen = new SequenceGenerator({ engine: e, conditions: 3, outputs: 4, steps: 2, hidden: 5 });
    expect(() => saveOnnx(gen)).toThrow(/SequenceGenerator \(one-to-many\) has no ONNX export yet: its decoder starts from states/);
    expect(() => saveOnnx(new LanguageModel({ engine: e, vocab: 6, hidden: 4, steps: 3 }), { lengths: true })).toThrow(/not options for a LanguageModel/);
    const mlp = new Network([4, 3], { engine: e });
    expect(() => saveOnnx(mlp, { opset: 9 })).toThrow(/opset 9 is not supported; choose 11\.\.21/);
    expect(() => saveOnnx(mlp, { batch: 0 })).toThrow(/batch must be "dynamic" or a positive integer, got 0/);
    expect(() => saveOnnx(mlp, { inputShape: [5] })).toThrow(/inputShape \[5\] must be positive integers holding the network's 4 inputs/);
    expect(() => saveOnnx(mlp, { lengths: true })).toThrow(/lengths is an option for sequence classifiers/);
    expect(() => saveOnnx({} as Network)).toThrow(/expected a Network, a SequenceClassifier or a LanguageModel, got Object/);
    expect(() => saveOnnx(null as unknown as Network)).toThrow(/expected a Network, a SequenceClassifier or a LanguageModel, got null/);
    const p = mlp.getParams();
    p[2] = NaN;
    mlp.setParams(p);
    expect(() => saveOnnx(mlp)).toThrow(/layers\.0\.weight holds NaN at index 2; the model's weights must be finite/);
  });
});

describe("simdnet onnx export (CLI)", () => {
  const quiet = () => {};
  it("exports a saved conv net with a flat [784] input (--input-shape), and a sequence classifier with --lengths", async () => {
    const e = await engine();
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnx-cli-"));
    const net = new Network(buildLayers(parseArch("conv5x5x4:relu-pool2-fc10:sigmoid"), [784]), { engine: e, seed: 12 });
    await saveModel(net, join(dir, "cnn.simdnet"));
    const line = await onnxExportCommand(["--model", join(dir, "cnn.simdnet"), "--out", join(dir, "cnn.onnx"), "--opset", "13", "--input-shape", "784"], quiet);
    expect(line).toMatch(/cnn\.simdnet → .*cnn\.onnx: network of 5 layers, opset 13, [\d,]+ bytes/);
    const x = uniform(80, 3 * 784);
    const out = await runOrt(await readFile(join(dir, "cnn.onnx")), { input: new ort.Tensor("float32", x, [3, 784]) });
    expectAllClose(out.data as Float32Array, net.feedforward(x));

    const m = new SequenceClassifier({ engine: e, inputs: 4, steps: 5, hidden: 6, classes: 3, seed: 13 });
    await saveSequenceModel(m, join(dir, "rnn.simdnet"));
    await onnxExportCommand(["--model", join(dir, "rnn.simdnet"), "--out", join(dir, "rnn.onnx"), "--lengths", "--batch", "2"], quiet);
    const xs = uniform(81, 2 * 5 * 4, -1, 1).fill(0, 5 * 4 + 2 * 4);
    const rnnOut = await runOrt(await readFile(join(dir, "rnn.onnx")), { input: new ort.Tensor("float32", xs, [2, 5, 4]), lengths: new ort.Tensor("int32", Int32Array.from([5, 2]), [2]) });
    expectAllClose(rnnOut.data as Float32Array, m.feedforward(xs, [5, 2]));
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("checks the output path before reading the model, and names bad flags", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnx-cli-"));
    const missing = join(dir, "no-such-model.simdnet");
    await expect(onnxExportCommand(["--model", missing, "--out", join(dir, "nope", "m.onnx")], quiet)).rejects.toThrow(/cannot write .*m\.onnx: the folder .*nope does not exist/);
    await expect(onnxExportCommand(["--model", missing, "--out", dir], quiet)).rejects.toThrow(/--out .* is a directory/);
    await expect(onnxExportCommand(["--model", missing, "--out", missing], quiet)).rejects.toThrow(/is the model file itself/);
    await expect(onnxExportCommand(["--model", missing, "--out", join(dir, "m.onnx")], quiet)).rejects.toThrow(/cannot read model file .*no-such-model\.simdnet/);
    await expect(onnxExportCommand(["--out", join(dir, "m.onnx")], quiet)).rejects.toThrow(/needs --model FILE/);
    await expect(onnxExportCommand(["--model", missing, "--out", join(dir, "m.onnx"), "--opset", "x"], quiet)).rejects.toThrow(/--opset must be a positive integer, got "x"/);
    await expect(onnxExportCommand(["--model", missing, "--out", join(dir, "m.onnx"), "--input-shape", "1by28"], quiet)).rejects.toThrow(/--input-shape must look like 784 or 1x28x28/);
    await expect(onnxExportCommand(["--model", missing, "--frob"], quiet)).rejects.toThrow(/Unknown option '--frob'/);
    const net = new Network([4, 3], { engine: await engine() });
    await saveModel(net, join(dir, "mlp.simdnet"));
    await expect(onnxExportCommand(["--model", join(dir, "mlp.simdnet"), "--out", join(dir, "m.onnx"), "--opset", "22"], quiet)).rejects.toThrow(/opset 22 is not supported; choose 11\.\.21 \(file: .*mlp\.simdnet\)/);
    expect(await readdir(dir)).toEqual(["mlp.simdnet"]);
  });

  it("the command: `simdnet onnx export` exits 0 and writes the file; an unknown subcommand exits 2 with one line", async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnx-cli-"));
    await saveModel(new Network([6, 4, 2], { engine: await engine() }), join(dir, "a.simdnet"));
    const ok = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "onnx", "export", "--model", join(dir, "a.simdnet"), "--out", join(dir, "a.onnx")]);
    expect(ok.stdout).toMatch(/a\.onnx: network of 4 layers, opset 17/);
    await onnxCheck(await readFile(join(dir, "a.onnx")));
    const err = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "onnx", "frob"]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toMatch(/^simdnet: simdnet onnx: unknown subcommand "frob"; expected: simdnet onnx inspect M\.onnx \| run --model M\.onnx --input x\.json \| export --model M\.simdnet --out M\.onnx$/);
  });
});

describe.skipIf(checkerSkip !== "")(`onnx.checker${checkerSkip ? ` (skipped: ${checkerSkip})` : ""}`, () => {
  it("rejects a broken model, so a passing check means something", async () => {
    const bytes = saveOnnx(new Network([4, 3], { engine: await engine() }));
    // cut the last bytes off (the opset import), as a truncated file would be
    await expect(onnxCheck(bytes.subarray(0, bytes.length - 12))).rejects.toThrow();
  });
});

// Re-import (issue 17 item 3's second check) needs the ONNX reader from the `onnx` branch: the first
// src/onnx/*.ts that exports `loadOnnx` (src/onnx/entry.ts: the "simdnet/onnx" entry, here on the given engine).
const importer = (() => {
  const dir = join(process.cwd(), "src/onnx");
  for (const f of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".ts")).sort() : []) {
    if (/export\s+(async\s+)?function\s+loadOnnx\b|export\s+const\s+loadOnnx\b|export\s*\{[^}]*\bloadOnnx\b/.test(readFileSync(join(dir, f), "utf8"))) return join("src/onnx", f);
  }
  return "";
})();
describe.skipIf(!importer)(`re-import of exported models${importer ? "" : " (skipped: no src/onnx/*.ts exports loadOnnx on this branch yet)"}`, () => {
  it("loadOnnx(saveOnnx(net)) gives the same outputs as net (MLP and the book's CNN)", async () => {
    const { loadOnnx } = (await import(/* @vite-ignore */ pathToFileURL(join(process.cwd(), importer)).href)) as { loadOnnx: (b: Uint8Array, o?: unknown) => Promise<unknown> };
    const e = await engine();
    for (const [net, opts] of [
      [new Network([20, 12, 10], { engine: e, output: "softmax", seed: 9 }), {}],
      [new Network(buildLayers(parseArch(BOOK_CNN), [784]), { engine: e, seed: 10 }), { inputShape: [784] }],
    ] as const) {
      const x = uniform(70, 2 * net.inputSize);
      type Run = { run: (x: { shape: number[]; data: Float32Array }) => Record<string, { data: Float32Array }> };
      const model = (await loadOnnx(saveOnnx(net, opts), { engine: e })) as Run; // importer API (src/onnx/model.ts)
      expectAllClose(Object.values(model.run({ shape: [2, net.inputSize], data: x }))[0].data, net.feedforward(x)); // importer API
    }
  });
});
