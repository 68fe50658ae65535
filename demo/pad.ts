/**
 * The drawing pad: pointer events (mouse, pen and touch alike) paint round strokes on a canvas, and
 * every change hands the ink (alpha in [0, 1]) to a callback at most once per animation frame.
 */

/** Stroke width in canvas pixels: on a 280-pixel pad, about MNIST's 2–3 pixel pen at 28×28. */
export const PEN = 22;

export class Pad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  private queued = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onInk: (ink: Float32Array | null) => void,
  ) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    this.ctx.lineCap = "round";
    this.ctx.lineJoin = "round";
    canvas.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      this.last = this.at(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!this.last) return;
      // coalesced events keep fast strokes smooth where the browser batches them
      const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
      for (const ev of events.length ? events : [e]) {
        const p = this.at(ev);
        this.line(this.last, p);
        this.last = p;
      }
    });
    const end = (): void => {
      this.last = null;
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  /** Clears the pad (and reports no ink). */
  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** The ink as alpha in [0, 1], row-major, canvas.width × canvas.height; null when blank. */
  ink(): Float32Array | null {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const ink = new Float32Array(width * height);
    let any = false;
    for (let i = 0; i < ink.length; i++) {
      ink[i] = rgba[4 * i + 3] / 255;
      any ||= ink[i] > 0;
    }
    return any ? ink : null;
  }

  private at(e: PointerEvent): { x: number; y: number } {
    // client coordinates → canvas pixels, inside the border (clientLeft/Top) and at the CSS scale
    const c = this.canvas;
    const r = c.getBoundingClientRect();
    return { x: ((e.clientX - r.left - c.clientLeft) * c.width) / c.clientWidth, y: ((e.clientY - r.top - c.clientTop) * c.height) / c.clientHeight };
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = "#000";
    c.lineWidth = PEN;
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x + (a.x === b.x && a.y === b.y ? 0.01 : 0), b.y); // a dot for a tap
    c.stroke();
    this.changed();
  }

  private changed(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.onInk(this.ink());
    });
  }
}
