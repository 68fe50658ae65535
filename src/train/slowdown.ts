/**
 * Chapter 3's learning slowdown: one sigmoid neuron with input 1 and target 0, trained by gradient
 * descent from w = 0.6, b = 0.9 and from w = 2, b = 2 with η = 0.15 for 300 epochs. Under the quadratic
 * cost ∂C/∂w = (a − y)σ'(z)x, and σ'(z) is tiny for the saturated start, so learning crawls; under the
 * cross-entropy cost ∂C/∂w = (a − y)x and it does not. Pure float64 JS (the demo charts it live), plus
 * a PNG chart built with src/draw/png.ts.
 */
import { createImage, drawText, fillRect, type Rgb, type RgbaImage } from "../draw/png.js";
import { drawLine } from "../draw/plot.js";

/** One run of the toy: the cost and the output after each epoch (index 0 is the start). */
export interface SlowdownRun {
  cost: "quadratic" | "cross-entropy";
  w0: number;
  b0: number;
  /** costs[t], outputs[t], w[t], b[t] after t epochs, t = 0 … epochs. */
  costs: number[];
  outputs: number[];
  w: number[];
  b: number[];
}

/** Options of {@link slowdownCurves}; the defaults are the book's. */
export interface SlowdownOptions {
  eta?: number;
  epochs?: number;
  /** Starting (w, b) pairs. */
  starts?: readonly (readonly [number, number])[];
  costs?: readonly ("quadratic" | "cross-entropy")[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The toy's cost curves, for every start × cost (starts outer, in the given order): full-batch
 * gradient descent on the single example x = 1, y = 0. Deterministic, no engine needed.
 */
export function slowdownCurves(opts: SlowdownOptions = {}): SlowdownRun[] {
  const eta = opts.eta ?? 0.15, epochs = opts.epochs ?? 300;
  if (!(eta > 0 && Number.isFinite(eta))) throw new RangeError(`simdnet: slowdown eta must be a finite number > 0, got ${eta}`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`simdnet: slowdown epochs must be a positive integer, got ${epochs}`);
  const starts = opts.starts ?? [[0.6, 0.9], [2, 2]];
  const costs = opts.costs ?? ["quadratic", "cross-entropy"];
  return starts.flatMap(([w0, b0]) =>
    costs.map((cost) => {
      const run: SlowdownRun = { cost, w0, b0, costs: [], outputs: [], w: [], b: [] };
      let w = w0, b = b0;
      for (let t = 0; ; t++) {
        const a = sigmoid(w + b); // x = 1
        run.costs.push(cost === "quadratic" ? (a * a) / 2 : -Math.log(1 - a)); // y = 0
        run.outputs.push(a);
        run.w.push(w);
        run.b.push(b);
        if (t === epochs) break;
        // ∂C/∂z: quadratic (a − y)σ'(z) = a·a(1 − a); cross-entropy a − y = a; ∂z/∂w = x = 1 = ∂z/∂b
        const dz = cost === "quadratic" ? a * a * (1 - a) : a;
        w -= eta * dz;
        b -= eta * dz;
      }
      return run;
    }),
  );
}

/** Colours of the chart's curves: quadratic red, cross-entropy blue. */
export const SLOWDOWN_COLORS: Record<SlowdownRun["cost"], Rgb> = { quadratic: [214, 39, 40], "cross-entropy": [31, 119, 180] };

/**
 * One panel per start, side by side: cost (0 … the largest starting cost) against epoch, one curve per
 * cost function in {@link SLOWDOWN_COLORS}, epoch ticks labelled. Each cost is scaled to its own
 * starting value, so the two curves start together and the slower one stays high.
 */
export function slowdownChart(runs: readonly SlowdownRun[], panelWidth = 320, panelHeight = 220): RgbaImage {
  const starts = [...new Set(runs.map((r) => `${r.w0},${r.b0}`))];
  const pad = 24, img = createImage(starts.length * panelWidth, panelHeight);
  const grey: Rgb = [150, 150, 150];
  starts.forEach((key, p) => {
    const x0 = p * panelWidth + pad, y0 = panelHeight - pad, w = panelWidth - 2 * pad, h = panelHeight - 2 * pad;
    fillRect(img, x0, pad, 1, h, grey);
    fillRect(img, x0, y0, w, 1, grey);
    for (const r of runs.filter((q) => `${q.w0},${q.b0}` === key)) {
      const T = r.costs.length - 1;
      for (const t of [0, T / 2, T]) {
        const label = String(Math.round(t));
        drawText(img, x0 + Math.round((t / T) * w) - (label.length * 4 - 1), y0 + 4, label, grey, 2);
      }
      let prev: [number, number] | null = null;
      r.costs.forEach((c, t) => {
        const pt: [number, number] = [x0 + (t / T) * w, y0 - (c / r.costs[0]) * h * 0.9];
        if (prev) drawLine(img, prev, pt, SLOWDOWN_COLORS[r.cost]);
        prev = pt;
      });
    }
  });
  return img;
}
