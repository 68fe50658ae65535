// Node ≥ 20 (ESM): a saved model through simdnet/infer, then a short seeded training with the full library.
import { readFileSync } from "node:fs";
import { init, Network, sgd, parseEmbedded, splitDataSet } from "simdnet";
import { loadModel } from "simdnet/infer";

const digits = parseEmbedded(new Uint8Array(readFileSync("digits.bin")));  // 600 real MNIST digits
const [training, test] = splitDataSet(digits, [500, 100], 0);
const x = Float32Array.from(test.inputs, (v) => v / 255);

const { net: model } = await loadModel(readFileSync("mlp.simdnet"));       // simdnet.infer.wasm, ~13 KB
const predicted = model.predict(x);

await init({ variant: "plain" });   // plain SIMD: the same bits in every runtime
const net = new Network([784, 30, 10], { seed: 7 });
sgd(net, training, { epochs: 2, batchSize: 10, eta: 0.5 });
const checksum = new Uint32Array(net.getParams().buffer).reduce((h, v) => Math.imul(h ^ v, 16777619) >>> 0, 2166136261);

console.log(JSON.stringify({
  runtime: "node", variant: model.engine.variant, labels: [...test.labels], predicted: [...predicted],
  trained: [...net.predict(x)], accuracy: net.evaluate(test).accuracy, checksum,
}));
