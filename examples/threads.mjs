// Threads, the same file in Node, Deno and Bun: one seeded training on 1 and on 2 threads (a shared
// memory and a worker), and what threads: "auto" chose here. Run from a project with simdnet installed.
import { createEngine, loadEmbeddedMnist, Network, sgd } from "simdnet";

const { training, test } = await loadEmbeddedMnist({ split: [2000, 0, 500] });   // shipped in the package
const x = Float32Array.from(test.inputs, (v) => v / 255);
const hash = (a) => new Uint32Array(a.buffer).reduce((h, v) => Math.imul(h ^ v, 16777619) >>> 0, 2166136261);

async function train(threads) {
  const engine = await createEngine({ variant: "plain", threads });
  const net = new Network([784, 100, 10], { engine, seed: 3 });
  sgd(net, training, { epochs: 2, batchSize: 50, eta: 1 });    // 50 × 784 × 100 GEMMs: split across threads
  const result = { threads: engine.threads, note: engine.threadsNote, predicted: [...net.predict(x)], weights: hash(net.getParams()) };
  engine.dispose();   // stops the workers
  return result;
}

const one = await train(1);
const two = await train(2);
const auto = await train("auto");
console.log(JSON.stringify({ labels: [...test.labels], one, two, auto }));
