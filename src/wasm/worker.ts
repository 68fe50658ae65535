/**
 * The pool's worker: its source (plain JS, no imports, so no bundler or loader has to find or transform
 * a file) and how to start one in Node (worker_threads, `eval`) or anywhere with Web Workers (a module
 * worker from a Blob URL: browsers, inside another Web Worker, Deno, Bun).
 *
 * A worker instantiates the threads build on the one shared memory, then loops: wait for a new
 * sequence number in its control block, call the kernel named there with the f64 arguments there, write
 * its status (and an error's message) and the sequence number it finished, notify. Control block layout
 * (CTL_BYTES per worker, i32 slots): see the constants below; pool.ts writes tasks, this reads them.
 */

/** Bytes of one worker's control block (16-byte aligned). */
export const CTL_BYTES = 1024;
/** i32 slots: the task's sequence number, the last one done, status (0 ok, 1 threw), kernel index (-1: quit), argument count, error length. */
export const SEQ = 0, DONE = 1, STATUS = 2, FN = 3, NARGS = 4, ERRLEN = 5;
/** Byte offsets: f64 arguments (MAX_ARGS of them), then the error message (UTF-8, ERR_BYTES at most). */
export const ARGS_AT = 32, MAX_ARGS = 24, ERR_AT = ARGS_AT + 8 * MAX_ARGS, ERR_BYTES = 512;

/**
 * How long (ms) a worker keeps polling for the next task before it sleeps in Atomics.wait. A training
 * step's split kernels come 20–200 µs apart, and waking a sleeping worker costs about as much as the
 * half of a GEMM it saves: with a 2,000-poll spin (a few µs) the MLP trained slower on 2 threads than
 * on 1 (114k vs 139k examples/s); polling for up to 1 ms, as OpenMP runtimes do, keeps the worker awake
 * through a step (158k).
 */
const SPIN_MS = 1;

/** The worker's body: `start(data, post)` with data = { module, memory, ctl, names }. */
const BODY = `
function start(data, post) {
  const { module, memory, ctl, names } = data;
  const imports = { env: { memory } };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") continue;
    (imports[imp.module] ??= {})[imp.name] = () => { throw new Error("wasm import " + imp.name + " called"); };
  }
  let fns;
  try {
    const instance = new WebAssembly.Instance(module, imports);
    fns = names.map((n) => instance.exports[n]);
  } catch (err) {
    post({ error: String(err && err.message || err) });
    return;
  }
  const i32 = new Int32Array(memory.buffer, ctl, ${CTL_BYTES / 4});
  const f64 = new Float64Array(memory.buffer, ctl + ${ARGS_AT}, ${MAX_ARGS});
  const u8 = new Uint8Array(memory.buffer, ctl + ${ERR_AT}, ${ERR_BYTES});
  let seen = Atomics.load(i32, ${SEQ});
  post({ ready: true });
  for (;;) {
    let seq = Atomics.load(i32, ${SEQ});
    const until = performance.now() + ${SPIN_MS};
    for (let i = 1; seq === seen; i++) {
      seq = Atomics.load(i32, ${SEQ});
      if ((i & 1023) === 0 && performance.now() > until) break;
    }
    while (seq === seen) {
      Atomics.wait(i32, ${SEQ}, seen, 1000);
      seq = Atomics.load(i32, ${SEQ});
    }
    seen = seq;
    const fn = i32[${FN}];
    if (fn < 0) return;
    let status = 0;
    try {
      const args = [];
      for (let i = 0, n = i32[${NARGS}]; i < n; i++) args.push(f64[i]);
      fns[fn](...args);
    } catch (err) {
      status = 1;
      const bytes = new TextEncoder().encode(String(err && err.message || err)).subarray(0, ${ERR_BYTES});
      u8.set(bytes);
      i32[${ERRLEN}] = bytes.length;
    }
    Atomics.store(i32, ${STATUS}, status);
    Atomics.store(i32, ${DONE}, seq);
    Atomics.notify(i32, ${DONE});
  }
}
`;

/** What the pool needs of a started worker, the same in Node and on the web. */
export interface WorkerHandle {
  /** Sends the start message (module, memory, control block offset, kernel names). */
  post(data: unknown): void;
  /** Messages the worker posts ({ ready } or { error }), then "exit" or "error" events. */
  onMessage(fn: (data: { ready?: boolean; error?: string }) => void): void;
  /** Called once if the worker fails or exits (with why). */
  onExit(fn: (why: string) => void): void;
  terminate(): void;
}

type NodeWorker = import("node:worker_threads").Worker;

/** Starts one pool worker: a Web Worker where the runtime has them, else a Node worker thread. */
export function spawnWorker(): WorkerHandle {
  const g = globalThis as { Worker?: typeof Worker; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof g.Worker === "function") {
    const url = URL.createObjectURL(new Blob([`${BODY}\nself.onmessage = (e) => { self.onmessage = null; start(e.data, (m) => self.postMessage(m)); };\n`], { type: "text/javascript" }));
    const w = new g.Worker(url, { type: "module", name: "simdnet-pool" });
    // Revoke the URL only once the worker has answered (or failed): browsers fetch it while
    // constructing the worker, but Bun loads it later and fails with "Blob URL is missing".
    let revoked = false;
    const revoke = () => {
      if (!revoked) (revoked = true), URL.revokeObjectURL(url);
    };
    w.addEventListener("message", revoke);
    w.addEventListener("error", revoke);
    return {
      post: (d) => w.postMessage(d),
      onMessage: (fn) => w.addEventListener("message", (e) => fn(e.data)),
      onExit: (fn) => w.addEventListener("error", (e) => fn(`the worker failed: ${e.message ?? "error event"}`)),
      terminate: () => (revoke(), w.terminate()),
    };
  }
  // process.getBuiltinModule, not import(): no bundler sees a Node import (as in load.ts)
  const wt = g.process?.getBuiltinModule?.("node:worker_threads") as typeof import("node:worker_threads") | undefined;
  if (!wt) throw new Error("simdnet: this runtime has neither Web Workers nor node:worker_threads, so it cannot run threads");
  // eval'd code runs as CommonJS or, under --input-type=module, as ESM: no require(), no import
  const src = `${BODY}\nconst { parentPort } = process.getBuiltinModule("node:worker_threads");\nparentPort.once("message", (d) => start(d, (m) => parentPort.postMessage(m)));\n`;
  const w: NodeWorker = new wt.Worker(src, { eval: true, name: "simdnet-pool" });
  w.unref(); // an engine the program forgot to dispose() must not keep the process alive
  return {
    post: (d) => w.postMessage(d),
    onMessage: (fn) => {
      w.on("message", fn);
      w.unref(); // a "message" listener refs the worker's port again
    },
    onExit: (fn) => {
      w.on("error", (err) => fn(`the worker failed: ${String(err)}`));
      w.on("exit", (code) => fn(`the worker exited (code ${code})`));
    },
    terminate: () => void w.terminate(),
  };
}
