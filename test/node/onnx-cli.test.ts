// Node-only: `simdnet onnx inspect` and `simdnet onnx run` on the committed fixtures.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { onnxCommand } from "../../src/cli/onnx.js";

const FIX = join(import.meta.dirname, "..", "fixtures", "onnx");
const capture = async (args: string[]) => {
  const lines: string[] = [];
  await onnxCommand(args, (l) => lines.push(l));
  return lines.join("\n");
};

describe("simdnet onnx", () => {
  it("inspect lists inputs, outputs, opset and operator counts, and marks unsupported operators", async () => {
    const out = await capture(["inspect", join(FIX, "resnet", "model.onnx")]);
    expect(out).toMatch(/opset 17, produced by pytorch/);
    expect(out).toMatch(/inputs: {2}x \[batch, 3, 12, 12\]/);
    expect(out).toMatch(/outputs: y \[batch, 6\]/);
    expect(out).toMatch(/ {2}Conv\s+6\n/);
    expect(out).toMatch(/all operators supported/);
    const cos = "/usr/share/libonnx-testdata/data/node/test_cos/model.onnx";
    try {
      await readFile(cos);
      expect(await capture(["inspect", cos])).toMatch(/Cos\s+1 {2}unsupported[\s\S]*unsupported: Cos/);
    } catch { /* test data not installed: covered by the conformance test's hint */ }
  });

  it("run prints the first output as {shape, data} matching PyTorch, and all outputs by name with --all", async () => {
    const out = JSON.parse(await capture(["run", "--model", join(FIX, "lstm", "model.onnx"), "--input", join(FIX, "lstm", "input.json"), "--variant", "plain"]));
    const want = JSON.parse(await readFile(join(FIX, "lstm", "expected.json"), "utf8"));
    expect(out.shape).toEqual(want.shape);
    out.data.forEach((v: number, i: number) => expect(Math.abs(v - want.data[i])).toBeLessThan(1e-4));
    const dir = await mkdtemp(join(tmpdir(), "simdnet-onnx-"));
    const byName = join(dir, "x.json");
    await writeFile(byName, JSON.stringify({ x: JSON.parse(await readFile(join(FIX, "lstm", "input.json"), "utf8")) }));
    const all = JSON.parse(await capture(["run", "--model", join(FIX, "lstm", "model.onnx"), "--input", byName, "--all"]));
    expect(Object.keys(all)).toEqual(["y"]);
    expect(all.y.shape).toEqual(want.shape);
  });

  it("bad usage is a TypeError naming what is missing", async () => {
    await expect(capture(["run", "--model", join(FIX, "gru", "model.onnx")])).rejects.toThrow(/needs --model and --input/);
    await expect(capture(["frobnicate"])).rejects.toThrow(/^simdnet onnx: unknown subcommand "frobnicate"; expected: simdnet onnx inspect M\.onnx \| run .* \| export /);
    await expect(capture(["run", "--model", join(FIX, "gru", "model.onnx"), "--input", join(FIX, "..", "..", "..", "package.json")])).rejects.toThrow(/must hold \{"shape"/);
  });

  it("is dispatched by the CLI's main", async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "onnx", "inspect", join(FIX, "gru", "model.onnx")]);
    expect(stdout).toMatch(/GRU\s+1\n/);
  });
});
