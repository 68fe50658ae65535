// A first page: load the engine, report which kernel build runs, and train a small network on the
// embedded digits on click. (The full demo, with drawing and a training worker, is issue 6.)
import { createEngine, Network, sgd, loadEmbeddedMnist } from "../src/index.js";

const status = document.querySelector<HTMLParagraphElement>("#status")!;
const button = document.querySelector<HTMLButtonElement>("#train")!;
const log = document.querySelector<HTMLDivElement>("#log")!;

async function start(): Promise<void> {
  const engine = await createEngine();
  status.textContent = `ready: ${engine.variant} SIMD kernels`;
  status.dataset.variant = engine.variant;
  button.disabled = false;
  button.onclick = async () => {
    button.disabled = true;
    const { training, validation, test } = await loadEmbeddedMnist();
    const net = new Network([784, 30, 10], { engine, seed: 1 });
    sgd(net, training, {
      epochs: 3, batchSize: 10, eta: 0.5, evaluationData: validation,
      onEpoch: (r) => { log.textContent += `epoch ${r.epoch}: validation ${(100 * (r.evaluationAccuracy ?? 0)).toFixed(1)}% · ${Math.round(r.examplesPerSecond).toLocaleString()} examples/s\n`; },
    });
    const acc = net.evaluate(test).accuracy;
    log.textContent += `test accuracy ${(100 * acc).toFixed(2)}%\n`;
    log.dataset.accuracy = String(acc);
    button.disabled = false;
  };
}

start().catch((err: unknown) => {
  status.textContent = `simdnet could not start: ${err instanceof Error ? err.message : String(err)}`;
  status.dataset.error = "1";
});
