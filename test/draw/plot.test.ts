// Line charts (src/draw/plot.ts): image size, one distinct colour per series name across panels, ticks,
// and the letters of the 3×5 font. No files (runs in both projects).
import { describe, expect, it } from "vitest";
import { lineChart, linearTicks, logTicks, PALETTE, seriesColors, tickLabel, type Panel } from "../../src/draw/plot.js";
import { drawText, textWidth, type RgbaImage } from "../../src/draw/png.js";

/** The "r,g,b" colours of the pixels in columns [x0, x1). */
const colorsIn = (img: RgbaImage, x0 = 0, x1 = img.width): Set<string> => {
  const packed = new Set<number>();
  for (let y = 0; y < img.height; y++) {
    for (let i = 4 * (y * img.width + x0); i < 4 * (y * img.width + x1); i += 4) packed.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  }
  return new Set([...packed].map((c) => `${c >> 16},${(c >> 8) & 255},${c & 255}`));
};

const curve = (k: number, rate: number): [number, number][] => Array.from({ length: k }, (_, i) => [i * 0.1, 2 * Math.exp(-rate * i) + 0.1]);
const names = ["SGD", "momentum", "Adam", "L-BFGS", "Hessian-free"];
const panels: Panel[] = ["[784,30,10]", "logistic regression"].map((title, p) => ({
  title, xLabel: "seconds", yLabel: "cost", logY: p === 0,
  series: names.map((name, i) => ({ name, points: curve(20 + 5 * i, 0.05 * (i + 1)) })),
}));

describe("lineChart", () => {
  it("draws an image of the requested size with one distinct colour per series name", () => {
    const img = lineChart(panels, { width: 720, height: 300 });
    expect([img.width, img.height]).toEqual([720, 300]);
    expect(img.data.length).toBe(720 * 300 * 4);
    const colors = seriesColors(panels);
    expect([...colors.keys()]).toEqual(names); // shared across panels, in order of appearance
    const keys = [...colors.values()].map((c) => c.join(","));
    expect(new Set(keys).size).toBe(names.length);
    const seen = colorsIn(img);
    for (const k of keys) expect(seen.has(k)).toBe(true);
    for (const k of PALETTE.slice(names.length).map((c) => c.join(","))) expect(seen.has(k)).toBe(false);
    // each panel holds every colour (the same names in both)
    for (const x0 of [0, 360]) for (const k of keys) expect(colorsIn(img, x0, x0 + 360).has(k)).toBe(true);
    const dflt = lineChart(panels.slice(0, 1));
    expect([dflt.width, dflt.height]).toEqual([480, 360]);
  });

  it("takes given colours, and refuses bad input", () => {
    const img = lineChart([{ series: [{ name: "a", points: [[0, 1], [1, 2]], color: [1, 2, 3] }] }], { width: 200, height: 150, fontScale: 1 });
    expect(colorsIn(img).has("1,2,3")).toBe(true);
    expect(() => lineChart([])).toThrow(/at least one panel/);
    expect(() => lineChart([{ logY: true, series: [{ name: "a", points: [[0, 0]] }] }])).toThrow(/log y axis needs every y > 0/);
    expect(() => lineChart(panels, { width: 50, height: 50 })).toThrow(/too small/);
  });

  it("picks round ticks and short labels", () => {
    expect(linearTicks(0, 4, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(linearTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(logTicks(0.14, 3.2)).toEqual([0.2, 0.5, 1, 2]);
    expect(logTicks(0.3, 0.9)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect([0.25, 4, 1000, 0.1 + 0.2].map(tickLabel)).toEqual(["0.25", "4", "1000", "0.3"]);
  });

  it("the 3×5 font has capitals and punctuation for labels", () => {
    const text = "L-BFGS (M = 10), [784,30,10]: 0.5/S";
    const img = lineChart([{ series: [] }], { width: 400, height: 200 });
    drawText(img, 0, 0, text, [0, 0, 0]);
    expect(textWidth(text)).toBe(text.length * 4 - 1);
  });
});
