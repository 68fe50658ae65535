/** `simdnet tune`: the book's broad strategy (η threshold by orders of magnitude, then λ), as a table. */
import { broadStrategy, type Trial } from "../train/tune.js";
import { buildNetwork, loadData } from "./train.js";
import { engineFromFlags, num, type Flags } from "./config.js";

export async function tune(flags: Flags, log: (s: string) => void = console.log): Promise<void> {
  const engine = await engineFromFlags(flags);
  const data = await loadData(flags);
  const epochs = Math.min(num(flags, "epochs", (v) => Number.isInteger(v) && v > 0, "a positive integer"), 5);
  log(`tuning ${flags.arch} on ${data.source}: ${epochs} epochs per trial, m=${flags.batch}`);
  log("phase          η        λ      training cost by epoch                 val acc   falling?");
  const row = (t: Trial) =>
    log(`${t.phase.padEnd(12)} ${String(t.eta).padStart(7)} ${String(t.lambda).padStart(8)}   ${t.trainingCosts.map((c) => (Number.isFinite(c) ? c.toFixed(4) : "NaN")).join(" → ").padEnd(36)} ${(100 * t.validationAccuracy).toFixed(2).padStart(7)}%   ${t.decreasing ? "yes" : "no"}`);
  const r = broadStrategy({
    engine,
    build: () => buildNetwork(flags, data.training.inputShape, engine),
    training: data.training,
    validation: data.validation,
    epochs,
    batchSize: num(flags, "batch", (v) => Number.isInteger(v) && v > 0, "a positive integer"),
    onTrial: row,
  });
  log(`\nη threshold ≈ ${r.threshold} → use η = ${r.eta}; best λ = ${r.lambda}`);
  log(`next: simdnet train --arch ${flags.arch} --eta ${r.eta} --lambda ${r.lambda}`);
}
