// Shared test helpers: one engine per kernel build, seeded inputs, and allclose-style comparisons.
import { expect } from "vitest";
import { createEngine, type Engine } from "../src/wasm/engine.js";
import type { Variant } from "../src/wasm/load.js";

export { RefRng } from "./reference/rng.js";

/** The builds every kernel test runs against: both production builds, plus debug where asked. */
export const VARIANTS: readonly Variant[] = ["plain", "relaxed"];

const engines = new Map<Variant, Promise<Engine>>();

/** A shared engine for this build (tests allocate with mark/release so it never fills up). */
export function engine(variant: Variant = "plain"): Promise<Engine> {
  let e = engines.get(variant);
  if (!e) {
    e = createEngine({ variant });
    engines.set(variant, e);
  }
  return e;
}

/** A big-endian IDX file: magic, then dims, then the data bytes (hand-built test inputs). */
export function idxBytes(magic: number, dims: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 * (1 + dims.length) + data.length);
  const view = new DataView(out.buffer);
  [magic, ...dims].forEach((w, k) => view.setUint32(4 * k, w, false));
  out.set(data, 4 * (1 + dims.length));
  return out;
}

/** Runs fn and frees whatever it allocated in the engine's arena. */
export function scoped<T>(e: Engine, fn: () => T): T {
  const mark = e.mark();
  try {
    return fn();
  } finally {
    e.release(mark);
  }
}

/** Sizes around the 4-lane SIMD width and the 6x8 / 4x8 GEMM tiles. */
export const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 67] as const;

/** max_i |a_i - b_i| / max(|a_i| + |b_i|, tiny): ConvNetJS's symmetric relative error. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const den = Math.max(Math.abs(a[i]) + Math.abs(b[i]), 1e-8);
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / den);
  }
  return worst;
}

/** |actual - expected| <= atol + rtol * |expected| everywhere (numpy's allclose; llm.c's t_eff). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${atol} + ${rtol}*|expected|)`);
    }
  }
}

/** The bytes of a kernel build, read the way the runtime can (node:fs under Node, fetch in a browser). */
export async function buildBytes(file: "simdnet.wasm" | "simdnet.relaxed.wasm"): Promise<Uint8Array<ArrayBuffer>> {
  // one static `new URL` per file: a template string would make vite glob the whole build/ folder
  const url = file === "simdnet.wasm" ? new URL("../build/simdnet.wasm", import.meta.url) : new URL("../build/simdnet.relaxed.wasm", import.meta.url);
  if (url.protocol === "file:") {
    const fsName = "node:fs/promises";
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import("node:fs/promises");
    return new Uint8Array(await fs.readFile(url));
  }
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
