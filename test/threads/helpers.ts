// Shared by test/threads/*: threaded engines (one per thread count and build, created once per file and
// disposed after it), whether this runtime can run threads at all, and deterministic inputs.
import { afterAll, beforeAll } from "vitest";
import { splitPolicy } from "../../src/wasm/parallel.js";
import { createEngine, type Engine } from "../../src/wasm/engine.js";
import type { Variant } from "../../src/wasm/load.js";
import { threadsUnavailable } from "../../src/wasm/threads.js";

/** Why threads cannot run here (a browser page without cross-origin isolation), or null. */
export const NO_THREADS = threadsUnavailable();

const engines = new Map<string, Promise<Engine>>();

/** An engine with `threads` threads (1: the plain single-threaded engine) on the given build. */
export function threaded(threads: number, variant: Variant = "plain"): Promise<Engine> {
  const key = `${threads}/${variant}`;
  let e = engines.get(key);
  if (!e) {
    e = createEngine({ variant, threads });
    engines.set(key, e);
  }
  return e;
}

afterAll(async () => {
  for (const e of engines.values()) (await e).dispose();
  engines.clear();
});

/** n values in [-1, 1), deterministic for a given phase. */
export function values(n: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + phase * 1.37) * Math.cos(i * 0.113 + phase));
}

/** For the calling test file: split every kernel however small (thresholds 0), restored afterwards. */
export function splitEverything(): void {
  const saved = { ...splitPolicy };
  beforeAll(() => {
    splitPolicy.minFlops = 0;
    splitPolicy.minValues = 0;
  });
  afterAll(() => {
    splitPolicy.minFlops = saved.minFlops;
    splitPolicy.minValues = saved.minValues;
  });
}
