/**
 * `simdnet slowdown [--out F.png] [--eta 0.15] [--epochs 300]`: chapter 3's saturated-neuron toy, the
 * cost curves of the quadratic and cross-entropy costs from both starts as a PNG, and a table.
 */
import { slowdownChart, slowdownCurves } from "../train/slowdown.js";
import { writePng } from "../io/node.js";
import { num, type Flags } from "./config.js";

/** Runs the toy with the flags' η (default 0.15 here, as in the book) and epochs; writes the PNG. */
export async function slowdown(flags: Flags, argv: string[], log: (s: string) => void = console.log): Promise<void> {
  const given = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const eta = given("eta") ? num(flags, "eta", (v) => v > 0, "a number > 0") : 0.15;
  const epochs = given("epochs") ? num(flags, "epochs", (v) => Number.isInteger(v) && v > 0, "a positive integer") : 300;
  const runs = slowdownCurves({ eta, epochs });
  log(`one sigmoid neuron, x = 1, y = 0, η = ${eta}, ${epochs} epochs (chapter 3)`);
  log("start (w, b)   cost            output at 0     →  at end   cost at end   epochs to halve the output");
  for (const r of runs) {
    const half = r.outputs.findIndex((a) => a <= r.outputs[0] / 2);
    log(`(${r.w0}, ${r.b0})`.padEnd(15) + r.cost.padEnd(16) + r.outputs[0].toFixed(3).padStart(9) + r.outputs.at(-1)!.toFixed(3).padStart(13) + r.costs.at(-1)!.toFixed(4).padStart(14) + String(half < 0 ? `> ${epochs}` : half).padStart(14));
  }
  const out = flags.out ?? "slowdown.png";
  await writePng(out, slowdownChart(runs));
  log(`wrote ${out}: one panel per start, cost ÷ its starting value against epoch; red quadratic, blue cross-entropy`);
}
