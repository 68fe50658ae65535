/**
 * Relaxed SIMD on Node 20: V8 11.3 validates relaxed-SIMD modules only behind
 * `--experimental-wasm-relaxed-simd`, a flag that Node 22 and later (relaxed SIMD on by default) reject
 * as a bad option. Instead of passing it on the command line, entry points call this before the first
 * kernel module is compiled: where the runtime already validates relaxed SIMD it does nothing, and on
 * Node 20 it turns the feature on through `v8.setFlagsFromString` (V8 reads wasm feature flags when it
 * validates, so this works after start-up). Deno and Bun are left alone.
 */

/** A module with one function that uses i8x16.relaxed_swizzle: validates exactly where relaxed SIMD does. */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 43, 1, 41, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 128, 2, 11,
]);

/** True when this runtime validates relaxed-SIMD modules as it stands. */
export function validatesRelaxedSimd(): boolean {
  return typeof WebAssembly !== "undefined" && WebAssembly.validate(RELAXED_PROBE);
}

/**
 * Makes relaxed SIMD available on Node 20 (a no-op where it already is, or where it cannot be). Returns
 * whether the runtime validates relaxed SIMD afterwards; without it simdnet uses its plain SIMD build.
 */
export function enableRelaxedSimd(): boolean {
  if (validatesRelaxedSimd()) return true;
  const g = globalThis as { process?: { versions?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown }; Deno?: unknown; Bun?: unknown };
  const versions = g.process?.versions;
  if (!versions?.node || versions.bun || g.Deno || g.Bun) return false;
  const v8 = g.process?.getBuiltinModule?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
  try {
    v8?.setFlagsFromString?.("--experimental-wasm-relaxed-simd");
  } catch {
    return false;
  }
  return validatesRelaxedSimd();
}
