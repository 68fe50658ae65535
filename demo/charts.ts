/** Small line charts on uPlot: one x series (epochs, η, …) and a few named y series, appended to live. */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** One y series: its legend label, colour and how values print. */
export interface SeriesSpec {
  label: string;
  stroke: string;
  format?: (v: number) => string;
}

/** A live line chart: `push` adds a point to every series and redraws. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly data: number[][];

  constructor(
    private readonly el: HTMLElement,
    title: string,
    xLabel: string,
    series: SeriesSpec[],
    opts: { width?: number; height?: number; yRange?: [number, number] } = {},
  ) {
    this.data = [[], ...series.map(() => [])];
    const fmt = (f?: (v: number) => string) => (_: uPlot, v: number | null) => (v == null || Number.isNaN(v) ? "—" : f ? f(v) : v.toPrecision(4));
    this.plot = new uPlot(
      {
        title,
        width: opts.width ?? 310,
        height: opts.height ?? 200,
        scales: { x: { time: false }, ...(opts.yRange ? { y: { range: opts.yRange } } : {}) },
        axes: [{ label: xLabel, size: 40 }, { size: 60 }],
        series: [{ label: xLabel, value: (_: uPlot, v: number | null) => (v == null ? "—" : String(v)) }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { size: 5 }, value: fmt(s.format) }))],
        legend: { live: false },
      },
      this.data as uPlot.AlignedData,
      el,
    );
    this.mirror();
  }

  /** Appends one point (x, then one y per series; NaN leaves a gap) and redraws. */
  push(x: number, ys: number[]): void {
    this.data[0].push(x);
    ys.forEach((y, i) => this.data[i + 1].push(Number.isFinite(y) ? y : (null as unknown as number)));
    this.plot.setData(this.data as uPlot.AlignedData);
    this.mirror();
  }

  /** The data on the element too (data-points, data-series as JSON [xs, ys…]) for tests and tools. */
  private mirror(): void {
    this.el.dataset.points = String(this.data[0].length);
    this.el.dataset.series = JSON.stringify(this.data);
  }

  /** Replaces all the data (x ascending). */
  set(xs: number[], ys: number[][]): void {
    this.data.length = 0;
    this.data.push(xs, ...ys);
    this.plot.setData(this.data as uPlot.AlignedData);
    this.mirror();
  }

  /** Removes every point. */
  clear(): void {
    for (const s of this.data) s.length = 0;
    this.plot.setData(this.data as uPlot.AlignedData);
    this.mirror();
  }
}
