// "Looking inside": filter grids, digit grids with the 3×5 font, and misclassified examples (no files;
// PNG encoding is in test/node/png.test.ts).
import { describe, expect, it } from "vitest";
import { createImage, digitGrid, drawText, filterGrid, misclassified, textWidth, type RgbaImage } from "../../src/draw/png.js";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { head } from "../../src/data/dataset.js";
import { engine, scoped } from "../helpers.js";

const rgb = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 3));

describe("filterGrid", () => {
  it("lays conv filters (F, C, k, k) in a padded grid, each normalized to its own range", () => {
    // two 2×2 filters: [0, 1, 2, 3] and [−5, 5, 5, 5] (the second spans a different range)
    const w = Float32Array.from([0, 1, 2, 3, -5, 5, 5, 5]);
    const img = filterGrid(w, [2, 1, 2, 2], { scale: 3, pad: 1, columns: 2 });
    expect([img.width, img.height]).toEqual([1 + 2 * (6 + 1), 1 + (6 + 1)]);
    expect(img.data.length).toBe(img.width * img.height * 4);
    // gray, darker = larger: 255 · (hi − v) / (hi − lo)
    const at = (f: number, y: number, x: number) => rgb(img, 1 + f * 7 + 3 * x + 1, 1 + 3 * y + 2);
    expect(at(0, 0, 0)).toEqual([255, 255, 255]);
    expect(at(0, 0, 1)).toEqual([170, 170, 170]);
    expect(at(0, 1, 0)).toEqual([85, 85, 85]);
    expect(at(0, 1, 1)).toEqual([0, 0, 0]);
    expect(at(1, 0, 0)).toEqual([255, 255, 255]);
    expect(at(1, 1, 1)).toEqual([0, 0, 0]);
    expect(rgb(img, 0, 0)).toEqual([20, 40, 90]); // padding
    expect(img.data[3]).toBe(255);
    const inv = filterGrid(w, [2, 1, 2, 2], { scale: 1, pad: 0, columns: 2, invert: true });
    expect(rgb(inv, 1, 0)).toEqual([85, 85, 85]);
  });

  it("dense weights (OC, inputs) become images through imageShape (a square by default); diverging colours", () => {
    const w = new Float32Array(3 * 16).map((_, i) => (i % 16) - 8); // each row −8 … 7
    const img = filterGrid(w, [3, 16], { scale: 1, pad: 1, colormap: "diverging" });
    expect([img.width, img.height]).toEqual([1 + 2 * 5, 1 + 2 * 5]); // ⌈√3⌉ = 2 columns
    expect(rgb(img, 1, 1)).toEqual([33, 102, 172]); // −8 = −max|w|: full blue
    expect(rgb(img, 1, 3)).toEqual([255, 255, 255]); // 0: white
    const v = 7 / 8; // +7: 7/8 of the way to red
    expect(rgb(img, 4, 4)).toEqual([178, 24, 43].map((c) => Math.round(255 + v * (c - 255))));
    expect(filterGrid(w, [3, 16], { imageShape: [2, 8], scale: 1, pad: 0, columns: 3 }).width).toBe(24);
    expect(() => filterGrid(new Float32Array(30), [3, 10])).toThrow(/10 inputs are not a square image; give imageShape/);
    expect(() => filterGrid(new Float32Array(30), [3, 10], { imageShape: [3, 3] })).toThrow(/holds 9 values; each filter has 10/);
    expect(() => filterGrid(new Float32Array(5), [3, 10])).toThrow(/5 weights for shape \[3,10\]/);
    expect(() => filterGrid(w, [3, 16], { colormap: "jet" as never })).toThrow(/unknown colormap "jet"/);
  });

  it("several channels: one row of C tiles per filter; a constant filter is mid gray", () => {
    const img = filterGrid(new Float32Array(2 * 3 * 2 * 2), [2, 3, 2, 2], { scale: 1, pad: 1 });
    // columns ⌈√(2/3)⌉ = 1, gap 2 between filters: width 2 + (3·2 + 2·1) + 2, height 2 + 2·(2 + 2)
    expect([img.width, img.height]).toEqual([12, 10]);
    expect(rgb(img, 2, 2)).toEqual([128, 128, 128]);
  });
});

describe("digitGrid and the 3×5 font", () => {
  it("draws glyphs pixel for pixel", () => {
    const img = createImage(7, 5, [0, 0, 0]);
    drawText(img, 0, 0, "17", [255, 0, 0]);
    const lit = (x: number, y: number) => rgb(img, x, y)[0] === 255;
    // "1" = 010/110/010/010/111, "7" = 111/001/001/001/001 starting at x = 4
    expect([0, 1, 2].map((x) => lit(x, 0))).toEqual([false, true, false]);
    expect([0, 1, 2].map((x) => lit(x, 4))).toEqual([true, true, true]);
    expect([4, 5, 6].map((x) => lit(x, 0))).toEqual([true, true, true]);
    expect([4, 5, 6].map((x) => lit(x, 2))).toEqual([false, false, true]);
    expect(lit(3, 0)).toBe(false); // the space between glyphs
    expect(textWidth("17>3", 2)).toBe(30);
    expect(() => drawText(img, 0, 0, "a", [0, 0, 0])).toThrow(/no glyph for "a"/);
  });

  it("has the documented size and shows each digit with true>predicted under it", () => {
    const n = 13;
    const images = new Uint8Array(n * 784).fill(255); // all ink
    const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
    const predicted = Int32Array.from(labels, (l, i) => (i === 0 ? 1 : l));
    const img = digitGrid(images, labels, predicted);
    // 10 columns of (56 + 8) pixels; 2 rows of (56 + 4 + 10 + 8)
    expect([img.width, img.height]).toEqual([640, 156]);
    expect(rgb(img, 4 + 10, 4 + 10)).toEqual([0, 0, 0]); // ink, dark on white
    expect(rgb(img, 1, 1)).toEqual([255, 255, 255]);
    // the first label "0>1": wrong, so the "1" is red; the second "1>1" is right, so green
    const textY = 4 + 56 + 4;
    const tx = 4 + Math.floor((56 - textWidth("0>1", 2)) / 2);
    expect(rgb(img, tx + 8 * 2 + 2, textY + 8)).toEqual([210, 30, 30]); // bottom row of the red "1"
    const tx1 = 64 + 4 + Math.floor((56 - textWidth("1>1", 2)) / 2);
    expect(rgb(img, tx1 + 8 * 2 + 2, textY + 8)).toEqual([0, 140, 60]);
    expect(digitGrid(new Float32Array(4 * 784), [1, 2, 3, 4], [1, 2, 3, 4], { columns: 2, scale: 1, invert: false, imageShape: [1, 28, 28] }).width).toBe(2 * (28 + 8));
    expect(() => digitGrid(new Float32Array(0), [], [])).toThrow(/at least one image/);
    expect(() => digitGrid(new Float32Array(784), [1], [1, 2])).toThrow(/2 predictions for 1 labels/);
    expect(() => digitGrid(new Float32Array(10), [1], [1])).toThrow(/10 pixels are not a square image/);
  });
});

describe("misclassified", () => {
  it("returns exactly the examples whose argmax differs from the label, scaled to [0, 1]", async () => {
    const e = await engine();
    const { training, test } = await loadEmbeddedMnist();
    scoped(e, () => {
      const net = new Network([784, 10, 10], { engine: e, seed: 4 });
      sgd(net, head(training, 500), { epochs: 2, batchSize: 10, eta: 0.5 });
      const data = head(test, 200);
      const m = misclassified(net, data, 1000);
      const pred = net.predict(Float32Array.from(data.inputs, (v) => v * Math.fround(1 / 255)));
      const wrong = Array.from(pred.keys()).filter((i) => pred[i] !== data.labels![i]);
      expect(wrong.length).toBeGreaterThan(0);
      expect(Array.from(m.indices)).toEqual(wrong);
      expect(Array.from(m.predicted)).toEqual(wrong.map((i) => pred[i]));
      expect(Array.from(m.labels)).toEqual(wrong.map((i) => data.labels![i]));
      expect(m.images.length).toBe(wrong.length * 784);
      expect(m.images[300]).toBeCloseTo(data.inputs[wrong[0] * 784 + 300] / 255, 6);
      expect(Math.max(...m.images)).toBeLessThanOrEqual(1);
      expect(misclassified(net, data, 3).indices).toEqual(Int32Array.from(wrong.slice(0, 3)));
      const img = digitGrid(m.images, m.labels, m.predicted, { imageShape: m.inputShape.length === 1 ? undefined : m.inputShape });
      expect(img.width).toBeGreaterThan(0);
    });
  });
});
