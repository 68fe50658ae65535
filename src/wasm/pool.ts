/**
 * A persistent pool of workers over the engine's one shared WebAssembly.Memory. The calling thread
 * runs task 0 itself and workers 1..n-1 run the others; dispatch and the barrier are Atomics on one
 * control block per worker in the shared memory (layout in worker.ts). No wait is unbounded: a worker
 * that throws surfaces as an Error on the caller after every other part has finished, and one that
 * dies or stops answering makes the caller throw after `timeoutMs`, leaving the pool broken (every
 * later call throws) rather than hung.
 */
import type { Ptr } from "./kernels.js";
import { ARGS_AT, CTL_BYTES, DONE, ERRLEN, ERR_AT, ERR_BYTES, FN, MAX_ARGS, NARGS, SEQ, STATUS, spawnWorker, type WorkerHandle } from "./worker.js";

/** One kernel call: an export of the threads build and its numeric arguments. */
export interface Task {
  fn: string;
  args: readonly number[];
}

/** True where this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The worker pool. Create with {@link Pool.create}; {@link Engine} owns it and disposes it. */
export class Pool {
  /** Threads in all: the calling thread plus the workers. */
  readonly size: number;
  private readonly index = new Map<string, number>();
  private readonly i32: Int32Array[] = [];
  private readonly f64: Float64Array[] = [];
  private readonly u8: Uint8Array[] = [];
  private readonly block = canBlock();
  private seq = 0;
  private broken: string | null = null;
  private disposed = false;

  private constructor(
    private readonly workers: WorkerHandle[],
    private readonly local: Record<string, unknown>,
    memory: WebAssembly.Memory,
    ctl: Ptr,
    names: readonly string[],
    /** How long the caller waits for a worker's part before it gives up (ms). */
    readonly timeoutMs: number,
  ) {
    this.size = workers.length + 1;
    names.forEach((n, i) => this.index.set(n, i));
    workers.forEach((w, i) => {
      const at = ctl + i * CTL_BYTES; // views of a shared memory stay valid when it grows
      this.i32.push(new Int32Array(memory.buffer, at, CTL_BYTES / 4));
      this.f64.push(new Float64Array(memory.buffer, at + ARGS_AT, MAX_ARGS));
      this.u8.push(new Uint8Array(memory.buffer, at + ERR_AT, ERR_BYTES));
      w.onExit((why) => {
        if (!this.disposed) this.broken ??= `worker ${i + 1} stopped: ${why}`;
      });
    });
  }

  /**
   * Starts `workers` workers, each instantiating `module` on `memory` (control blocks at ctl, CTL_BYTES
   * each, zeroed), and resolves once all are ready. A worker that fails to load rejects with its reason.
   */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, ctl: Ptr, workers: number,
                      local: Record<string, unknown>, timeoutMs: number): Promise<Pool> {
    const names = Object.keys(local).filter((n) => typeof local[n] === "function");
    const handles: WorkerHandle[] = [];
    try {
      await Promise.all(Array.from({ length: workers }, (_, i) => new Promise<void>((resolve, reject) => {
        const w = spawnWorker();
        handles.push(w);
        const loadMs = Math.max(timeoutMs, 30_000);
        const timer = setTimeout(() => reject(new Error(`simdnet: pool worker ${i + 1} did not load within ${loadMs} ms`)), loadMs);
        w.onMessage((m) => {
          clearTimeout(timer);
          if (m.ready) resolve();
          else reject(new Error(`simdnet: pool worker ${i + 1} failed to load: ${m.error}`));
        });
        w.onExit((why) => {
          clearTimeout(timer);
          reject(new Error(`simdnet: pool worker ${i + 1} failed to load: ${why}`));
        });
        w.post({ module, memory, ctl: ctl + i * CTL_BYTES, names });
      })));
    } catch (err) {
      handles.forEach((h) => h.terminate());
      throw err;
    }
    return new Pool(handles, local, memory, ctl, names, timeoutMs);
  }

  /**
   * Runs tasks[0] on the calling thread and tasks[t] on worker t, and returns when all have finished.
   * Throws (after waiting for the others) if any part threw, or if a worker did not answer in time.
   */
  run(tasks: readonly Task[]): void {
    if (this.disposed) throw new Error("simdnet: the engine's thread pool was used after dispose()");
    if (this.broken) throw new Error(`simdnet: the engine's thread pool is broken: ${this.broken}`);
    if (tasks.length > this.size) throw new RangeError(`simdnet: ${tasks.length} tasks for a pool of ${this.size} threads`);
    const seq = ++this.seq;
    for (let t = 1; t < tasks.length; t++) {
      const { fn, args } = tasks[t];
      const k = this.index.get(fn);
      if (k === undefined) throw new Error(`simdnet: the threads build has no kernel ${fn}`);
      if (args.length > MAX_ARGS) throw new RangeError(`simdnet: ${fn}: more than ${MAX_ARGS} arguments`);
      const i32 = this.i32[t - 1];
      this.f64[t - 1].set(args);
      i32[FN] = k;
      i32[NARGS] = args.length;
      Atomics.store(i32, SEQ, seq);
      Atomics.notify(i32, SEQ);
    }
    let mine: unknown = null;
    try {
      (this.local[tasks[0].fn] as (...a: number[]) => void)(...tasks[0].args);
    } catch (err) {
      mine = err;
    }
    const failures: string[] = [];
    for (let t = 1; t < tasks.length; t++) {
      const why = this.wait(t - 1, seq);
      if (why) failures.push(`worker ${t} (${tasks[t].fn}): ${why}`);
    }
    if (mine) throw mine;
    if (failures.length > 0) throw new Error(`simdnet: ${failures.join("; ")}`);
  }

  /** Waits (bounded) for worker w to finish task seq; returns why it failed, or null. */
  private wait(w: number, seq: number): string | null {
    const i32 = this.i32[w];
    const deadline = performance.now() + this.timeoutMs;
    for (let i = 0; i < 1000 && Atomics.load(i32, DONE) !== seq; i++); // most parts end together: skip the sleep
    let done: number;
    while ((done = Atomics.load(i32, DONE)) !== seq) {
      const left = deadline - performance.now();
      if (left <= 0) {
        this.broken = `worker ${w + 1} did not finish a task within ${this.timeoutMs} ms (it died or hung)`;
        return this.broken;
      }
      if (this.block) Atomics.wait(i32, DONE, done, Math.min(left, 100));
    }
    if (Atomics.load(i32, STATUS) === 0) return null;
    return new TextDecoder().decode(this.u8[w].slice(0, i32[ERRLEN]));
  }

  /** Stops every worker; the pool throws on any later use. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.i32.forEach((i32) => {
      i32[FN] = -1;
      Atomics.store(i32, SEQ, ++this.seq);
      Atomics.notify(i32, SEQ);
    });
    this.workers.forEach((w) => w.terminate());
  }

  /** For tests: stop worker w (1-based) without telling the pool, as if it had crashed. */
  killWorkerForTesting(w: number): void {
    this.workers[w - 1].terminate();
  }
}
