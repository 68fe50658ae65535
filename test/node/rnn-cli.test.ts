// Node-only: `simdnet rnn` runs each of the four shapes on its real data (a small slice, one epoch),
// saves the model atomically, and the file loads back to the same weights.
import { describe, expect, it } from "vitest";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rnnCommand, englishWords, wordList } from "../../src/rnn/cli.js";
import { loadSequenceModel, saveSequenceModel } from "../../src/rnn/node.js";
import { createEngine } from "../../src/wasm/engine.js";
import { LanguageModel } from "../../src/rnn/lm.js";

describe("simdnet rnn (CLI)", () => {
  const tasks: [string, string[]][] = [
    ["rows", ["--train-size", "300", "--hidden", "16"]],
    ["chars", ["--words", "400", "--hidden", "16", "--length", "32", "--bptt", "16"]],
    ["digits", ["--train-size", "200", "--hidden", "16"]],
    ["reverse", ["--words", "300", "--hidden", "16"]],
  ];
  for (const [task, extra] of tasks) {
    it(`--task ${task}: trains an epoch, reports, saves, loads back`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "simdnet-rnn-"));
      const logs: string[] = [];
      const file = join(dir, `${task}.snnm`);
      const out = await rnnCommand(["--task", task, "--epochs", "1", "--seed", "2", "--save", file, ...extra], (s) => logs.push(s));
      expect(Number.isFinite(out.testCost)).toBe(true);
      expect(logs.join("\n")).toMatch(/test: testCost/);
      if (task === "chars") expect(out.testPerplexity).toBeGreaterThan(1);
      if (task === "chars" || task === "reverse") expect(logs[0]).toBe("words: an-array-of-english-words");
      if (task === "rows") expect(out.testAccuracy).toBeGreaterThan(0.1);
      const engine = await createEngine();
      const { model, header } = await loadSequenceModel(file, { engine });
      expect(header.meta?.task).toBe(task);
      expect(model.numParams).toBeGreaterThan(0);
      expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });
  }

  it("the installed package's word sample: every 13th usable word, under a line naming its source", async () => {
    const { wordSample, usableWords, WORD_STRIDE } = await import("../../scripts/pack-data.js");
    const full = wordList();
    expect(full.source).toBe("an-array-of-english-words"); // a checkout has the devDependency
    const text = wordSample(full.words, "2.0.0");
    const [head, ...rest] = text.trimEnd().split("\n");
    const usable = usableWords(full.words);
    expect(head).toMatch(new RegExp(`^# every ${WORD_STRIDE}th of the ${usable.length} a–z words of an-array-of-english-words 2\\.0\\.0 \\(MIT licence`));
    expect(rest).toEqual(usable.filter((_, i) => i % WORD_STRIDE === 0));
    expect(rest.length).toBeGreaterThan(20_000);
    const engine = await createEngine();
    const chosen = englishWords(300, 8, 1, engine, rest);
    expect(chosen).toHaveLength(300);
    expect(chosen.every((w) => rest.includes(w) && w.length <= 8)).toBe(true);
  });

  it("rejects an unknown task and bad flags with the value named", async () => {
    await expect(rnnCommand(["--task", "poems"])).rejects.toThrow(/--task must be rows, chars, digits or reverse, got "poems"/);
    await expect(rnnCommand(["--task", "rows", "--clip=-1"])).rejects.toThrow(/--clip must be a number ≥ 0, got "-1"/);
  });

  it("the word list choice is seeded; files round-trip bit for bit; a missing file is a clear error", async () => {
    const engine = await createEngine();
    const words = englishWords(50, 8, 1, engine);
    expect(words).toEqual(englishWords(50, 8, 1, engine));
    const m = new LanguageModel({ engine, vocab: ["", "\n", ..."abcdefghijklmnopqrstuvwxyz"], hidden: [8, 8], steps: 4, seed: 4 });
    const dir = await mkdtemp(join(tmpdir(), "simdnet-rnn-"));
    await saveSequenceModel(m, join(dir, "m.snnm"));
    const { model } = await loadSequenceModel(join(dir, "m.snnm"), { engine });
    expect(model.getParams()).toEqual(m.getParams());
    await expect(loadSequenceModel(join(dir, "missing.snnm"))).rejects.toThrow(/cannot read model file/);
  });
});
