/**
 * "simdnet/infer": load a saved model and predict, and nothing else (no trainer, CLI, data or PNG code).
 * It runs the inference-only kernel build (build/simdnet.infer{,.relaxed}.wasm: forward kernels only)
 * instantiated without @assemblyscript/loader, so a bundle of this entry is this file's imports plus
 * one ~20 KB module. Edge workers that cannot read files pass the module they import:
 * `loadModel(bytes, { wasm: precompiledModule })`.
 */
import { Engine, type Kernels } from "./wasm/engine.js";
import { INFER_KERNELS } from "./wasm/kernels.js";
import { loadWasm, readUrl, readVariant, type WasmSource } from "./wasm/load.js";
import { deserializeModel, isSimdnetModel, type ModelHeader } from "./io/model.js";
import type { Network } from "./network.js";

export type { Network } from "./network.js";
export type { ModelHeader } from "./io/model.js";
export type { Engine, Kernels, Ptr, Variant, WasmSource } from "./wasm/engine.js";
export { supportsSimd } from "./wasm/load.js";

/** Options for {@link createInferenceEngine} and {@link loadModel}. */
export interface InferOptions {
  /**
   * The kernel module: a precompiled `WebAssembly.Module` (Cloudflare Workers import one), its bytes,
   * or a URL. Default: simdnet.infer.relaxed.wasm where relaxed SIMD validates, else simdnet.infer.wasm,
   * both found next to this file. The full builds (simdnet{,.relaxed}.wasm) work too.
   */
  wasm?: WasmSource;
  /** "auto" (default) prefers relaxed SIMD (FMA); "plain" gives bit-identical outputs in every runtime. */
  variant?: "auto" | "relaxed" | "plain";
  /** Run on this engine instead of creating one (several models can share one memory). */
  engine?: Engine;
  /** Growth ceiling of the engine's memory in 64 KiB pages (default 32768 = 2 GiB). */
  maximumPages?: number;
}

const FIX = "it ships in simdnet's dist/build/ (in a checkout, `npm run asbuild` builds it); reinstall simdnet or pass { wasm }";

/** One static `new URL` per build, so bundlers see and emit both files. */
function inferUrl(relaxed: boolean): URL {
  return relaxed ? new URL("../build/simdnet.infer.relaxed.wasm", import.meta.url) : new URL("../build/simdnet.infer.wasm", import.meta.url);
}

/** The bytes of the inference build to run: relaxed when asked for (or "auto" and it validates), else plain. */
async function defaultModule(variant: "auto" | "relaxed" | "plain"): Promise<Uint8Array<ArrayBuffer>> {
  return (await readVariant(inferUrl, variant, "the inference kernels (simdnet.infer[.relaxed].wasm)", FIX)).bytes;
}

/**
 * Compiles and instantiates the inference kernels over a fresh memory. Throws an Error that names the
 * problem and the fix when the runtime lacks WebAssembly SIMD or the module is missing, corrupt or not
 * a simdnet kernel build.
 */
export async function createInferenceEngine(options: InferOptions = {}): Promise<Engine> {
  const variant = options.variant ?? "auto";
  if (variant !== "auto" && variant !== "relaxed" && variant !== "plain") {
    throw new TypeError(`simdnet: unknown variant ${JSON.stringify(variant)}; expected "auto", "relaxed" or "plain"`);
  }
  const maxPages = options.maximumPages ?? 32768;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 65536) {
    throw new RangeError(`simdnet: maximumPages must be an integer in [1, 65536], got ${maxPages}`);
  }
  const source = options.wasm ?? (await defaultModule(variant));
  const { module } = await loadWasm(variant === "auto" ? "plain" : variant, source);
  const what = options.wasm === undefined ? "the inference build" : "the given module";
  if (!WebAssembly.Module.imports(module).some((i) => i.kind === "memory")) {
    throw new Error(`simdnet: ${what} does not import its memory, so it is not a simdnet kernel build; ${FIX}`);
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = INFER_KERNELS.filter((name) => !exported.has(name)); // a module without one is not a simdnet kernel build
  if (missing.length > 0) {
    throw new Error(`simdnet: ${what} lacks the kernels ${missing.join(", ")}: it is not a simdnet kernel build of this version; ${FIX}`);
  }
  const memory = new WebAssembly.Memory({ initial: Math.min(16, maxPages), maximum: maxPages });
  const abort = (): never => {
    throw new Error("simdnet: a kernel aborted (a shape precondition failed)");
  };
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort } });
  const k = instance.exports as unknown as Kernels;
  return new Engine(memory, k, k.relaxed_simd() ? "relaxed" : "plain", maxPages);
}

/** Where a model comes from: its bytes (simdnet's format or network2.py's JSON), or a URL to fetch/read. */
export type ModelSource = Uint8Array | ArrayBuffer | URL | string;

/** The bytes of a model source: bytes as given, URLs (relative strings resolve against the page) read or fetched. */
export async function readModelSource(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const base = typeof location !== "undefined" ? location.href : undefined;
  let url: URL;
  try {
    url = source instanceof URL ? source : new URL(source, base);
  } catch {
    throw new TypeError(`simdnet: ${JSON.stringify(source)} is not a URL: pass the model's bytes (in Node, readFile's result) or a URL`);
  }
  return readUrl(url, "the model", "check the model's URL or path");
}

/**
 * Loads a model saved by `saveModel` / `serializeModel` (or network2.py's JSON) and returns the
 * network, ready for `net.predict(inputs)` (classes) and `net.feedforward(inputs)` (outputs), with its
 * header. Strings are URLs (relative ones resolve against the page in browsers). A file from a newer
 * format version, a truncated file or corrupt weights give an Error naming the problem. ONNX files load
 * with "simdnet/onnx"'s `loadModel` (the same call, both formats), which keeps the importer out of this entry.
 */
export async function loadModel(source: ModelSource, options: InferOptions = {}): Promise<{ net: Network; header: ModelHeader }> {
  const engine = options.engine ?? (await createInferenceEngine(options));
  const bytes = await readModelSource(source);
  if (!isSimdnetModel(bytes)) {
    throw new Error(`simdnet: not a simdnet model (it does not start with "SNNM" or network2 JSON "{"); an ONNX model loads with loadModel or loadOnnx from "simdnet/onnx", which take both formats`);
  }
  return deserializeModel(bytes, { engine });
}
