/**
 * Small live line charts on uPlot: one x series (epochs, η, …) and a few named y series. Each chart
 * fills its container's width (and follows it), has a legend that shows the latest values (or the
 * hovered point's), axis labels sized to fit, and a y scale that may be logarithmic or zoomed to the
 * points from some x on (so an untrained epoch 0 does not flatten the rest: its line enters from the edge).
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** One y series: its legend label, colour and how values print. */
export interface SeriesSpec {
  label: string;
  stroke: string;
  format?: (v: number) => string;
}

/** Chart options. */
export interface ChartOptions {
  height?: number;
  /** A fixed y range. */
  yRange?: [number, number];
  /** Clamp the zoomed y range to these bounds (e.g. [0, 1] for accuracy). */
  yBounds?: [number, number];
  /** Logarithmic y (base 10). */
  yLog?: boolean;
  /** Fit y to the points with x ≥ this (when there are any). */
  fitFrom?: number;
  /** Tick labels of the y axis. */
  yTicks?: (v: number, span: number) => string;
  /** Tick labels of the x axis. */
  xTicks?: (v: number) => string;
}

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const AXIS = { stroke: "#4b5563", font: FONT, labelFont: FONT, grid: { stroke: "#e5e7eb", width: 1 }, ticks: { stroke: "#d1d5db", width: 1 } };

/** A plain number with at most 3 significant digits and no trailing zeros. */
export const short = (v: number): string => (v === 0 ? "0" : String(Number(v.toPrecision(3))));
/** 12,345 → "12k", 1,234,567 → "1.2M". */
export const compact = (v: number): string => (Math.abs(v) >= 1e6 ? `${short(v / 1e6)}M` : Math.abs(v) >= 1e3 ? `${short(v / 1e3)}k` : short(v));

/** A live line chart: `push` adds a point to every series and redraws. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly data: number[][];
  private readonly values: HTMLElement[] = [];
  private readonly legendX: HTMLElement;

  constructor(
    private readonly el: HTMLElement,
    title: string,
    private readonly xLabel: string,
    private readonly series: SeriesSpec[],
    private readonly opts: ChartOptions = {},
  ) {
    this.data = [[], ...series.map(() => [])];
    el.classList.add("chart");
    const head = document.createElement("div");
    head.className = "chart-head";
    head.innerHTML = `<h3 class="chart-title"></h3><div class="chart-legend"><span class="chart-x"></span></div>`;
    head.querySelector("h3")!.textContent = title;
    this.legendX = head.querySelector(".chart-x")!;
    const legend = head.querySelector(".chart-legend")!;
    for (const s of series) {
      const item = document.createElement("span");
      item.className = "chart-item";
      item.innerHTML = `<i style="background:${s.stroke}"></i><span></span> <b>—</b>`;
      item.querySelector("span")!.textContent = s.label;
      this.values.push(item.querySelector("b")!);
      legend.append(item);
    }
    const box = document.createElement("div");
    box.className = "chart-plot";
    el.append(head, box);
    const yTicks = opts.yTicks ?? ((v: number) => (opts.yLog ? short(v) : compact(v)));
    const sizeOf = (labels: string[] | null | undefined): number => 26 + 7.5 * Math.max(2, ...(labels ?? []).map((l) => (l ?? "").length));
    this.plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth || 320),
        height: opts.height ?? 200,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: {
          x: { time: false, range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] },
          y: opts.yLog ? { distr: 3, log: 10, range: () => this.yRange() } : { range: () => this.yRange() },
        },
        axes: [
          { ...AXIS, label: xLabel, labelSize: 18, size: 30, values: (_u, ticks) => ticks.map((v) => (v == null ? "" : opts.xTicks ? opts.xTicks(v) : short(v))) },
          { ...AXIS, size: (_u, labels) => sizeOf(labels), values: (u, ticks) => ticks.map((v) => (v == null ? "" : yTicks(v, (u.scales.y.max ?? 1) - (u.scales.y.min ?? 0)))) },
        ],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { size: 5, fill: s.stroke }, spanGaps: true }))],
        hooks: { setCursor: [(u) => this.legend(u.cursor.idx ?? null)] },
      },
      this.data as uPlot.AlignedData,
      box,
    );
    new ResizeObserver(() => {
      const w = Math.floor(box.clientWidth);
      if (w > 0 && w !== this.plot.width) this.plot.setSize({ width: w, height: this.plot.height });
    }).observe(box);
    this.mirror();
  }

  /** The y range: fixed, or fitted to the points from `fitFrom` on with a margin (multiplicative when log). */
  private yRange(): [number, number] {
    if (this.opts.yRange) return this.opts.yRange;
    const xs = this.data[0];
    const from = this.opts.fitFrom ?? -Infinity;
    const useAll = !xs.some((x) => x >= from);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      if (!useAll && xs[i] < from) continue;
      for (let s = 1; s < this.data.length; s++) {
        const v = this.data[s][i];
        if (v == null || !Number.isFinite(v) || (this.opts.yLog && v <= 0)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(lo <= hi)) return this.opts.yLog ? [0.1, 1] : (this.opts.yBounds ?? [0, 1]);
    if (this.opts.yLog) {
      const k = Math.max(1.08, Math.sqrt(hi / lo) ** 0.15);
      return [lo / k, hi * k];
    }
    const pad = Math.max((hi - lo) * 0.12, Math.abs(hi) * 0.01, 1e-9);
    const [bLo, bHi] = this.opts.yBounds ?? [-Infinity, Infinity];
    return [Math.max(bLo, lo - pad), Math.min(bHi, hi + pad)];
  }

  /** Shows point `idx`'s values in the legend, or the latest point's when idx is null. */
  private legend(idx: number | null): void {
    const n = this.data[0].length;
    const i = idx ?? n - 1;
    this.legendX.textContent = i >= 0 && n ? `${this.xLabel} ${this.opts.xTicks ? this.opts.xTicks(this.data[0][i]) : short(this.data[0][i])}` : "";
    this.series.forEach((s, k) => {
      const v = i >= 0 ? this.data[k + 1][i] : null;
      this.values[k].textContent = v == null || !Number.isFinite(v) ? "—" : s.format ? s.format(v) : short(v);
    });
  }

  /** How many points the chart holds. */
  get points(): number {
    return this.data[0].length;
  }

  /** Appends one point (x, then one y per series; NaN leaves a gap) and redraws. */
  push(x: number, ys: number[]): void {
    this.data[0].push(x);
    ys.forEach((y, i) => this.data[i + 1].push(Number.isFinite(y) ? y : (null as unknown as number)));
    this.redraw();
  }

  /** Replaces the last point's values (a running average that is still moving). */
  replaceLast(x: number, ys: number[]): void {
    const n = this.data[0].length;
    if (n === 0) return this.push(x, ys);
    this.data[0][n - 1] = x;
    ys.forEach((y, i) => (this.data[i + 1][n - 1] = Number.isFinite(y) ? y : (null as unknown as number)));
    this.redraw();
  }

  /** Replaces all the data (x ascending). */
  set(xs: number[], ys: number[][]): void {
    this.data.length = 0;
    this.data.push(xs, ...ys);
    this.redraw();
  }

  /** Removes every point. */
  clear(): void {
    for (const s of this.data) s.length = 0;
    this.redraw();
  }

  private redraw(): void {
    this.plot.setData(this.data as uPlot.AlignedData);
    this.legend(null);
    this.mirror();
  }

  /** The data on the element too (data-points, data-series as JSON [xs, ys…]) for tests and tools. */
  private mirror(): void {
    this.el.dataset.points = String(this.data[0].length);
    this.el.dataset.series = JSON.stringify(this.data);
  }
}
