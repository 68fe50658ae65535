// Node-only: `simdnet rnn` checkpoints every epoch atomically; a run killed mid-training (a real child
// process, SIGKILL) resumes with --resume to the same weights as an uninterrupted run.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rnnCommand } from "../../src/rnn/cli.js";
import { loadSequenceModel } from "../../src/rnn/node.js";
import { createEngine } from "../../src/wasm/engine.js";

/** Runs the CLI in a child process and SIGKILLs it once stdout shows the row of epoch `killAfter`. */
function runAndKill(args: string[], killAfter: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "rnn", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (new RegExp(`^\\s+${killAfter}\\s`, "m").test(out)) child.kill("SIGKILL");
    });
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(out) : reject(new Error(`the run was not killed (exit ${code}): ${err || out}`))));
  });
}

describe("simdnet rnn --resume", () => {
  const tasks: [string, string[]][] = [
    ["chars", ["--words", "400", "--hidden", "12", "--length", "24", "--bptt", "12"]],
    // long enough that the parent's SIGKILL lands while epochs remain, even on a loaded machine
    ["rows", ["--train-size", "1000", "--hidden", "12"]],
  ];
  for (const [task, extra] of tasks) {
    it(`--task ${task}: a run killed after an epoch resumes to the uninterrupted run's weights`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "simdnet-rnn-resume-"));
      const epochs = task === "rows" ? 12 : 5;
      const common = ["--task", task, "--epochs", String(epochs), "--seed", "5", "--variant", "plain", ...extra];
      const quiet = () => {};
      await rnnCommand([...common, "--save", join(dir, "a.snnm")], quiet);
      expect(existsSync(join(dir, "a.snnm.ckpt"))).toBe(true);

      const killed = await runAndKill([...common, "--save", join(dir, "b.snnm")], 1);
      expect(killed).toMatch(/^\s+1\s/m);
      expect(existsSync(join(dir, "b.snnm"))).toBe(false); // it never finished
      const logs: string[] = [];
      await rnnCommand([...common, "--save", join(dir, "b.snnm"), "--resume"], (s) => logs.push(s));
      // the checkpoint of epoch 0 was written before epoch 1 started, maybe a later one before the kill
      const resumedAfter = Number(/resuming from .*b\.snnm\.ckpt after epoch (\d+)\n/.exec(logs.join("\n"))?.[1]);
      expect(resumedAfter).toBeGreaterThanOrEqual(1);
      expect(resumedAfter).toBeLessThan(epochs);
      expect(logs.join("\n")).not.toMatch(/^\s+0\s/m); // epoch 0 is not run again

      const engine = await createEngine({ variant: "plain" });
      const a = await loadSequenceModel(join(dir, "a.snnm"), { engine });
      const b = await loadSequenceModel(join(dir, "b.snnm"), { engine });
      expect(b.model.getParams()).toEqual(a.model.getParams());
      expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });
  }

  it("names a missing checkpoint, and one written for another task or other options", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-rnn-resume-"));
    const quiet = () => {};
    await expect(rnnCommand(["--task", "rows", "--resume"], quiet)).rejects.toThrow(/--resume: no checkpoint at \(give --checkpoint or --save\)/);
    await expect(rnnCommand(["--task", "rows", "--resume", "--checkpoint", join(dir, "none.ckpt")], quiet)).rejects.toThrow(/--resume: no checkpoint at .*none\.ckpt/);
    const ckpt = join(dir, "c.ckpt");
    await rnnCommand(["--task", "rows", "--epochs", "1", "--train-size", "100", "--hidden", "8", "--checkpoint", ckpt], quiet);
    await expect(rnnCommand(["--task", "rows", "--epochs", "2", "--train-size", "100", "--hidden", "9", "--checkpoint", ckpt, "--resume"], quiet)).rejects.toThrow(/the checkpoint .*c\.ckpt is for --task rows with .*"hidden":\[8\].*not --task rows with .*"hidden":\[9\]/);
    await expect(rnnCommand(["--task", "digits", "--epochs", "2", "--train-size", "100", "--hidden", "8", "--checkpoint", ckpt, "--resume"], quiet)).rejects.toThrow(/is for --task rows .* not --task digits/);
  });
});
