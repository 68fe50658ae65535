// Node-only: loadModel (simdnet/node and simdnet/infer) and the CLI's eval/predict take ONNX files.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { readFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseFlags } from "../../src/cli/config.js";
import { loadData, train } from "../../src/cli/train.js";
import { loadModel, loadNetwork } from "../../src/io/node.js";
import { loadModel as loadInfer } from "../../src/infer.js";
import { loadModel as loadBoth } from "../../src/onnx/entry.js";
import { loadOnnxSync } from "../../src/onnx/model.js";
import { saveOnnx } from "../../src/onnx/export.js";
import { createEngine } from "../../src/wasm/engine.js";

const CNN = "test/fixtures/onnx/book_cnn/model.onnx";
const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args]);

/** The "predicted" column of `simdnet predict`'s table. */
function predicted(stdout: string): number[] {
  return stdout.trim().split("\n").slice(1).map((line) => Number(line.trim().split(/\s+/)[2]));
}

describe("loadModel on ONNX files", () => {
  it("the book CNN (PyTorch export) loads through simdnet/node and simdnet/infer, agreeing with loadOnnx(...).run", async () => {
    const engine = await createEngine({ variant: "plain" });
    const input = JSON.parse(await readFile("test/fixtures/onnx/book_cnn/input.json", "utf8")) as { shape: number[]; data: number[] };
    const { net, header } = await loadModel(CNN, { engine });
    if (header.format !== "onnx") throw new Error("expected an ONNX header");
    expect(header.inputShape).toEqual([1, 28, 28]);
    expect(net.inputSize).toBe(784);
    expect(net.outputSize).toBe(10);
    const onnx = loadOnnxSync(new Uint8Array(await readFile(CNN)), engine);
    const ref = onnx.run({ shape: input.shape, data: input.data });
    const want = ref[onnx.outputs[0].name];
    expect(want.shape).toEqual([2, 10]);
    const got = net.feedforward(input.data);
    expect(Array.from(got)).toEqual(Array.from(want.data));
    expect(Array.from(net.feedforward(input.data))).toEqual(Array.from(got)); // deterministic
    const argmax = [0, 1].map((i) => Array.from(want.data.subarray(i * 10, i * 10 + 10)).reduce((b, v, c, a) => (v > a[b] ? c : b), 0));
    expect(Array.from(net.predict(input.data))).toEqual(argmax);
    // a batch beyond one chunk (300 > 256) matches example by example
    const many = Float32Array.from({ length: 300 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const all = net.feedforward(many);
    expect(all.length).toBe(3000);
    const one = net.feedforward(many.subarray(290 * 784, 291 * 784)); // batch-dependent summation order: ulps apart
    all.subarray(290 * 10, 291 * 10).forEach((v, c) => expect(Math.abs(v - one[c])).toBeLessThan(1e-6));
    expect(all.subarray(2990).some((v) => v === 0)).toBe(false); // the last partial chunk was written
    const viaEntry = await loadBoth(new Uint8Array(await readFile(CNN)), { variant: "plain" });
    expect(viaEntry.header.format).toBe("onnx");
    expect(Array.from(viaEntry.net.feedforward(input.data))).toEqual(Array.from(got));
    await expect(loadInfer(new Uint8Array(await readFile(CNN)), { variant: "plain" })).rejects.toThrow(/an ONNX model loads with loadModel or loadOnnx from "simdnet\/onnx"/);
  });

  it("a file that is neither format fails with one message naming both; a bad input length is a RangeError", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnxload-"));
    await writeFile(join(dir, "junk.bin"), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01]));
    await expect(loadModel(join(dir, "junk.bin"))).rejects.toThrow(/neither a simdnet model .* nor an ONNX ModelProto .*junk\.bin/);
    await expect(loadBoth(new Uint8Array([0xff, 0xff, 0xff]), { variant: "plain" })).rejects.toThrow(/neither a simdnet model .* nor an ONNX ModelProto/);
    const { net } = await loadModel(CNN, { engine: await createEngine({ variant: "plain" }) });
    expect(() => net.feedforward(new Float32Array(100))).toThrow(RangeError);
    expect(() => net.feedforward(new Float32Array(784).fill(NaN))).toThrow(/must be finite/);
  });
});

describe("simdnet eval / predict --model M.onnx", () => {
  it("runs the book CNN: 20 predictions in [0, 10), the same as loadModel's, and eval prints an accuracy", async () => {
    const data = await loadData(parseFlags([]).flags);
    const { net } = await loadModel(CNN, { engine: await createEngine() });
    const x = Float32Array.from(data.test.inputs.subarray(0, 20 * 784), (v) => (data.test.inputs instanceof Uint8Array ? v * (data.test.scale ?? 1 / 255) : v));
    const p = await cli(["predict", "--model", CNN]);
    expect(predicted(p.stdout)).toEqual(Array.from(net.predict(x)));
    const e = await cli(["eval", "--model", CNN]);
    expect(e.stdout).toMatch(/ONNX, input "[^"]+" \[N, 1, 28, 28\], output "[^"]+" \(10 classes\)/);
    expect(e.stdout).toMatch(/test accuracy \d+\.\d\d% \(\d+ \/ 1000\)/);
  }, 120_000);

  it("a trained simdnet network exported with saveOnnx predicts exactly as the network itself", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnxload-"));
    const snn = join(dir, "mlp.snn");
    await train(parseFlags(["--arch", "784-24-10", "--train-size", "1000", "--epochs", "2", "--eta", "0.5", "--seed", "5", "-q", "--save", snn]).flags, () => {});
    const engine = await createEngine({ variant: "plain" });
    const { net } = await loadNetwork(snn, { engine });
    const onnxPath = join(dir, "mlp.onnx");
    await writeFile(onnxPath, saveOnnx(net, { inputShape: [784] }));
    const data = await loadData(parseFlags([]).flags);
    const x = Float32Array.from(data.test.inputs, (v) => (data.test.inputs instanceof Uint8Array ? v * (data.test.scale ?? 1 / 255) : v));
    const back = (await loadModel(onnxPath, { engine })).net;
    expect(Array.from(back.predict(x))).toEqual(Array.from(net.predict(x)));
    expect(back.evaluate(data.test).correct).toBe(net.evaluate(data.test).correct);
    const p = await cli(["predict", "--model", onnxPath]);
    expect(predicted(p.stdout)).toEqual(Array.from(net.predict(x.subarray(0, 20 * 784))));
    const e = await cli(["eval", "--model", onnxPath]);
    expect(e.stdout).toContain(`(${net.evaluate(data.test).correct} / 1000)`);
  }, 120_000);
});
