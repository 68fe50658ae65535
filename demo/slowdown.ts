/**
 * Chapter 3's learning slowdown, live: one sigmoid neuron (input 1, target 0) trained by gradient
 * descent from a starting (w, b) the sliders choose, under the quadratic and the cross-entropy cost
 * (slowdownCurves from src/train/slowdown.ts). A saturated start crawls under the quadratic cost.
 */
import { slowdownCurves } from "../src/index.js";
import { LineChart } from "./charts.js";

const EPOCHS = 300;

/** Builds the controls and the chart inside the section and draws the book's saturated start (w = b = 2). */
export function mountSlowdown(section: HTMLElement): void {
  const controls = section.querySelector<HTMLElement>("#slowdown-controls")!;
  const slider = (id: string, label: string, min: number, max: number, step: number, value: number): HTMLInputElement => {
    controls.insertAdjacentHTML("beforeend", `<label>${label} <span id="${id}-value"></span><input id="${id}" type="range" min="${min}" max="${max}" step="${step}" value="${value}" /></label>`);
    return section.querySelector<HTMLInputElement>(`#${id}`)!;
  };
  const w = slider("sd-w", "starting weight w", -4, 4, 0.1, 2);
  const b = slider("sd-b", "starting bias b", -4, 4, 0.1, 2);
  const eta = slider("sd-eta", "learning rate η", 0.01, 1, 0.01, 0.15);
  const chart = new LineChart(section.querySelector<HTMLElement>("#chart-slowdown")!, "The neuron's output (target 0)", "epoch", [
    { label: "quadratic cost", stroke: "#d62728", format: (v) => v.toFixed(3) },
    { label: "cross-entropy cost", stroke: "#1f77b4", format: (v) => v.toFixed(3) },
  ], { height: 240, yRange: [0, 1], yTicks: (v) => v.toFixed(1) });
  const draw = (): void => {
    for (const s of [w, b, eta]) section.querySelector(`#${s.id}-value`)!.textContent = s.value;
    const [quadratic, crossEntropy] = slowdownCurves({ eta: Number(eta.value), epochs: EPOCHS, starts: [[Number(w.value), Number(b.value)]], costs: ["quadratic", "cross-entropy"] });
    chart.set(Array.from({ length: EPOCHS + 1 }, (_, t) => t), [quadratic.outputs, crossEntropy.outputs]);
  };
  for (const s of [w, b, eta]) s.addEventListener("input", draw);
  draw();
  section.hidden = false;
}
