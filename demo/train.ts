/**
 * The training panel: the preset and its settings, Train / Pause / Stop, the worker (worker.ts) that
 * trains, live charts (accuracy zoomed to where it moves, cost on a log scale, examples/s as a moving
 * average), the time it took to first reach each validation accuracy, and the digits' download. A new
 * run clears the last one's progress, speed, charts and milestones the moment Train is pressed.
 */
import type { RgbaImage } from "../src/index.js";
import { LineChart, compact } from "./charts.js";
import { PRESETS, type TrainConfig } from "./session.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { mountThreads, threadsText } from "./threads.js";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pct = (v: number, digits = 1): string => `${(100 * v).toFixed(digits)}%`;
const num = (v: number): string => Math.round(v).toLocaleString("en-US");

/** Validation accuracies whose first crossing a run reports, with the training time it took. */
export const MILESTONES = [0.9, 0.95, 0.97, 0.98, 0.99];
/** Seconds of training the examples/s average spans. */
const SPEED_WINDOW_S = 1;
/** A new examples/s point at most this often (seconds of training). */
const SPEED_EVERY_S = 0.1;

/** What the panel needs from the rest of the page. */
export interface TrainingHooks {
  /** A run ended with this model (use it for drawing). */
  trained(model: Uint8Array): void;
  filters(image: RgbaImage): void;
  mistakes(m: { image: RgbaImage | null; wrong: number; n: number }, name: string): void;
}

/**
 * Mounts the panel; `startWorker()` starts the worker (once the page knows it can run), `send` carries
 * the page's own requests to it (inspect a model).
 */
export function mountTraining(hooks: TrainingHooks): { send(m: ToWorker): void; startWorker(): void; unavailable(why: string): void } {
  const accChart = new LineChart($("chart-accuracy"), "Accuracy", "epoch", [
    { label: "training", stroke: "#2563eb", format: (v) => pct(v, 2) },
    { label: "validation", stroke: "#db2777", format: (v) => pct(v, 2) },
  ], { fitFrom: 1, yBounds: [0, 1], yTicks: (v, span) => pct(v, span < 0.03 ? 1 : 0) });
  const costChart = new LineChart($("chart-cost"), "Cost (log scale)", "epoch", [
    { label: "training", stroke: "#2563eb" },
    { label: "validation", stroke: "#db2777" },
  ], { fitFrom: 1, yLog: true });
  const speedChart = new LineChart($("chart-speed"), "Examples per second", "epoch", [
    { label: "1 s average", stroke: "#059669", format: num },
  ], { xTicks: (v) => String(Number(v.toFixed(2))), yTicks: compact });

  const form = {
    preset: $<HTMLSelectElement>("preset"), arch: $<HTMLInputElement>("arch"), activation: $<HTMLSelectElement>("activation"), output: $<HTMLSelectElement>("output"),
    cost: $<HTMLSelectElement>("cost"), eta: $<HTMLInputElement>("eta"), lambda: $<HTMLInputElement>("lambda"), batch: $<HTMLInputElement>("batch"),
    epochs: $<HTMLInputElement>("epochs"), trainSize: $<HTMLInputElement>("train-size"), seed: $<HTMLInputElement>("seed"),
  };
  for (const [key, p] of Object.entries(PRESETS)) form.preset.add(new Option(p.label, key));
  const showPreset = (key: string): void => {
    const { config: c, note } = PRESETS[key];
    form.arch.value = c.arch;
    form.activation.value = c.activation;
    form.output.value = c.output;
    form.cost.value = c.cost;
    form.eta.value = String(c.eta);
    form.lambda.value = String(c.lambda);
    form.batch.value = String(c.batchSize);
    form.epochs.value = String(c.epochs);
    form.trainSize.value = String(c.trainSize);
    form.seed.value = String(c.seed);
    $("preset-note").textContent = note;
  };
  form.preset.onchange = () => showPreset(form.preset.value);
  showPreset("network2");
  form.preset.value = "network2";
  const readConfig = (): TrainConfig => ({
    arch: form.arch.value.trim(), activation: form.activation.value as TrainConfig["activation"], output: form.output.value as TrainConfig["output"],
    cost: form.cost.value as TrainConfig["cost"], eta: Number(form.eta.value), lambda: Number(form.lambda.value), batchSize: Number(form.batch.value),
    epochs: Number(form.epochs.value), trainSize: Number(form.trainSize.value), seed: Number(form.seed.value),
  });

  const threads = mountThreads($<HTMLSelectElement>("threads"), $("threads-note"));
  const startBtn = $<HTMLButtonElement>("start");
  const pauseBtn = $<HTMLButtonElement>("pause");
  const stopBtn = $<HTMLButtonElement>("stop");
  const status = $("train-status");
  const progress = $<HTMLProgressElement>("progress");
  const speed = $("speed");
  const milestones = $("milestones");
  let threadsInUse = 1;
  let worker: Worker | null = null;
  let paused = false;
  let ready = false;
  /** The examples/s window: recent chunks (examples, seconds) and training time since the last point. */
  let chunks: { examples: number; seconds: number }[] = [];
  let sincePoint = 0;

  const send = (m: ToWorker): void => worker?.postMessage(m);
  const setStatus = (text: string, state: string): void => {
    status.textContent = text;
    status.dataset.state = state;
    status.classList.toggle("error", state === "error");
  };
  const trainingButtons = (on: boolean): void => {
    startBtn.disabled = on || !ready;
    pauseBtn.disabled = !on;
    stopBtn.disabled = !on;
    pauseBtn.textContent = "Pause";
    paused = false;
  };

  /** The run is over: milestones not reached say so rather than "not yet". */
  let over = false;
  const renderMilestones = (reached: Map<number, { seconds: number; epoch: number }>): void => {
    milestones.replaceChildren(...MILESTONES.map((t) => {
      const li = document.createElement("li");
      const r = reached.get(t);
      li.dataset.threshold = String(t);
      li.innerHTML = `<span class="m-acc"></span><span class="m-time"></span>`;
      li.querySelector(".m-acc")!.textContent = `≥ ${pct(t, 0)}`;
      li.querySelector(".m-time")!.textContent = r ? `${r.seconds.toFixed(1)} s · epoch ${r.epoch}` : over ? "not reached" : "not yet";
      if (r) {
        li.dataset.seconds = r.seconds.toFixed(3);
        li.dataset.epoch = String(r.epoch);
        li.classList.add("reached");
      }
      return li;
    }));
  };
  let reached = new Map<number, { seconds: number; epoch: number }>();
  renderMilestones(reached);

  /** Forgets the last run: progress, speed, charts, milestones and the status's data. */
  const clearRun = (): void => {
    for (const c of [costChart, accChart, speedChart]) c.clear();
    for (const k of ["eps", "epochs", "accuracy", "hash"]) delete status.dataset[k];
    progress.value = 0;
    speed.textContent = "";
    delete speed.dataset.threads;
    chunks = [];
    sincePoint = 0;
    reached = new Map();
    over = false;
    renderMilestones(reached);
  };

  const onWorker = (m: FromWorker): void => {
    switch (m.type) {
      case "ready":
        ready = true;
        if (!pauseBtn.disabled) break; // a run is on (it waited for these digits)
        startBtn.disabled = false;
        setStatus(`ready to train (${m.variant} SIMD kernels)`, "ready");
        break;
      case "digits": {
        const el = $("digits");
        const done = m.arrived === m.total;
        el.textContent = done ? `all ${num(m.trainingTotal + m.validationTotal + m.testTotal)} digits are here: ${num(m.trainingTotal)} to train on, ${num(m.validationTotal)} to validate, ${num(m.testTotal)} to test` : `downloading the digits: ${Math.floor((100 * m.arrived) / m.total)}% (${m.training.toLocaleString("en-US")} of ${m.trainingTotal.toLocaleString("en-US")} training digits so far)`;
        el.dataset.training = String(m.training);
        el.dataset.done = String(done);
        break;
      }
      case "waiting":
        setStatus(`waiting for the training digits to arrive (${num(m.have)} of ${num(m.need)})…`, "waiting");
        break;
      case "started":
        threadsInUse = m.threads;
        speed.dataset.threads = String(m.threads);
        speed.textContent = `on ${threadsText(m.threads)}`;
        if (m.threadsNote) threads.note(m.threadsNote); // asked for more than it could run
        setStatus(`training ${num(m.numParams)} parameters on ${num(m.trainSize)} digits…`, "training");
        break;
      case "epoch": {
        const p = m.point;
        costChart.push(p.epoch, [p.trainingCost, p.validationCost]);
        accChart.push(p.epoch, [p.trainingAccuracy, p.validationAccuracy]);
        status.dataset.epochs = String(p.epoch);
        if (p.epoch > 0) status.dataset.eps = `${status.dataset.eps ? `${status.dataset.eps},` : ""}${Math.round(p.examplesPerSecond)}`; // per epoch, for tools
        status.dataset.accuracy = String(p.validationAccuracy);
        if (p.epoch > 0) {
          for (const t of MILESTONES) if (p.validationAccuracy >= t && !reached.has(t)) reached.set(t, { seconds: m.seconds, epoch: p.epoch });
          renderMilestones(reached);
          setStatus(`epoch ${p.epoch}: ${pct(p.validationAccuracy)} of the validation digits right`, "training");
        }
        break;
      }
      case "progress": {
        progress.value = m.fraction;
        if (m.seconds <= 0) break; // a chunk that evaluated: not training speed
        chunks.push({ examples: m.examples, seconds: m.seconds });
        let s = 0;
        let e = 0;
        for (let i = chunks.length - 1; i >= 0 && s < SPEED_WINDOW_S; i--) {
          s += chunks[i].seconds;
          e += chunks[i].examples;
        }
        if (chunks.length > 200) chunks = chunks.slice(-100);
        const avg = e / s;
        sincePoint += m.seconds;
        const x = +m.position.toFixed(3);
        if (sincePoint >= SPEED_EVERY_S || speedChart.points === 0) {
          sincePoint = 0;
          speedChart.push(x, [avg]);
        } else {
          speedChart.replaceLast(x, [avg]); // the newest point follows the run until the next one is due
        }
        speed.textContent = `${num(avg)} examples/s on ${threadsText(threadsInUse)}`;
        break;
      }
      case "filters":
        hooks.filters(m.image);
        break;
      case "mistakes":
        hooks.mistakes(m, m.name ?? "the model in training");
        break;
      case "paused":
        setStatus("paused", "paused");
        break;
      case "resumed":
        setStatus("training…", "training");
        break;
      case "done":
        trainingButtons(false);
        progress.value = 1;
        status.dataset.hash = m.hash;
        setStatus(`${m.reason === "stopped" ? "stopped" : "done"}: test accuracy ${pct(m.testAccuracy)}${m.message && m.reason !== "stopped" ? ` (${m.message})` : ""}; draw a digit to try it`, "done");
        over = true;
        renderMilestones(reached);
        hooks.trained(m.model);
        break;
      case "error":
        trainingButtons(false);
        setStatus(m.message, "error");
        break;
    }
  };

  const startWorker = (): void => {
  try {
    worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (ev: MessageEvent<FromWorker>) => onWorker(ev.data);
    worker.onerror = (ev) => {
      ev.preventDefault();
      ready = false;
      trainingButtons(false);
      setStatus(`the training worker failed: ${ev.message || "its script could not be loaded"}`, "error");
    };
  } catch (err) {
    setStatus(`the training worker could not start: ${err instanceof Error ? err.message : String(err)}`, "error");
  }
  };

  startBtn.onclick = () => {
    clearRun();
    const c = readConfig();
    const bad = (["eta", "batchSize", "epochs", "trainSize"] as const).find((k) => !(c[k] > 0)) ?? (!(c.lambda >= 0) ? "lambda" : null);
    if (bad) return setStatus(`${{ eta: "the learning rate η", batchSize: "the mini-batch size", epochs: "epochs", trainSize: "training digits", lambda: "λ" }[bad]} must be a ${bad === "lambda" ? "number ≥ 0" : "positive number"}`, "error");
    trainingButtons(true);
    setStatus("starting…", "starting");
    send({ type: "start", config: c, threads: threads.chosen() });
  };
  pauseBtn.onclick = () => {
    paused = !paused;
    pauseBtn.textContent = paused ? "Resume" : "Pause";
    send({ type: paused ? "pause" : "resume" });
  };
  stopBtn.onclick = () => send({ type: "stop" });
  return { send, startWorker, unavailable: (why: string) => setStatus(why, "error") };
}
