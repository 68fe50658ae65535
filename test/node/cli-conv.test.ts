// Node-only: the CLI trains, saves and evaluates conv nets from an architecture string and from a
// JSON architecture file, with dropout only on the fully connected layers; bad files fail clearly.
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags } from "../../src/cli/config.js";
import { buildNetwork, train } from "../../src/cli/train.js";
import { loadNetwork } from "../../src/io/node.js";
import { createEngine } from "../../src/wasm/engine.js";

const tiny = ["--train-size", "300", "--eta", "0.05", "--epochs", "1", "-q"];

describe("simdnet train with conv architectures", () => {
  it("--arch conv…-pool…-fc…-softmax… trains, saves and reloads a conv net", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-conv-"));
    const save = join(dir, "cnn.snn");
    const h = await train(parseFlags(["--arch", "conv5x5x4:relu-pool2-fc20:relu-softmax10", "--save", save, ...tiny]).flags, () => {});
    expect(h.epochs).toHaveLength(1);
    const { net, header } = await loadNetwork(save, { engine: await createEngine({ variant: "plain" }) });
    expect(header.inputShape).toEqual([1, 28, 28]);
    expect(net.layers.map((l) => l.spec().type)).toEqual(["conv2d", "pool2d", "activation", "dense", "activation", "dense", "softmax"]);
  });

  it("--arch FILE.json reads layer specs; --dropout applies to fully connected layers only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-conv-"));
    const file = join(dir, "arch.json");
    await writeFile(file, JSON.stringify({ layers: [
      { type: "conv2d", filters: 3, kernel: 5 }, { type: "pool2d", size: 2 }, { type: "activation", fn: "relu" },
      { type: "dense", outputs: 16 }, { type: "activation", fn: "relu" }, { type: "dense", outputs: 10 }, { type: "softmax" },
    ] }));
    const e = await createEngine({ variant: "plain" });
    const net = buildNetwork(parseFlags(["--arch", file, "--dropout", "0.5"]).flags, [784], e);
    expect(net.layers.map((l) => l.spec().type)).toEqual(["conv2d", "pool2d", "activation", "dense", "activation", "dropout", "dense", "softmax"]);
    const strNet = buildNetwork(parseFlags(["--arch", "conv5x5x3:relu-pool2-fc16:relu-softmax10", "--dropout", "0.5"]).flags, [784], e);
    expect(strNet.layers.map((l) => l.spec().type)).toEqual(["conv2d", "pool2d", "activation", "dense", "activation", "dropout", "dense", "softmax"]);
    await writeFile(file, "{ not json");
    expect(() => buildNetwork(parseFlags(["--arch", file]).flags, [784], e)).toThrow(/--arch .*arch\.json: cannot read it as JSON/);
    await writeFile(file, JSON.stringify({ layers: [] }));
    expect(() => buildNetwork(parseFlags(["--arch", file]).flags, [784], e)).toThrow(/expected a non-empty JSON array of layer specs/);
  });
});

describe("simdnet train --threads", () => {
  it("trains a conv net on 2 threads to the weights of a 2-thread run again, and rejects bad counts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-threads-"));
    const run = async (name: string) => {
      const save = join(dir, name);
      await train(parseFlags(["--arch", "conv5x5x4:relu-pool2-fc20:relu-softmax10", "--threads", "2", "--save", save, ...tiny]).flags, () => {});
      const e = await createEngine({ variant: "plain" });
      return (await loadNetwork(save, { engine: e })).net.getParams();
    };
    const a = await run("a.snn"), b = await run("b.snn");
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    await expect(train(parseFlags(["--threads", "0", ...tiny]).flags, () => {})).rejects.toThrow(/--threads must be a positive integer or "auto", got "0"/);
  });
});
