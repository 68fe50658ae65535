// The demo's MNIST-style centring (demo/preprocess.ts) and the shipped model: drawings of any size and
// place become the same 28×28 input (ink box to 20×20, centre of mass at 14,14), and the shipped CNN
// (demo/public/models/cnn.simdnet, ≤ 1 MB) reads test digits that went through that pipeline.
import { describe, expect, it } from "vitest";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { centreOfMass, inkBox, toMnist } from "../../demo/preprocess.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { deserializeModel } from "../../src/io/model.js";
import { shaped } from "../../demo/session.js";
import { engine } from "../helpers.js";

const MODEL = fileURLToPath(new URL("../../demo/public/models/cnn.simdnet", import.meta.url));

/** Test digit i (u8) drawn k times larger at (ox, oy) on a w × w canvas of ink in [0, 1]. */
function canvasOf(pixels: ArrayLike<number>, k: number, ox: number, oy: number, w = 280): Float32Array {
  const ink = new Float32Array(w * w);
  for (let y = 0; y < 28 * k; y++) for (let x = 0; x < 28 * k; x++) ink[(oy + y) * w + ox + x] = pixels[Math.floor(y / k) * 28 + Math.floor(x / k)] / 255;
  return ink;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ma = Array.from(a).reduce((s, v) => s + v, 0) / n;
  const mb = Array.from(b).reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe("demo: MNIST-style centring of a drawing", () => {
  it("finds no ink on a blank canvas", () => {
    expect(toMnist(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  it("scales the ink box to 20 pixels and puts the centre of mass at (14, 14)", async () => {
    const { test } = await loadEmbeddedMnist();
    for (let i = 0; i < 20; i++) {
      const x = toMnist(canvasOf(test.inputs.subarray(i * 784, (i + 1) * 784), 7, 13, 50), 280, 280)!;
      const box = inkBox(x, 28, 28)!;
      expect(Math.max(box.x1 - box.x0, box.y1 - box.y0)).toBeGreaterThanOrEqual(19);
      expect(Math.max(box.x1 - box.x0, box.y1 - box.y0)).toBeLessThanOrEqual(21);
      const [cx, cy] = centreOfMass(x);
      expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it("gives nearly the same input for a digit drawn large in the middle or small in a corner", async () => {
    const { test } = await loadEmbeddedMnist();
    const px = test.inputs.subarray(0, 784);
    const big = toMnist(canvasOf(px, 10, 0, 0), 280, 280)!;
    const small = toMnist(canvasOf(px, 3, 190, 5), 280, 280)!;
    expect(correlation(big, small)).toBeGreaterThan(0.9);
  });
});

describe("demo: the shipped model", () => {
  it("is a conv net of at most 1 MB that reads centred test digits", async () => {
    expect(statSync(MODEL).size).toBeLessThanOrEqual(1024 * 1024);
    const e = await engine("relaxed");
    const m = e.mark();
    try {
      const { net } = deserializeModel(new Uint8Array(readFileSync(MODEL)), { engine: e });
      expect(net.layers.some((l) => l.spec().type === "conv2d")).toBe(true);
      const { test } = await loadEmbeddedMnist();
      expect(net.evaluate(shaped(test, net)).accuracy).toBeGreaterThan(0.97);
      // the same digits through the drawing pipeline: upscaled ×9 onto a 280×280 pad, then centred
      const n = 200;
      const inputs = new Float32Array(n * 784);
      for (let i = 0; i < n; i++) inputs.set(toMnist(canvasOf(test.inputs.subarray(i * 784, (i + 1) * 784), 9, 14, 14), 280, 280)!, i * 784);
      const pred = net.predict(inputs);
      const correct = pred.filter((p, i) => p === test.labels![i]).length;
      expect(correct / n).toBeGreaterThan(0.95);
    } finally {
      e.release(m);
    }
  });
});
