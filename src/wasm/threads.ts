/**
 * createEngine's threads path: a shared WebAssembly.Memory, the threads build of the kernels
 * (build/simdnet.threads{,.relaxed}.wasm), a pool of n − 1 workers on that memory, and the engine's
 * kernels wrapped to split across them (src/wasm/parallel.ts). Loaded by a
 * dynamic import from engine.ts, so the default single-threaded engine never pulls it in.
 */
import { instantiate } from "@assemblyscript/loader";
import { Engine, type EngineOptions } from "./engine.js";
import type { Kernels, Ptr } from "./kernels.js";
import { readVariant, type Variant } from "./load.js";
import { splitKernels } from "./parallel.js";
import { Pool } from "./pool.js";
import { CTL_BYTES } from "./worker.js";

/** Why this runtime cannot run threads, or null when it can. */
export function threadsUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; process?: { getBuiltinModule?: unknown } };
  if (typeof SharedArrayBuffer === "undefined" || g.crossOriginIsolated === false) {
    return "shared memory is unavailable (a page must be cross-origin isolated: serve it with " +
      "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  if (typeof g.Worker !== "function" && typeof g.process?.getBuiltinModule !== "function") {
    return "this runtime has neither Web Workers nor node:worker_threads";
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (err) {
    return `this runtime cannot create a shared WebAssembly.Memory (${String(err)})`;
  }
  return null;
}

/** Cores this runtime reports (navigator.hardwareConcurrency, or os.availableParallelism in Node). */
export function availableCores(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
  const os = g.process?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
  const n = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(n));
}

/**
 * Resolves `threads` to a count: the count itself, or for "auto" the available cores, or 1 with the
 * reason (`note`) when threads cannot run here. Bad values and impossible explicit counts throw.
 */
export function resolveThreads(threads: number | "auto", options: EngineOptions): { n: number; note: string } {
  if (threads !== "auto" && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`simdnet: threads must be a positive integer or "auto", got ${JSON.stringify(threads)}`);
  }
  const blocked = threadsUnavailable()
    ?? (options.wasm !== undefined ? "a module given as `wasm` is not the threads build" : null)
    ?? (options.variant === "debug" ? "the debug build is single-threaded" : null);
  if (threads === "auto") {
    if (blocked) return { n: 1, note: `one thread: ${blocked}` };
    const n = availableCores();
    return { n, note: n === 1 ? "one thread: the runtime reports one core" : "" };
  }
  if (threads > 1 && blocked) throw new Error(`simdnet: cannot run ${threads} threads: ${blocked}`);
  return { n: threads, note: "" };
}

function threadsUrl(relaxed: boolean): URL {
  return relaxed ? new URL("../../build/simdnet.threads.relaxed.wasm", import.meta.url) : new URL("../../build/simdnet.threads.wasm", import.meta.url);
}

/** An engine whose big kernels run on n threads (n ≥ 2). */
export async function createThreadedEngine(n: number, options: EngineOptions, maxPages: number): Promise<Engine> {
  const { bytes } = await readVariant(threadsUrl, options.variant ?? "auto", "the threads build");
  const module = await WebAssembly.compile(bytes);
  const initial = Math.min(maxPages, Math.max(options.initialPages ?? 16, 1));
  const memory = new WebAssembly.Memory({ initial, maximum: maxPages, shared: true });
  const { exports } = await instantiate<Record<string, unknown>>(module, { env: { memory } });
  const kernels = exports as unknown as Kernels;
  const variant: Variant = kernels.relaxed_simd() ? "relaxed" : "plain";
  const e = new Engine(memory, kernels, variant, maxPages);
  const scratches: Ptr[] = [e.gemmScratch];
  for (let t = 1; t < n; t++) scratches.push(e.alloc(kernels.gemm_scratch_floats()));
  const ctl = e.allocBytes((n - 1) * CTL_BYTES);
  const pool = await Pool.create(module, memory, ctl, n - 1, exports, options.threadTimeoutMs ?? 60_000);
  e.attachPool(pool, scratches, splitKernels(e, kernels));
  return e;
}
