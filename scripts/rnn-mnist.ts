/**
 * Many to one on the full MNIST: each digit read row by row (28 steps of 28 pixels) by a tanh RNN, then
 * softmax from the last state. Trained by the same Trainer as every network (SGD with momentum, clipping
 * by norm, the plateau schedule on validation accuracy); reports test accuracy and sequences/s.
 *
 *   node --import tsx scripts/rnn-mnist.ts [--data DIR] [--hidden 128]
 *        [--epochs 12] [--batch 64] [--eta 0.05] [--momentum 0.9] [--clip 1] [--train-size N] [--save F]
 */
import { parseArgs } from "node:util";
import { createEngine } from "../src/wasm/engine.js";
import { loadIdxDir } from "../src/data/node.js";
import { head } from "../src/data/dataset.js";
import { Trainer } from "../src/train/trainer.js";
import { SequenceClassifier } from "../src/rnn/classifier.js";
import { saveSequenceModel } from "../src/rnn/node.js";

const { values: a } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/mnist", import.meta.url).pathname },
    hidden: { type: "string", default: "128" },
    epochs: { type: "string", default: "12" },
    batch: { type: "string", default: "64" },
    eta: { type: "string", default: "0.05" },
    momentum: { type: "string", default: "0.9" },
    clip: { type: "string", default: "1" },
    seed: { type: "string", default: "1" },
    "train-size": { type: "string", default: "0" },
    save: { type: "string" },
  },
});

const engine = await createEngine();
const split = loadIdxDir(a.data!);
const size = Number(a["train-size"]);
const training = size > 0 ? head(split.training, size) : split.training;
const hidden = a.hidden!.split(",").map(Number);
const model = new SequenceClassifier({ engine, inputs: 28, steps: 28, hidden, classes: 10, seed: Number(a.seed) });
console.log(`row-by-row MNIST · ${engine.variant} SIMD · RNN hidden [${hidden}] · ${model.numParams} parameters · ${training.n} train / ${split.validation.n} validation / ${split.test.n} test`);
console.log("epoch      η   val cost   val acc    time   sequences/s");
const trainer = new Trainer(model, training, {
  epochs: Number(a.epochs),
  batchSize: Number(a.batch),
  eta: Number(a.eta),
  momentum: Number(a.momentum),
  clipNorm: Number(a.clip),
  seed: Number(a.seed),
  evaluationData: split.validation,
  monitorEvaluationCost: true,
  restoreBest: true,
  schedule: { type: "plateau", patience: 2, minFraction: 1 / 16 },
  onEpoch: (r) =>
    console.log(`${String(r.epoch).padStart(5)} ${String(+r.eta.toPrecision(3)).padStart(6)} ${r.evaluationCost!.toFixed(4).padStart(10)} ${(100 * r.evaluationAccuracy!).toFixed(2).padStart(8)}% ${r.seconds.toFixed(1).padStart(6)}s ${Math.round(r.examplesPerSecond).toLocaleString("en-US").padStart(13)}`),
});
while (!trainer.done) trainer.runEpoch();
const h = trainer.history;
if (h.message) console.log(`${h.stopReason}: ${h.message}`);
const test = model.evaluate(split.test);
const speeds = h.epochs.map((r) => r.examplesPerSecond).sort((x, y) => x - y);
console.log(`best validation ${(100 * h.bestAccuracy).toFixed(2)}% at epoch ${h.bestEpoch}`);
console.log(`test accuracy ${(100 * test.accuracy).toFixed(2)}% (${test.correct} / ${test.n}) · median ${Math.round(speeds[Math.floor(speeds.length / 2)]).toLocaleString("en-US")} sequences/s training`);
if (a.save) {
  await saveSequenceModel(model, a.save, { testAccuracy: test.accuracy });
  console.log(`saved ${a.save}`);
}
