// Node-only: the CLI's train/tune/eval paths, checkpoints and atomic files (excluded from the browser project).
import { describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseFlags } from "../../src/cli/config.js";
import { train } from "../../src/cli/train.js";
import { loadNetwork, writeFileAtomic } from "../../src/io/node.js";
import { createEngine } from "../../src/wasm/engine.js";

const quiet = () => {};

describe("simdnet train (CLI)", () => {
  it("checkpoints every epoch; --resume continues to the same weights as an uninterrupted run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-"));
    const common = ["--arch", "784-20-10", "--train-size", "600", "--eta", "0.5", "--momentum", "0.5", "--dropout", "0.1", "--seed", "3", "-q"];
    const straight = await train(parseFlags([...common, "--epochs", "3", "--save", join(dir, "a.snn")]).flags, quiet);
    expect(straight.epochs).toHaveLength(3);
    await train(parseFlags([...common, "--epochs", "2", "--save", join(dir, "b.snn")]).flags, quiet);
    const logs: string[] = [];
    await train(parseFlags([...common, "--epochs", "3", "--save", join(dir, "b.snn"), "--resume"]).flags, (s) => logs.push(s));
    expect(logs.join("\n")).toMatch(/resuming from .*b\.snn\.ckpt after epoch 2/);
    const engine = await createEngine();
    const a = await loadNetwork(join(dir, "a.snn"), { engine });
    const b = await loadNetwork(join(dir, "b.snn"), { engine });
    expect(b.net.getParams()).toEqual(a.net.getParams());
    expect(b.header.meta?.epochs).toBe(3);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects bad flags with a message naming the flag", async () => {
    await expect(train(parseFlags(["--eta=-1"]).flags, quiet)).rejects.toThrow(/--eta must be a number > 0, got "-1"/);
    await expect(train(parseFlags(["--batch", "0"]).flags, quiet)).rejects.toThrow(/--batch must be a positive integer/);
    await expect(train(parseFlags(["--arch", "fc10-wat"]).flags, quiet)).rejects.toThrow(/architecture "fc10-wat": token "wat" is not a layer; expected one of fcN/);
    expect(() => parseFlags(["--nope"])).toThrow(/Unknown option '--nope'/);
  });

  it("the command exits with status 2 and one clear line on bad input", async () => {
    const run = promisify(execFile);
    const err = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "train", "--schedule", "weekly"]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toMatch(/^simdnet: --schedule must be constant, plateau:N\[:fraction\], step:E:F or exp:G, got "weekly"$/);
  });
});

describe("files", () => {
  it("writeFileAtomic replaces the target and leaves no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-"));
    const path = join(dir, "x.bin");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, "second");
    expect(await readFile(path, "utf8")).toBe("second");
    expect(await readdir(dir)).toEqual(["x.bin"]);
  });

  it("loadNetwork names the file and the problem", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-"));
    await writeFile(join(dir, "bad.snn"), "garbage!garbage!");
    await expect(loadNetwork(join(dir, "bad.snn"))).rejects.toThrow(/not a simdnet model .*bad\.snn/);
    await expect(loadNetwork(join(dir, "missing.snn"))).rejects.toThrow(/cannot read model file .*missing\.snn/);
  });
});
