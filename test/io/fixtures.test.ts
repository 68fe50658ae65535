// Files written by simdnet before the one model container (test/io/fixtures/, made by make.ts at
// 50ba63b) still load, and give the outputs they gave then, bit for bit (plain SIMD build).
import { describe, expect, it } from "vitest";
import { engine } from "../helpers.js";
import { deserializeModel, serializeModel } from "../../src/io/model.js";
import { deserializeSequenceModel, serializeSequenceModel } from "../../src/rnn/io.js";
import { unpack } from "../../src/io/pack.js";
import { Network } from "../../src/network.js";
import { Trainer, type TrainState } from "../../src/train/trainer.js";
import type { SequenceClassifier } from "../../src/rnn/classifier.js";
import type { LanguageModel } from "../../src/rnn/lm.js";
import type { SequenceGenerator } from "../../src/rnn/generator.js";
import type { Seq2Seq } from "../../src/rnn/seq2seq.js";
import { inputs, tinyData } from "./fixtures/inputs.js";

async function fixture(name: string): Promise<Uint8Array> {
  const url = new URL(`./fixtures/${name}`, import.meta.url);
  if (url.protocol === "file:") return new Uint8Array(await (await import("node:fs/promises")).readFile(url));
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

const expected = JSON.parse(new TextDecoder().decode(await fixture("expected.json"))) as Record<string, number[] | number>;

describe("model files of the previous version", () => {
  it("a conv net in the binary format", async () => {
    const { net, header } = deserializeModel(await fixture("cnn.snnm"), { engine: await engine() });
    expect(header.meta).toEqual({ note: "fixture" });
    expect(Array.from(net.feedforward(inputs(3 * 64, 1)))).toEqual(expected.cnn);
  });

  it("network2.py's JSON", async () => {
    const { net } = deserializeModel(await fixture("network2.json"), { engine: await engine() });
    expect(net.cost.name).toBe("quadratic");
    expect(Array.from(net.feedforward(inputs(2 * 5, 2)))).toEqual(expected.network2);
  });

  it("the four sequence models", async () => {
    const e = await engine();
    const load = async (name: string) => deserializeSequenceModel(await fixture(name), { engine: e }).model;
    expect(Array.from((await load("classifier.snnm") as SequenceClassifier).feedforward(inputs(2 * 12, 3)))).toEqual(expected.classifier);
    expect((await load("lm.snnm") as LanguageModel).lossAndGradient([1, 2, 3, 4, 2, 1, 4, 4, 3, 0], 2)).toBe(expected.lm);
    expect(Array.from((await load("generator.snnm") as SequenceGenerator).generate(inputs(2 * 2, 4)))).toEqual(expected.generator);
    expect((await load("seq2seq.snnm") as Seq2Seq).lossAndGradient([2, 3, 0, 2, 3, 1, 0, 3, 2, 2, 3, 2, 1, 0], 2)).toBe(expected.seq2seq);
  });

  it("saving what was loaded writes the same bytes (models without buffers keep the old layout)", async () => {
    const e = await engine();
    const cnn = await fixture("cnn.snnm");
    const { net, header } = deserializeModel(cnn, { engine: e });
    expect(serializeModel(net, header.meta)).toEqual(cnn);
    for (const name of ["classifier.snnm", "lm.snnm", "generator.snnm", "seq2seq.snnm"]) {
      const bytes = await fixture(name);
      expect(serializeSequenceModel(deserializeSequenceModel(bytes, { engine: e }).model)).toEqual(bytes);
    }
  });

  it("a training checkpoint resumes to the same weights", async () => {
    const saved = unpack<{ arch: string; numParams: number; state: TrainState }>(await fixture("train.ckpt"));
    expect(saved.state.epoch).toBe(1);
    const net = new Network([4, 6, 3], { engine: await engine(), seed: 9 });
    expect(saved.numParams).toBe(net.numParams);
    const t = new Trainer(net, tinyData(20, 4, 3), { epochs: 2, batchSize: 6, eta: 0.05, optimizer: "adam", seed: 9, resume: saved.state });
    t.runEpoch();
    expect(Array.from(net.getParams())).toEqual(expected.checkpoint);
  });
});
