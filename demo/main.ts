// The demo page: engine facts, draw-and-predict with the shipped CNN (or a model trained or loaded
// here), training in a Web Worker with live charts (on one thread or every core: threads.ts), and
// first-layer filters / misclassified digits.
// Every failure lands in a visible message: no SIMD, a worker that cannot start, a bad model file.
import { createEngine, deserializeModel, filterGrid } from "../src/index.js";
import type { Engine, Network, RgbaImage } from "../src/index.js";
import { toMnist } from "./preprocess.js";
import { Pad } from "./pad.js";
import { mountTraining } from "./train.js";
import { mountSlowdown } from "./slowdown.js";
import { isolated } from "./threads.js";
import { supportsSimd } from "../src/wasm/load.js";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const SHIPPED_URL = new URL("models/cnn.simdnet", document.baseURI);
/** The name of a model the worker just trained. */
const TRAINED = "trained here";

function fatal(text: string): void {
  const el = $("fatal");
  el.textContent = text;
  el.hidden = false;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Paints an RgbaImage onto a canvas at its own size (CSS may scale it, pixelated). */
function paint(canvas: HTMLCanvasElement, img: RgbaImage, minWidth = 0): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const k = Math.max(1, Math.floor(minWidth / img.width)); // small images scale up by whole pixels
  canvas.style.width = `${k * img.width}px`;
  canvas.getContext("2d")!.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
}

// ── the model in use for drawing ─────────────────────────────────────────────────────────────────
interface Model {
  net: Network;
  name: string;
  bytes: Uint8Array;
}
let engine: Engine;
let baseMark = 0;
let model: Model | null = null;
let shipped: Uint8Array | null = null;

/** Rebuilds a model from bytes in the page's engine, replacing the previous one; throws a clear error. */
function useModel(bytes: Uint8Array, name: string): Model {
  const previous = model;
  engine.release(baseMark); // frees the previous model: one network lives in the page's engine at a time
  model = null;
  let built: ReturnType<typeof deserializeModel>;
  try {
    built = deserializeModel(bytes, { engine });
    if (built.net.inputSize !== 784 || built.net.outputSize !== 10) throw new Error(`simdnet: this demo needs a model of 784 inputs and 10 outputs; the file has ${built.net.inputSize} and ${built.net.outputSize}`);
  } catch (err) {
    if (previous) useModel(previous.bytes, previous.name); // keep drawing with the model we had
    throw err;
  }
  const { net, header } = built;
  net.feedforward(new Float32Array(784)); // allocate the batch-1 buffers now, not on the first stroke
  model = { net, name, bytes };
  const meta = (header.meta ?? {}) as { arch?: string; testAccuracy?: number; epochs?: number };
  const acc = typeof meta.testAccuracy === "number" ? ` · test accuracy ${(100 * meta.testAccuracy).toFixed(2)}%` : "";
  const info = $("model-info");
  info.classList.remove("error");
  delete info.dataset.error;
  info.textContent = `model: ${name} · ${meta.arch ?? header.layers.map((l) => l.type).join("-")} · ${net.numParams.toLocaleString("en-US")} parameters · ${(bytes.length / 1024).toFixed(0)} KB${acc}`;
  info.dataset.model = name;
  $<HTMLButtonElement>("save").disabled = false;
  $<HTMLButtonElement>("use-shipped").disabled = !shipped || name === "shipped CNN";
  predict(pad.ink());
  inspect(net, name, bytes);
  return model;
}

/** Filters for a model used in the page; the worker, which holds the digits, finds its mistakes. */
function inspect(net: Network, name: string, bytes: Uint8Array): void {
  const p = net.params.find((q) => q.decay && (q.shape.length === 2 || q.shape.length === 4));
  if (p) {
    const dense = p.shape.length === 2;
    const shape = dense ? [Math.min(p.shape[0], 30), p.shape[1]] : p.shape;
    paint($("filters"), filterGrid(engine.read(p.value, shape.reduce((a, b) => a * b, 1)), shape, { colormap: "diverging", columns: dense ? 10 : undefined, scale: dense ? 2 : 6 }), 240);
    $("filters-caption").textContent = `${name}: first-layer ${dense ? "hidden units' weights (as 28×28 images)" : `${p.shape[0]} filters of ${p.shape[2]}×${p.shape[3]}`}; red positive, blue negative`;
  }
  if (name !== TRAINED) send({ type: "inspect", model: bytes, name }); // a run just finished has sent its own
}

function showMistakes(m: { image: RgbaImage | null; wrong: number; n: number }, name: string): void {
  const canvas = $<HTMLCanvasElement>("mistakes");
  if (m.image) paint(canvas, m.image);
  canvas.hidden = !m.image;
  // the `mnist` package's digits come from MNIST's training set, on which the shipped model was trained
  const seen = name === "shipped CNN" ? " (these digits come from MNIST's training set, which the shipped model learnt from; its held-out test accuracy is above)" : "";
  $("mistakes-caption").textContent = `${name}: ${m.wrong} of the ${m.n} embedded test digits misclassified (true>predicted${m.wrong > 30 ? ", first 30" : ""})${seen}`;
  canvas.dataset.wrong = String(m.wrong);
}

// ── draw and predict ──────────────────────────────────────────────────────────────────────────────
const bars = $("bars");
for (let d = 0; d < 10; d++) bars.insertAdjacentHTML("beforeend", `<li style="--p:0"><span class="d">${d}</span><span class="bar"><span></span></span><span class="p">—</span></li>`);
let inferMean = 0;
let inferCount = 0;

function predict(ink: Float32Array | null): void {
  const pred = $("prediction");
  const hint = $("hint");
  const t0 = performance.now();
  const x = ink ? toMnist(ink, pad.canvas.width, pad.canvas.height) : null;
  const input28 = $<HTMLCanvasElement>("input28").getContext("2d")!;
  const img = input28.createImageData(28, 28);
  for (let i = 0; i < 784; i++) img.data.set([255 * (x?.[i] ?? 0), 255 * (x?.[i] ?? 0), 255 * (x?.[i] ?? 0), 255], 4 * i);
  input28.putImageData(img, 0, 0);
  if (!x || !model) {
    pred.textContent = "—";
    delete pred.dataset.label;
    hint.textContent = !model ? "No model loaded yet." : "Draw a digit (0–9) in the box.";
    $("pad-hint").hidden = !!x;
    bars.querySelectorAll("li").forEach((li) => {
      li.classList.remove("top");
      li.style.setProperty("--p", "0");
      li.querySelector(".p")!.textContent = "—";
    });
    return;
  }
  const t1 = performance.now();
  const out = model.net.feedforward(x);
  const t2 = performance.now();
  inferMean = (inferMean * inferCount + (t2 - t1)) / (inferCount + 1);
  inferCount = Math.min(inferCount + 1, 50);
  // softmax outputs are probabilities; sigmoid outputs are shown normalized to sum to 1
  const sum = out.reduce((a, b) => a + b, 0) || 1;
  let best = 0;
  for (let d = 1; d < 10; d++) if (out[d] > out[best]) best = d;
  bars.querySelectorAll("li").forEach((li, d) => {
    li.classList.toggle("top", d === best);
    li.style.setProperty("--p", String(out[d] / sum));
    const share = out[d] / sum;
    li.querySelector(".p")!.textContent = share >= 0.9995 ? "100%" : share < 0.0005 ? "0%" : `${(100 * share).toFixed(1)}%`;
  });
  $("pad-hint").hidden = true;
  pred.textContent = String(best);
  pred.dataset.label = String(best);
  hint.textContent = "";
  const timing = $("timing");
  timing.textContent = `answered in ${(t2 - t0).toFixed(2)} ms (centring the ink ${(t1 - t0).toFixed(2)} ms, the network ${(t2 - t1).toFixed(2)} ms; ${inferMean.toFixed(2)} ms on average)`;
  timing.dataset.ms = (t2 - t0).toFixed(3);
}

const pad = new Pad($("pad"), predict);
$("clear").onclick = () => pad.clear();

// ── training (train.ts) ─────────────────────────────────────────────────────────────────────────
const training = mountTraining({
  trained(bytes) {
    try {
      useModel(bytes, TRAINED);
    } catch (err) {
      fatal(errorText(err));
    }
  },
  filters(image) {
    paint($("filters"), image, 240);
    $("filters-caption").textContent = "the model in training: first-layer weights (red positive, blue negative), redrawn as it learns";
  },
  mistakes: showMistakes,
});
const send = training.send;


// ── save and load ─────────────────────────────────────────────────────────────────────────────────
$("save").onclick = () => {
  if (!model) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([model.bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
  a.download = model.name === "shipped CNN" ? "cnn.simdnet" : "trained.simdnet";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
};
$<HTMLInputElement>("load").onchange = async (ev) => {
  const input = ev.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  try {
    useModel(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (err) {
    const info = $("model-info");
    info.textContent = `could not load ${file.name}: ${errorText(err)}${model ? ` (still using: ${model.name})` : ""}`;
    info.classList.add("error");
    info.dataset.error = "1";
  }
};
$("use-shipped").onclick = () => shipped && useModel(shipped, "shipped CNN");

mountSlowdown($("slowdown-section"));

// ── start-up ──────────────────────────────────────────────────────────────────────────────────────
async function wasmSize(variant: string): Promise<number | null> {
  // the same static URLs the library uses, so the browser answers from its cache
  const url = variant === "relaxed" ? new URL("../build/simdnet.relaxed.wasm", import.meta.url) : new URL("../build/simdnet.wasm", import.meta.url);
  const res = await fetch(url);
  return res.ok ? (await res.arrayBuffer()).byteLength : null;
}

async function start(): Promise<void> {
  if (!supportsSimd()) {
    fatal("This browser does not support WebAssembly SIMD, which simdnet's kernels need. Use Chrome or Edge ≥ 91, Firefox ≥ 89 or Safari ≥ 16.4.");
    $("engine").textContent = "no WebAssembly SIMD";
    $("engine").dataset.variant = "none";
    training.unavailable("training needs WebAssembly SIMD too");
    return;
  }
  engine = await createEngine().catch((err: unknown) => {
    training.unavailable("training needs the kernels, which did not load");
    throw err;
  });
  baseMark = engine.mark();
  const size = await wasmSize(engine.variant).catch(() => null);
  const facts = $("engine");
  const chips: [string, string][] = [
    [engine.variant === "relaxed" ? "relaxed SIMD" : "plain SIMD", engine.variant === "relaxed" ? "the kernels use relaxed SIMD (fused multiply-add)" : "relaxed SIMD is not available in this browser: the plain SIMD kernels run"],
    ...(size ? [[`simdnet${engine.variant === "relaxed" ? ".relaxed" : ""}.wasm ${(size / 1024).toFixed(1)} KB`, "the size of the kernel module"] as [string, string]] : []),
    [`${navigator.hardwareConcurrency ?? "?"} cores`, "logical cores this browser reports"],
    isolated ? ["cross-origin isolated", "the page may share memory with workers: training may use every core"] : ["not cross-origin isolated: 1 thread", "served without COOP/COEP headers, the page cannot share memory with workers: training runs on 1 thread"],
  ];
  facts.replaceChildren(...chips.flatMap(([text, title], i) => {
    const chip = document.createElement("span");
    chip.className = "chip";
    chip.textContent = text;
    chip.title = title;
    const sep = document.createElement("span");
    sep.className = "sr-only"; // the text still reads "a · b · c"
    sep.textContent = " · ";
    return i ? [sep, chip] : [chip];
  }));
  facts.dataset.variant = engine.variant;
  facts.dataset.isolated = String(isolated);
  training.startWorker();
  const res = await fetch(SHIPPED_URL);
  if (!res.ok) throw new Error(`the shipped model ${SHIPPED_URL.pathname} could not be fetched (HTTP ${res.status})`);
  shipped = new Uint8Array(await res.arrayBuffer());
  useModel(shipped, "shipped CNN");
}

start().catch((err: unknown) => {
  fatal(`simdnet could not start: ${errorText(err)}`);
  $("engine").dataset.error = "1";
});
