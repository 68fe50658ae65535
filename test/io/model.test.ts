import { describe, expect, it } from "vitest";
import { Network } from "../../src/network.js";
import { deserializeModel, loadNetwork2Json, serializeModel, toNetwork2Json } from "../../src/io/model.js";
import { pack, unpack } from "../../src/io/pack.js";
import { engine, RefRng } from "../helpers.js";

describe("model files", () => {
  it("round-trips architecture, cost and weights bit for bit, with the same outputs", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([6, 5, 4], { engine: e, seed: 3, activation: "relu", output: "softmax", dropout: 0.2 });
    const bytes = serializeModel(net, { eta: 0.1 });
    const { net: back, header } = deserializeModel(bytes, { engine: e });
    expect(back.getParams()).toEqual(net.getParams());
    expect(back.layers.map((l) => l.spec())).toEqual(net.layers.map((l) => l.spec()));
    expect(back.cost.name).toBe("log-likelihood");
    expect(header.meta).toEqual({ eta: 0.1 });
    const x = new RefRng(1).array(12);
    expect(back.feedforward(x)).toEqual(net.feedforward(x));
    e.release(m);
  });

  it("loading draws no random initialization, yet the loaded generator continues where an initialized one's does", async () => {
    const e = await engine();
    const m = e.mark();
    const net = new Network([6, 5, 4], { engine: e, seed: 11, dropout: 0.5 });
    const afterInit = net.rng.getState();
    const bytes = serializeModel(net);
    const text = toNetwork2Json(new Network([3, 2], { engine: e, seed: 1 }));
    const draws: string[] = [];
    const k = e.k as unknown as Record<string, unknown>;
    const names = Object.keys(k).filter((n) => n.startsWith("rng_"));
    const saved = names.map((n) => k[n]);
    names.forEach((n, i) => { k[n] = (...a: number[]) => { draws.push(n); return (saved[i] as (...a: number[]) => unknown)(...a); }; });
    try {
      const { net: back } = deserializeModel(bytes, { engine: e });
      loadNetwork2Json(text, { engine: e });
      const bare = new Network([3, 2], { engine: e, seed: 1, initialize: false });
      expect(bare.getParams()).toEqual(new Float32Array(bare.numParams)); // initialize: false leaves zeros
      back.feedforward(new RefRng(2).array(12)); // predicting (dropout off) draws nothing either
      expect(draws).toEqual([]);
      expect(back.rng.getState()).toEqual(afterInit); // first use seeds and replays the skipped draws
      expect(draws).toContain("rng_seed");
      expect(back.getParams()).toEqual(net.getParams()); // ... without touching the loaded weights
    } finally {
      names.forEach((n, i) => { k[n] = saved[i]; });
    }
    e.release(m);
  });

  it("fails clearly on corrupt, truncated, foreign and future files", async () => {
    const e = await engine();
    const m = e.mark();
    const bytes = serializeModel(new Network([3, 2], { engine: e }));
    expect(() => deserializeModel(bytes.subarray(0, bytes.length - 4), { engine: e })).toThrow(/truncated/);
    expect(() => deserializeModel(bytes.subarray(0, 8), { engine: e })).toThrow(/too short/);
    const flipped = bytes.slice();
    flipped[flipped.length - 1] ^= 0x40;
    expect(() => deserializeModel(flipped, { engine: e })).toThrow(/CRC-32/);
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(() => deserializeModel(foreign, { engine: e })).toThrow(/not a simdnet model/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(4, 99, true);
    expect(() => deserializeModel(future, { engine: e })).toThrow(/version 99 is newer/);
    const badJson = bytes.slice();
    badJson[13] = 0x7d;
    expect(() => deserializeModel(badJson, { engine: e })).toThrow(/JSON header is corrupt/);
    e.release(m);
  });

  it("reads and writes network2.py's JSON", async () => {
    const e = await engine();
    const m = e.mark();
    const text = JSON.stringify({ sizes: [2, 2, 1], weights: [[[1, 2], [3, 4]], [[5, 6]]], biases: [[[0.5], [-0.5]], [[1]]], cost: "CrossEntropyCost" });
    const { net } = loadNetwork2Json(text, { engine: e });
    expect(net.cost.name).toBe("cross-entropy");
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const h = [sig(1 * 1 + 2 * 0 + 0.5), sig(3 * 1 + 4 * 0 - 0.5)];
    expect(net.feedforward([1, 0])[0]).toBeCloseTo(sig(5 * h[0] + 6 * h[1] + 1), 5);
    expect(JSON.parse(toNetwork2Json(net))).toEqual(JSON.parse(text));
    expect(() => loadNetwork2Json(JSON.stringify({ sizes: [2, 1], weights: [[[1]]], biases: [[[0]]] }), { engine: e })).toThrow(/should hold 2 finite numbers/);
    expect(() => deserializeModel(new TextEncoder().encode("{oops"), { engine: e })).toThrow(/not valid JSON/);
    e.release(m);
  });

  it("packs checkpoints with typed arrays and detects corruption", () => {
    const v = { a: 1, w: Float32Array.of(1.5, -2), o: Int32Array.of(3, 1, 2), s: "x", nested: { u: Uint8Array.of(9) } };
    const bytes = pack(v);
    expect(unpack(bytes)).toEqual(v);
    const bad = bytes.slice();
    bad[20] ^= 1;
    expect(() => unpack(bad)).toThrow(/CRC-32 mismatch/);
  });
});
