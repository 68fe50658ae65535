/**
 * Line charts as RGBA images, in plain JS (no canvas, so they run anywhere; PNG encoding is
 * encodePng / writePng in src/io/node.ts): one or more panels side by side, each with axes, ticks and
 * tick labels in the 3×5 font of src/draw/png.ts, a title and axis labels, a linear x axis and a linear
 * or logarithmic y axis; one legend under the panels, one colour per series name across all panels.
 * bench/optimizers.ts draws cost against seconds with it; slowdownChart shares its {@link drawLine}.
 */
import { createImage, drawText, fillRect, textWidth, type Rgb, type RgbaImage } from "./png.js";

/** One curve: (x, y) points in x order, drawn as a 2-pixel polyline. */
export interface Series {
  /** The legend's name; series of the same name share a colour across panels. Drawn in capitals. */
  name: string;
  points: readonly (readonly [number, number])[];
  /** Default: the next colour of {@link PALETTE} in order of first appearance of the name. */
  color?: Rgb;
}

/** One panel of a {@link lineChart}. */
export interface Panel {
  series: readonly Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** A logarithmic y axis (every y must be > 0). */
  logY?: boolean;
  /** Axis ranges; by default x from min(0, smallest x) to the largest, y the data's range. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  /** The whole image's width (default 480 per panel); panels share it equally. */
  width?: number;
  /** The whole image's height, legend included (default 360). */
  height?: number;
  /** Pixels per font pixel (default 2). */
  fontScale?: number;
}

/** Tableau's ten categorical colours, distinct on white. */
export const PALETTE: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

const AXIS: Rgb = [90, 90, 90];
const GRID: Rgb = [228, 228, 228];
const INK: Rgb = [40, 40, 40];

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/** A line of the given thickness (default 2 pixels) from a to b, clipped to the image. */
export function drawLine(img: RgbaImage, a: readonly [number, number], b: readonly [number, number], rgb: Rgb, thickness = 2): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1])));
  for (let i = 0; i <= steps; i++) fillRect(img, Math.round(a[0] + ((b[0] - a[0]) * i) / steps), Math.round(a[1] + ((b[1] - a[1]) * i) / steps), thickness, thickness, rgb);
}

/** The colour of every series name, in order of first appearance across the panels. */
export function seriesColors(panels: readonly Panel[]): Map<string, Rgb> {
  const colors = new Map<string, Rgb>();
  for (const s of panels.flatMap((p) => p.series)) {
    if (!colors.has(s.name)) colors.set(s.name, s.color ?? PALETTE[colors.size % PALETTE.length]);
  }
  return colors;
}

/** About `count` round ticks (1, 2 or 5 × 10^k apart) in [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi * (1 + 1e-9) + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks of a log axis over [lo, hi]: 1, 2, 5 × 10^k, or every 1…9 × 10^k when those are too few. */
export function logTicks(lo: number, hi: number): number[] {
  const pick = (ms: number[]): number[] => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of ms) {
        const t = Number((m * 10 ** k).toPrecision(12));
        if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) out.push(t);
      }
    }
    return out;
  };
  const coarse = pick([1, 2, 5]);
  return coarse.length >= 3 ? coarse : pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/** A tick label: at most 3 significant digits, no trailing zeros ("0.25", "4", "1000"). */
export function tickLabel(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** [lo, hi] of a panel's axis: the range given, or the data's (x from 0; y with a margin; widened when flat). */
function range(values: number[], given: readonly [number, number] | undefined, log: boolean, from0: boolean): [number, number] {
  if (given) return [given[0], given[1]];
  if (values.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (from0 && !log) lo = Math.min(lo, 0);
  if (hi === lo) return log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  if (from0) return [lo, hi];
  // a y axis: 4% of the span free above and below, so no curve runs along the frame
  if (log) {
    const f = (hi / lo) ** 0.04;
    return [lo / f, hi * f];
  }
  const d = (hi - lo) * 0.04;
  return [lo - d, hi + d];
}

/**
 * Panels side by side, each a line chart of its series, and a legend below them: one swatch and name
 * per series name. Labels are drawn in capitals with the 3×5 font (so its characters only).
 */
export function lineChart(panels: readonly Panel[], opts: ChartOptions = {}): RgbaImage {
  if (panels.length === 0) fail("lineChart needs at least one panel");
  const s = opts.fontScale ?? 2;
  const width = opts.width ?? 480 * panels.length, height = opts.height ?? 360;
  const colors = seriesColors(panels);
  const names = [...colors.keys()];
  // legend rows: swatch (6s wide) + gap + name, entries 6s apart, wrapped to the image's width
  const entryW = (n: string) => 9 * s + textWidth(n.toUpperCase(), s) + 6 * s;
  const rows: string[][] = [[]];
  let used = 0;
  for (const n of names) {
    if (used + entryW(n) > width - 8 * s && rows.at(-1)!.length > 0) rows.push([]), (used = 0);
    rows.at(-1)!.push(n);
    used += entryW(n);
  }
  const lineH = 5 * s + 4 * s, legendH = rows.length * lineH + 2 * s;
  const panelW = Math.floor(width / panels.length), panelH = height - legendH;
  if (panelW < 40 * s || panelH < 30 * s) fail(`lineChart: ${width} × ${height} is too small for ${panels.length} panel(s) at font scale ${s}`);
  const img = createImage(width, height);
  panels.forEach((p, i) => drawPanel(img, p, colors, i * panelW, panelW, panelH, s));
  rows.forEach((row, r) => {
    let x = Math.floor((width - row.reduce((a, n) => a + entryW(n), 0) + 6 * s) / 2);
    const y = panelH + r * lineH + s;
    for (const n of row) {
      fillRect(img, x, y + 2 * s, 6 * s, s + 1, colors.get(n)!);
      drawText(img, x + 9 * s, y, n.toUpperCase(), INK, s);
      x += entryW(n);
    }
  });
  return img;
}

function drawPanel(img: RgbaImage, p: Panel, colors: Map<string, Rgb>, left: number, W: number, H: number, s: number): void {
  const log = p.logY ?? false;
  const xs = p.series.flatMap((q) => q.points.map((pt) => pt[0]));
  const ys = p.series.flatMap((q) => q.points.map((pt) => pt[1]));
  if (log && ys.some((y) => !(y > 0))) fail(`lineChart: a log y axis needs every y > 0${p.title ? ` (panel ${JSON.stringify(p.title)})` : ""}`);
  const [x0, x1] = range(xs, p.xRange, false, true);
  const [y0, y1] = range(ys, p.yRange, log, false);
  const xTicks = linearTicks(x0, x1, Math.max(2, Math.floor(W / (30 * s))));
  const yTicks = log ? logTicks(y0, y1) : linearTicks(y0, y1, Math.max(2, Math.floor(H / (25 * s))));
  const gh = 5 * s; // glyph height
  // plot area [ax, ax + aw] × [ay, ay + ah]
  const ax = left + Math.max(...yTicks.map((t) => textWidth(tickLabel(t), s))) + 6 * s;
  const ay = 2 * s + (p.title ? gh + 3 * s : 0) + (p.yLabel ? gh + 3 * s : 0) + 2 * s;
  const aw = left + W - 6 * s - ax, ah = H - ay - (gh + 4 * s) - (p.xLabel ? gh + 3 * s : 0) - 2 * s;
  const fy = (y: number) => (log ? (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (y - y0) / (y1 - y0));
  const px = (x: number) => ax + Math.min(Math.max((x - x0) / (x1 - x0), 0), 1) * aw;
  const py = (y: number) => ay + ah - Math.min(Math.max(fy(y), -0.02), 1.02) * ah;
  for (const t of xTicks) {
    const x = Math.round(px(t)), label = tickLabel(t);
    fillRect(img, x, ay, 1, ah, GRID);
    fillRect(img, x, ay + ah, 1, 2 * s, AXIS);
    drawText(img, x - Math.floor(textWidth(label, s) / 2), ay + ah + 3 * s, label, INK, s);
  }
  for (const t of yTicks) {
    const y = Math.round(py(t)), label = tickLabel(t);
    fillRect(img, ax, y, aw, 1, GRID);
    fillRect(img, ax - 2 * s, y, 2 * s, 1, AXIS);
    drawText(img, ax - 3 * s - textWidth(label, s), y - Math.floor(gh / 2), label, INK, s);
  }
  fillRect(img, ax, ay, 1, ah + 1, AXIS);
  fillRect(img, ax, ay + ah, aw, 1, AXIS);
  if (p.title) drawText(img, left + Math.floor((W - textWidth(p.title.toUpperCase(), s)) / 2), 2 * s, p.title.toUpperCase(), INK, s);
  if (p.yLabel) drawText(img, left + 2 * s, ay - gh - 3 * s, p.yLabel.toUpperCase(), INK, s);
  if (p.xLabel) drawText(img, ax + Math.floor((aw - textWidth(p.xLabel.toUpperCase(), s)) / 2), H - gh - 2 * s, p.xLabel.toUpperCase(), INK, s);
  for (const q of p.series) {
    const c = colors.get(q.name)!;
    for (let k = 1; k < q.points.length; k++) {
      const [a, b] = [q.points[k - 1], q.points[k]];
      drawLine(img, [px(a[0]), py(a[1])], [px(b[0]), py(b[1])], c);
    }
  }
}
