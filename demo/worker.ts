/**
 * The training worker: loads its own engine and streams the demo's digits (digits.ts: gzipped, in the
 * order a run needs them, so a run starts once its own digits are in), then runs a {@link Session} in
 * chunks of about 50 ms, yielding to the event loop between chunks so pause / resume / stop arrive
 * at once and the page never freezes. Each run says how many threads its engine should use: a change
 * disposes the engine (stopping its pool of workers) and creates one with the new count, falling back to
 * one thread, with the reason, where threads cannot run. Messages: see ToWorker / FromWorker in protocol.ts.
 */
import { createEngine, deserializeModel, serializeModel } from "../src/index.js";
import type { Engine } from "../src/index.js";
import { Session, mistakesOf, shaped, weightsHash } from "./session.js";
import { streamDigits, type StreamedDigits } from "./digits.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const scope = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((ev: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

/** Milliseconds of training per chunk between looks at the message queue. */
const CHUNK_MS = 50;
/** Filters are redrawn at most this often (ms) while training. */
const FILTERS_MS = 500;

let engine: Engine;
/** The thread count `engine` was created for (engine.threads is 1 when that count could not run). */
let requested = 1;
let session: Session | null = null;
let paused = false;
let running = false;
let mark = 0;
/** Counts runs, so a chunk scheduled by an earlier run never steps a later one. */
let generation = 0;

/** Seconds spent training in the current run (chunks only: pauses and the set-up are not counted). */
let trainSeconds = 0;

// ── the digits, as they stream in ────────────────────────────────────────────────────────────────
let digits: StreamedDigits | null = null;
let digitsError: string | null = null;
const waiters = new Set<() => void>();
const wake = (): void => waiters.forEach((w) => w());
void streamDigits(new URL("../build/mnist-demo.gz", import.meta.url), (d) => {
  digits = d;
  post({ type: "digits", arrived: d.arrived, total: d.total, training: d.trainingReady(), trainingTotal: d.split.training.n, validationTotal: d.split.validation.n, testTotal: d.split.test.n });
  wake();
}).catch((err: unknown) => {
  digitsError = message(err);
  wake();
});

/** Resolves once `ok(digits)` holds; rejects if the digits failed to load. */
function digitsWhere(ok: (d: StreamedDigits) => boolean): Promise<StreamedDigits> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (digits && ok(digits)) resolve(digits);
      else if (digitsError) reject(new Error(digitsError));
      else return;
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
}

/** Set when the engine or the digits failed: every later request answers with it. */
let startError: string | null = null;
const ready = (async () => {
  engine = await createEngine();
  mark = engine.mark();
  await digitsWhere((d) => d.evaluationReady()); // validation and test come first in the file
  post({ type: "ready", variant: engine.variant });
})().catch((err: unknown) => {
  startError = `the training worker could not start: ${message(err)}`;
  post({ type: "error", message: startError });
});

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Makes `engine` one created for `threads` threads, replacing (and disposing) the current one if it is not. */
async function useThreads(threads: number): Promise<void> {
  if (threads === requested) return;
  engine.dispose(); // stops the old engine's workers; its memory, and the last run's network, go with it
  let next: Engine;
  try {
    next = await createEngine({ threads });
  } catch (err) {
    next = await createEngine(); // e.g. no shared memory: the page is not cross-origin isolated
    next.threadsNote = `one thread: ${message(err)}`;
  }
  engine = next;
  requested = threads;
  mark = engine.mark();
}

function finish(): void {
  const s = session!;
  running = false;
  const test = s.net.evaluate(s.test);
  const mistakes = s.mistakes();
  post({ type: "mistakes", image: mistakes.image, wrong: mistakes.wrong, n: mistakes.n, name: "trained here" });
  post({ type: "filters", image: s.filters() });
  const model = serializeModel(s.net, { arch: s.config.arch, eta: s.config.eta, lambda: s.config.lambda, batch: s.config.batchSize, epochs: s.trainer.history.epochs.length, testAccuracy: test.accuracy, trainedIn: "browser demo" });
  post({ type: "done", reason: s.trainer.history.stopReason, message: s.trainer.history.message, testAccuracy: test.accuracy, hash: weightsHash(s.net.getParams()), model }, [model.buffer]);
}

/** Trains for about CHUNK_MS, reports, and schedules the next chunk unless paused or done. */
function loop(gen: number): void {
  const s = session;
  if (!s || !running || paused || gen !== generation) return; // a chunk scheduled for an earlier run stops here
  try {
    const t0 = performance.now();
    const seen = s.examplesSeen;
    // a few batches at a time until the chunk's time is used, never across an epoch boundary
    let ended = false;
    while (performance.now() - t0 < CHUNK_MS && !s.done) {
      const p = s.step(4);
      if (p) {
        ended = true;
        post({ type: "epoch", point: p, seconds: trainSeconds + (performance.now() - t0) / 1000 });
        if (!s.done) { // after the last epoch, finish() sends them
          post({ type: "filters", image: s.filters() });
          lastFilters = performance.now();
          const m = s.mistakes();
          post({ type: "mistakes", image: m.image, wrong: m.wrong, n: m.n });
        }
        break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    // a chunk that ended an epoch also evaluated: its examples/s would not be the training speed
    post({ type: "progress", epoch: s.trainer.epoch, position: s.position, fraction: Math.min(1, s.position / s.config.epochs), examples: ended ? 0 : s.examplesSeen - seen, seconds: ended ? 0 : seconds });
    if (performance.now() - lastFilters > FILTERS_MS) {
      lastFilters = performance.now();
      post({ type: "filters", image: s.filters() });
    }
    if (s.done) finish();
    else setTimeout(loop, 0, gen);
  } catch (err) {
    running = false;
    post({ type: "error", message: `training failed: ${message(err)}` });
  }
}
let lastFilters = 0;

/** Messages are handled one after another, so none slips in while a start awaits its new engine. */
let queue: Promise<void> = ready;
scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(ev.data));
};

async function handle(m: ToWorker): Promise<void> {
  try {
    if (startError) {
      if (m.type === "start") post({ type: "error", message: startError });
      return;
    }
    if (m.type === "start") {
      running = false;
      session = null;
      await useThreads(m.threads);
      engine.release(mark); // the previous run's network and data
      // the run's training digits are the first trainSize of the set (as Session takes them): wait for those
      const need = Math.max(1, Math.min(Math.floor(m.config.trainSize), digits!.split.training.n));
      if (digits!.trainingReady() < need) {
        post({ type: "waiting", have: digits!.trainingReady(), need });
        await digitsWhere((d) => d.trainingReady() >= need);
      }
      session = new Session(engine, digits!.split, m.config);
      paused = false;
      trainSeconds = 0;
      post({ type: "started", numParams: session.net.numParams, batchesPerEpoch: session.trainer.batchesPerEpoch, trainSize: session.training.n, threads: engine.threads, threadsNote: engine.threadsNote });
      post({ type: "epoch", point: session.initialPoint(), seconds: 0 });
      post({ type: "filters", image: session.filters() });
      running = true;
      setTimeout(loop, 0, ++generation);
    } else if (m.type === "pause") {
      paused = true;
      post({ type: "paused" });
    } else if (m.type === "resume") {
      if (paused && running) {
        paused = false;
        post({ type: "resumed" });
        setTimeout(loop, 0, generation);
      }
    } else if (m.type === "inspect") {
      if (running) return; // the run in progress sends its own
      const top = engine.mark(); // above the last run's network: freed right after
      try {
        const { net } = deserializeModel(m.model, { engine });
        post({ type: "mistakes", ...mistakesOf(net, shaped(digits!.split.test, net)), name: m.name });
      } finally {
        engine.release(top);
      }
    } else if (m.type === "stop") {
      if (session && running) {
        session.trainer.stop();
        paused = false;
        finish();
      }
    }
  } catch (err) {
    running = false;
    post({ type: "error", message: message(err) });
  }
}
