// Node-only: the CLI's --ensemble, --grad-norms, --export-filters and --export-misclassified on tiny runs.
import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { parseFlags } from "../../src/cli/config.js";
import { train } from "../../src/cli/train.js";

const tiny = ["--arch", "784-10-10", "--train-size", "300", "--eta", "0.5", "-q"];

describe("simdnet train: ensembles and looking inside", () => {
  it("--ensemble 3 trains seeds seed…seed+2, tables members and both rules, saves and resumes each member", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-ens-"));
    const logs: string[] = [];
    const args = [...tiny, "--seed", "4", "--ensemble", "3", "--save", join(dir, "m.snn"), "--json", join(dir, "run.json")];
    const h = await train(parseFlags([...args, "--epochs", "1"]).flags, (s) => logs.push(s));
    const out = logs.join("\n");
    expect(out).toMatch(/ensemble member 1 of 3: seed 4[\s\S]*member 3 of 3: seed 6/);
    expect(out).toMatch(/member\s+seed\s+test accuracy\n0\s+4\s+\d+\.\d\d%\n1\s+5\s+\d+\.\d\d%\n2\s+6\s+\d+\.\d\d%\nvote \(plurality\)\s+\d+\.\d\d%.*\naverage\s+\d+\.\d\d%/);
    expect(h.ensemble!.seeds).toEqual([4, 5, 6]);
    expect(h.ensemble!.members).toHaveLength(3);
    expect(new Set(h.ensemble!.members.map((m) => m.correct)).size).toBeGreaterThan(1);
    const json = JSON.parse(await readFile(join(dir, "run.json"), "utf8"));
    expect(json.members.map((m: { seed: number }) => m.seed)).toEqual([4, 5, 6]);
    expect(json.ensemble.vote.n).toBe(1000);
    expect((await readdir(dir)).sort()).toEqual([
      "m.seed4.snn", "m.seed4.snn.ckpt", "m.seed5.snn", "m.seed5.snn.ckpt", "m.seed6.snn", "m.seed6.snn.ckpt", "run.json",
    ]);
    const again: string[] = [];
    const h2 = await train(parseFlags([...args, "--epochs", "2", "--resume"]).flags, (s) => again.push(s));
    expect(again.join("\n")).toMatch(/resuming from .*m\.seed6\.snn\.ckpt after epoch 1/);
    expect(h2.epochs).toHaveLength(2);
    await expect(train(parseFlags([...tiny, "--ensemble", "0"]).flags, () => {})).rejects.toThrow(/--ensemble must be a positive integer, got "0"/);
  });

  it("--grad-norms prints a per-epoch table of every layer's weight and bias gradient norms", async () => {
    const logs: string[] = [];
    const h = await train(parseFlags([...tiny, "--epochs", "2", "--grad-norms"]).flags, (s) => logs.push(s));
    const i = logs.findIndex((l) => l.includes("mean gradient norm"));
    expect(logs[i + 1]).toMatch(/^epoch\s+dense0\.w\s+dense0\.b\s+dense2\.w\s+dense2\.b$/);
    expect(logs[i + 2]).toMatch(/^\s+0(\s+\d\.\d\de[-+]\d+){4}$/);
    expect(logs[i + 3]).toMatch(/^\s+1(\s+\d\.\d\de[-+]\d+){4}$/);
    expect(Object.keys(h.epochs[1].gradNorms!)).toEqual(["0.weight", "2.weight", "0.bias", "2.bias"]);
  });

  it("the command writes the filter and misclassified-digit PNGs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-png-"));
    const f = join(dir, "filters.png");
    const m = join(dir, "wrong.png");
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [
      "--import", "tsx", "src/cli/main.ts", "train", ...tiny, "--epochs", "1",
      "--export-filters", f, "--export-misclassified", m,
    ]);
    expect(stdout).toMatch(/wrote .*filters\.png: the 10 filters of layer 0, shape \[10,784\]/);
    expect(stdout).toMatch(/wrote .*wrong\.png: 100 misclassified test digits/);
    const filters = PNG.sync.read(await readFile(f));
    // ⌈√10⌉ = 4 columns × 3 rows of 28×28 tiles at scale 2, padded by 2
    expect([filters.width, filters.height]).toEqual([2 + 4 * 58, 2 + 3 * 58]);
    const digits = PNG.sync.read(await readFile(m));
    expect([digits.width, digits.height]).toEqual([10 * 64, 10 * 78]);
  });
});
