/**
 * Finding and compiling the kernel module, the same way in every runtime.
 *
 * The `.wasm` files are located with `new URL("../../build/…", import.meta.url)`, a pattern that Node,
 * Deno, Bun, browsers and bundlers (vite) all understand. `file:` URLs are read with node:fs (through
 * process.getBuiltinModule, so browser bundles never see a Node import: Node 20's fetch cannot read
 * `file:`); anything else is fetched. On Node 20, whose V8 validates relaxed SIMD only behind a flag
 * that later Nodes reject, enableRelaxedSimd() turns it on before the relaxed build is tried.
 */
import { enableRelaxedSimd } from "./relaxed-flag.js";

/** Which kernel build: relaxed SIMD (FMA), plain SIMD, or the debug build with shape asserts. */
export type Variant = "relaxed" | "plain" | "debug";

/** Where a module can come from: raw bytes, a precompiled module, or a URL to read or fetch. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** The build files, one static `new URL` each so bundlers can see and emit them. */
function wasmUrl(variant: Variant): URL {
  switch (variant) {
    case "relaxed":
      return new URL("../../build/simdnet.relaxed.wasm", import.meta.url);
    case "plain":
      return new URL("../../build/simdnet.wasm", import.meta.url);
    case "debug":
      return new URL("../../build/simdnet.debug.wasm", import.meta.url);
  }
}

const NO_SIMD =
  "simdnet: this runtime does not support WebAssembly SIMD (128-bit), which simdnet's kernels need. " +
  "Use Node >= 16.4, Deno, Bun, Chrome/Edge >= 91, Firefox >= 89 or Safari >= 16.4.";

/**
 * Reads a URL's bytes: node:fs for file: URLs, fetch for everything else. `what` names the file in
 * errors and `fix` says how to make it (the build files are generated, not committed).
 */
export async function readUrl(url: URL, what = "the kernel module", fix = "Run `npm run asbuild` to build it."): Promise<Uint8Array<ArrayBuffer>> {
  // process.getBuiltinModule (Node >= 20.16, Deno, Bun), not import("node:fs"): no bundler or minifier
  // can turn it into a static Node import in a browser bundle. Runtimes without it fetch file: URLs.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = url.protocol === "file:" ? (proc?.getBuiltinModule?.("node:fs/promises") as typeof import("node:fs/promises") | undefined) : undefined;
  if (fs) {
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (err) {
      throw new Error(`simdnet: cannot read ${what} ${url.href}: ${String(err)}. ${fix}`);
    }
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`simdnet: fetching ${what} ${url.href} failed: ${String(err)}. ${fix}`);
  }
  if (!res.ok) throw new Error(`simdnet: fetching ${what} ${url.href} failed: HTTP ${res.status}. ${fix}`);
  return new Uint8Array(await res.arrayBuffer());
}

function isUrl(src: object): src is URL {
  return typeof URL !== "undefined" && src instanceof URL;
}

function isModule(src: WasmSource): src is WebAssembly.Module {
  return typeof WebAssembly !== "undefined" && src instanceof WebAssembly.Module;
}

/** (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt): validates exactly where 128-bit SIMD does (wasm-feature-detect's probe). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** True when this runtime has WebAssembly with 128-bit SIMD. */
export function supportsSimd(): boolean {
  return typeof WebAssembly !== "undefined" && WebAssembly.validate(SIMD_PROBE);
}

async function compile(bytes: BufferSource, what: string): Promise<WebAssembly.Module> {
  if (!WebAssembly.validate(bytes)) {
    const head = new Uint8Array(ArrayBuffer.isView(bytes) ? bytes.buffer : bytes, ArrayBuffer.isView(bytes) ? bytes.byteOffset : 0, Math.min(4, bytes.byteLength));
    if (head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d) {
      throw new Error(`simdnet: ${what} is not a WebAssembly module (it does not start with \\0asm): pass one of simdnet's build/*.wasm files`);
    }
    if (!supportsSimd()) throw new Error(`${NO_SIMD} (${what} did not validate)`);
    throw new Error(
      `simdnet: ${what} (${bytes.byteLength} bytes) does not validate although this runtime has WebAssembly SIMD: ` +
        "the file is truncated or corrupt. Rebuild it (`npm run asbuild` in a checkout) or reinstall simdnet",
    );
  }
  return WebAssembly.compile(bytes);
}

/**
 * True when this runtime validates relaxed SIMD: Chromium, Node 22 and later do, and Node 20 once
 * enableRelaxedSimd() has set its V8 flag (which this function does first).
 */
export async function supportsRelaxedSimd(bytes?: BufferSource): Promise<boolean> {
  enableRelaxedSimd();
  return WebAssembly.validate(bytes ?? (await readUrl(wasmUrl("relaxed"))));
}

const NO_RELAXED = 'simdnet: this runtime does not accept relaxed SIMD (WebAssembly relaxed SIMD: Chrome/Edge >= 114, Node >= 20, Deno, Bun); use variant "plain" or "auto"';

/**
 * The bytes of one of a build's two variants, urlOf(relaxed): the relaxed one unless "plain" is asked
 * for, kept when `WebAssembly.validate` accepts it; else the plain one ("auto") or an error ("relaxed").
 */
export async function readVariant(urlOf: (relaxed: boolean) => URL, requested: "auto" | Variant, what: string, fix?: string):
    Promise<{ bytes: Uint8Array<ArrayBuffer>; relaxed: boolean }> {
  if (requested !== "plain") {
    enableRelaxedSimd();
    const bytes = await readUrl(urlOf(true), what, fix);
    if (WebAssembly.validate(bytes)) return { bytes, relaxed: true };
    if (requested === "relaxed") throw new Error(NO_RELAXED);
  }
  return { bytes: await readUrl(urlOf(false), what, fix), relaxed: false };
}

/**
 * Compiles the kernel module. With an explicit `source`, that module is used as given; otherwise
 * "auto" reads the relaxed build and keeps it when `WebAssembly.validate` accepts it, else the plain one.
 */
export async function loadWasm(
  requested: "auto" | Variant,
  source?: WasmSource,
): Promise<{ module: WebAssembly.Module; variant: Variant }> {
  if (typeof WebAssembly === "undefined") throw new Error("simdnet: this runtime has no WebAssembly");
  if (source !== undefined) {
    if (isModule(source)) return { module: source, variant: requested === "auto" ? "plain" : requested };
    const bytes: BufferSource = typeof source === "string" ? await readUrl(new URL(source)) : isUrl(source) ? await readUrl(source) : source;
    return { module: await compile(bytes, "the given module"), variant: requested === "auto" ? "plain" : requested };
  }
  if (requested !== "plain") enableRelaxedSimd();
  if (requested === "auto") {
    const relaxed = await readUrl(wasmUrl("relaxed"));
    if (WebAssembly.validate(relaxed)) return { module: await WebAssembly.compile(relaxed), variant: "relaxed" };
    return { module: await compile(await readUrl(wasmUrl("plain")), "simdnet.wasm"), variant: "plain" };
  }
  if (requested === "relaxed") {
    const relaxed = await readUrl(wasmUrl("relaxed"));
    if (!WebAssembly.validate(relaxed)) {
      throw new Error(NO_RELAXED);
    }
    return { module: await WebAssembly.compile(relaxed), variant: "relaxed" };
  }
  return { module: await compile(await readUrl(wasmUrl(requested)), `simdnet ${requested} build`), variant: requested };
}
