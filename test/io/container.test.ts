// The one model container: parameters, buffers (saved, never trained) and optimizer state round-trip,
// with clear errors for damaged files; a layer's buffers are laid out by the Model base, never touched
// by an optimizer, and written by serializeModel.
import { describe, expect, it } from "vitest";
import { readContainer, writeContainer } from "../../src/io/container.js";
import { serializeModel } from "../../src/io/model.js";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Activation } from "../../src/layers/activation.js";
import type { BufferSpec, StateBuffer } from "../../src/layers/layer.js";
import { Trainer } from "../../src/train/trainer.js";
import { engine, RefRng } from "../helpers.js";

/** A Dense layer that also keeps a (2, outputs) buffer, as BatchNorm keeps its running mean and variance. */
class DenseWithStats extends Dense {
  stats!: StateBuffer;
  override bufferSpecs(): BufferSpec[] {
    return [{ name: "stats", shape: [2, this.outputs] }];
  }
  override bindBuffers([b]: StateBuffer[]): void {
    this.stats = b;
  }
}

describe("model container", () => {
  it("round-trips parameters, buffers and optimizer state, little-endian, CRC-checked", () => {
    const params = Float32Array.from([1.5, -2, 3e-8]);
    const buffers = Float32Array.from([7, 8]);
    const optimizer = { name: "adam", numParams: 3, step: 12, scalars: [0.9, 0.999], buffers: [Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])] };
    const head = { format: "test-kind", seed: 3, params: [{ name: "w", shape: [3] }], numParams: 3, buffers: [{ name: "s", shape: [2] }], meta: { a: 1 } };
    const bytes = writeContainer(head, { params, buffers, optimizer });
    const r = readContainer(bytes);
    expect(r.params).toEqual(params);
    expect(r.buffers).toEqual(buffers);
    expect(r.optimizer).toEqual(optimizer);
    expect(r.header).toMatchObject({ format: "test-kind", version: 1, numBuffers: 2, meta: { a: 1 }, optimizer: { lengths: [3, 3] } });
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 1;
    expect(() => readContainer(flipped)).toThrow(/CRC-32/);
    expect(() => readContainer(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    // without buffers or optimizer, no header fields for them (files as simdnet always wrote them)
    const plain = readContainer(writeContainer({ format: "k", seed: 0, params: [], numParams: 3 }, { params, buffers: new Float32Array(0), optimizer: null }));
    expect(Object.keys(plain.header)).toEqual(["format", "version", "seed", "params", "numParams", "crc32"]);
  });

  it("buffers are laid out after the parameters, never touched by training, and saved", async () => {
    const e = await engine();
    const m = e.mark();
    const layer = new DenseWithStats(3, 4);
    const net = new Network([layer, new Activation("sigmoid", [4])], { engine: e, seed: 1 });
    expect(net.numBuffers).toBe(8);
    expect(net.stateBuffers.map((b) => b.name)).toEqual(["0.stats"]);
    expect(net.getBuffers()).toEqual(new Float32Array(8));
    const stats = Float32Array.from({ length: 8 }, (_, i) => i + 0.5);
    net.setBuffers(stats);
    expect(e.read(layer.stats.value, 8)).toEqual(stats);
    const data = { n: 10, inputShape: [3], inputs: Float32Array.from(new RefRng(2).array(30)), labels: Uint8Array.from({ length: 10 }, (_, i) => i % 4) };
    const before = net.getParams();
    new Trainer(net, data, { epochs: 1, batchSize: 3, eta: 1, momentum: 0.9, lambda: 1 }).runEpoch();
    new Trainer(net, data, { epochs: 1, batchSize: 3, eta: 0.1, optimizer: "adam" }).runEpoch();
    expect(net.getParams()).not.toEqual(before);
    expect(net.getBuffers()).toEqual(stats);
    const r = readContainer(serializeModel(net));
    expect(r.buffers).toEqual(stats);
    expect(r.header.buffers).toEqual([{ name: "0.stats", shape: [2, 4] }]);
    expect(() => net.setBuffers([1])).toThrow(/setBuffers got 1 values; this model has 8/);
    e.release(m);
  });
});
