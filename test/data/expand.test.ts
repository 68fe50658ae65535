// Training-data expansion: expand_mnist.py's one-pixel shifts and bilinear rotations, on hand-built images.
import { describe, expect, it } from "vitest";
import type { DataSet } from "../../src/data/dataset.js";
import { expandWithShifts, rotate, rotateImage, shiftImage } from "../../src/data/expand.js";

/** One 28×28 image with the single pixel (y, x) lit to `value`. */
function lit(y: number, x: number, value = 200): Uint8Array {
  const img = new Uint8Array(784);
  img[y * 28 + x] = value;
  return img;
}

/** Where the lit pixels of a 28×28 image are, as "y,x=value". */
function litPixels(img: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < 784; i++) if (img[i] !== 0) out.push(`${Math.floor(i / 28)},${i % 28}=${img[i]}`);
  return out;
}

function dataSet(images: Uint8Array[], labels: number[], inputShape: number[] = [784]): DataSet {
  const inputs = new Uint8Array(784 * images.length);
  images.forEach((img, i) => inputs.set(img, 784 * i));
  return { n: images.length, inputShape, inputs, scale: 1 / 255, labels: Uint8Array.from(labels) };
}

describe("shiftImage", () => {
  it("moves a pixel by exactly one row or column", () => {
    const out = new Uint8Array(784);
    for (const [dy, dx] of [[1, 0], [-1, 0], [0, 1], [0, -1], [2, -3]]) {
      shiftImage(out, lit(10, 12), 28, 28, dy, dx);
      expect(litPixels(out)).toEqual([`${10 + dy},${12 + dx}=200`]);
    }
  });

  it("drops pixels that leave the image and zeros the vacated border", () => {
    const out = new Uint8Array(784).fill(9); // stale contents must be cleared
    shiftImage(out, lit(27, 5), 28, 28, 1, 0);
    expect(litPixels(out)).toEqual([]);
    shiftImage(out, lit(0, 0), 28, 28, 0, -1);
    expect(litPixels(out)).toEqual([]);
    const full = new Uint8Array(784).fill(1);
    shiftImage(out, full, 28, 28, 0, 1); // right: column 0 vacated
    for (let y = 0; y < 28; y++) expect([out[y * 28], out[y * 28 + 1], out[y * 28 + 27]]).toEqual([0, 1, 1]);
  });
});

describe("expandWithShifts", () => {
  it("gives 5× the data: each original, then down, up, right, left (expand_mnist.py's order)", () => {
    const d = dataSet([lit(3, 4), lit(20, 21, 7)], [6, 2]);
    const x = expandWithShifts(d);
    expect(x.n).toBe(10);
    expect(Array.from(x.labels!)).toEqual([6, 6, 6, 6, 6, 2, 2, 2, 2, 2]);
    const at = (i: number) => litPixels(x.inputs.subarray(784 * i, 784 * (i + 1)) as Uint8Array);
    expect([0, 1, 2, 3, 4].map(at)).toEqual([["3,4=200"], ["4,4=200"], ["2,4=200"], ["3,5=200"], ["3,3=200"]]);
    expect([5, 6, 7, 8, 9].map(at)).toEqual([["20,21=7"], ["21,21=7"], ["19,21=7"], ["20,22=7"], ["20,20=7"]]);
  });

  it("keeps a conv shape and refuses f32 inputs", () => {
    const x = expandWithShifts(dataSet([lit(1, 1)], [0], [1, 28, 28]));
    expect(x.inputShape).toEqual([1, 28, 28]);
    const f32: DataSet = { n: 1, inputShape: [784], inputs: new Float32Array(784), labels: new Uint8Array(1) };
    expect(() => expandWithShifts(f32)).toThrow(/u8 inputs/);
  });
});

describe("rotateImage / rotate", () => {
  it("by 0 degrees is the identity", () => {
    const img = new Uint8Array(784);
    for (let i = 0; i < 784; i++) img[i] = (i * 37) % 256;
    const out = new Uint8Array(784);
    rotateImage(out, img, 28, 28, 0);
    expect(Array.from(out)).toEqual(Array.from(img));
    expect(Array.from(rotate(dataSet([img], [1]), [0]).inputs)).toEqual(Array.from(img));
  });

  it("by 90 degrees turns counter-clockwise about the centre, pixel for pixel", () => {
    const out = new Uint8Array(784);
    rotateImage(out, lit(13, 27), 28, 28, 90); // right edge, just above the centre → top edge
    expect(litPixels(out)).toEqual(["0,13=200"]);
    rotateImage(out, lit(2, 5), 28, 28, 90); // (y, x) → (27 − x, y)
    expect(litPixels(out)).toEqual(["22,2=200"]);
    rotateImage(out, lit(2, 5), 28, 28, -90); // (y, x) → (x, 27 − y)
    expect(litPixels(out)).toEqual(["5,25=200"]);
  });

  it("spreads a pixel bilinearly for small angles, conserving roughly its mass", () => {
    const out = new Uint8Array(784);
    rotateImage(out, lit(5, 20), 28, 28, 10);
    const total = out.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(180);
    expect(total).toBeLessThan(220);
    const again = new Uint8Array(784);
    rotateImage(again, lit(5, 20), 28, 28, 10);
    expect(Array.from(again)).toEqual(Array.from(out));
  });

  it("gives one copy per angle, labels repeated", () => {
    const r = rotate(dataSet([lit(13, 27), lit(2, 5)], [4, 8]), [0, 90, -10]);
    expect(r.n).toBe(6);
    expect(Array.from(r.labels!)).toEqual([4, 4, 4, 8, 8, 8]);
    expect(litPixels(r.inputs.subarray(784, 1568) as Uint8Array)).toEqual(["0,13=200"]);
    expect(() => rotate(r, [NaN])).toThrow(/finite/);
  });
});
