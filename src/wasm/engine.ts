/**
 * One WebAssembly.Memory, the compiled kernels, and a bump arena over that memory.
 *
 * TS owns the memory and all of its growth; AssemblyScript never allocates (`runtime: "stub"`).
 * Networks allocate their parameters, gradients and activations once, then reuse them every step
 * (llm.c's malloc_and_point_*), so a training step never grows memory and never detaches a view.
 */
import { instantiate } from "@assemblyscript/loader";
import type { Kernels, Ptr } from "./kernels.js";
import { loadWasm, type Variant, type WasmSource } from "./load.js";
import type { Pool } from "./pool.js";

export type { Ptr, Kernels } from "./kernels.js";
export type { Variant, WasmSource } from "./load.js";

const PAGE = 65536;
const ALIGN = 16;
/** wasm32's own ceiling: 65536 pages of 64 KiB = 4 GiB. */
const MAX_PAGES_LIMIT = 65536;

/** Options for {@link createEngine}. */
export interface EngineOptions {
  /**
   * Which kernel build to run: "auto" (default) picks "relaxed" when this runtime validates relaxed
   * SIMD, else "plain"; "debug" keeps the kernels' assert() shape preconditions.
   */
  variant?: "auto" | Variant;
  /**
   * The module itself, for runtimes that cannot read files (edge workers accept only a precompiled
   * `WebAssembly.Module`): bytes, a Module, or a URL to fetch/read. Overrides `variant`'s file lookup.
   */
  wasm?: WasmSource;
  /** Initial memory in 64 KiB pages (default: what the module's static data needs, at least 16). */
  initialPages?: number;
  /** Growth ceiling in 64 KiB pages (default 32768 = 2 GiB; at most 65536). */
  maximumPages?: number;
  /**
   * Threads for the big kernels (GEMM, convolution): 1 (default: no workers), a count n (a shared
   * memory, the threads build and n − 1 workers; throws where shared memory is unavailable), or "auto"
   * (the available cores, or 1 with the reason in {@link Engine.threadsNote}, e.g. in a page that is
   * not cross-origin isolated, or where the workers fail to start). Call {@link Engine.dispose} to stop the workers.
   */
  threads?: number | "auto";
  /** How long the calling thread waits for a worker's part of a kernel before it throws (default 60000 ms). */
  threadTimeoutMs?: number;
}

/** Rounds n up to the next multiple of ALIGN bytes. */
function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/**
 * The kernels and their memory. Create one with {@link createEngine}; everything else (tensors,
 * layers, networks) is built on an engine and shares its memory.
 */
export class Engine {
  /**
   * The kernels, the one way every layer, trainer and data path calls them: pointers and sizes only
   * (src/wasm/kernels.ts). With one thread these are the module's exports themselves; with threads,
   * the kernels that split (src/wasm/parallel.ts's SPLITS) run across the pool when it pays.
   */
  readonly k: Kernels;
  /** Which build is running: "relaxed" (FMA), "plain" SIMD, or "debug". */
  readonly variant: Variant;
  readonly memory: WebAssembly.Memory;
  /** Bumped every time the memory grows: views made before then are detached. */
  generation = 0;
  /** Shared GEMM packing scratch (gemm_scratch_floats() f32). */
  readonly gemmScratch: Ptr;
  /** Threads the kernels split across (src/wasm/parallel.ts): 1 unless createEngine was given `threads`. */
  threads = 1;
  /** Why `threads: "auto"` settled on one thread ("" otherwise). */
  threadsNote = "";
  /** The worker pool when threads > 1. */
  pool: Pool | null = null;
  /** GEMM packing scratch per thread: [0] is gemmScratch. */
  scratches: Ptr[];

  private readonly base: Ptr;
  private top: Ptr;
  private readonly maxPages: number;
  private keep: Ptr;
  private viewF32: Float32Array;
  private viewI32: Int32Array;
  private viewU8: Uint8Array;

  /** Use {@link createEngine}. */
  constructor(memory: WebAssembly.Memory, kernels: Kernels, variant: Variant, maxPages: number) {
    this.memory = memory;
    this.k = kernels;
    this.variant = variant;
    this.maxPages = maxPages;
    this.base = align(kernels.heap_base());
    this.top = this.base;
    this.viewF32 = new Float32Array(memory.buffer);
    this.viewI32 = new Int32Array(memory.buffer);
    this.viewU8 = new Uint8Array(memory.buffer);
    this.gemmScratch = this.alloc(kernels.gemm_scratch_floats());
    this.scratches = [this.gemmScratch];
    this.keep = this.top;
  }

  /**
   * Used by createEngine's threads path: the pool, every thread's scratch (kept by reset()) and the
   * kernels that split across them (src/wasm/parallel.ts's splitKernels), which become {@link k}.
   */
  attachPool(pool: Pool, scratches: Ptr[], kernels: Kernels): void {
    (this as { k: Kernels }).k = kernels;
    this.pool = pool;
    this.threads = pool.size;
    this.scratches = scratches;
    this.keep = this.top;
  }

  /** Stops the engine's worker threads (nothing to do with one thread); kernels that split throw afterwards. */
  dispose(): void {
    this.pool?.dispose();
  }

  /** Bytes handed out so far, including AssemblyScript's static data below the arena. */
  get bytesUsed(): number {
    return this.top;
  }

  /** Bytes the memory holds now (used or not). */
  get bytesReserved(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Reserves n f32 (or i32) values, zero-filled and 16-byte aligned, growing the memory if needed.
   * Growing detaches every view made before: use {@link f32} afresh after any alloc.
   */
  alloc(n: number): Ptr {
    return this.allocBytes(4 * n);
  }

  /** Reserves n bytes, zero-filled and 16-byte aligned. */
  allocBytes(n: number): Ptr {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`simdnet: allocation size must be a non-negative integer, got ${n}`);
    }
    const ptr = this.top;
    const top = align(ptr + n);
    this.reserve(top);
    this.top = top;
    this.u8(ptr, n).fill(0);
    return ptr;
  }

  /**
   * Ensures the memory holds at least `bytes` bytes, growing it once; networks call this with their
   * whole need up front so that nothing grows mid-training.
   */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > this.maxPages) {
      throw new RangeError(
        `simdnet: out of memory: need ${bytes} bytes (${pages} pages of 64 KiB), but the engine's ` +
          `maximum is ${this.maxPages} pages (${(this.maxPages * PAGE) / 2 ** 20} MiB); ` +
          `pass a larger maximumPages to createEngine (at most ${MAX_PAGES_LIMIT}) or use smaller batches`,
      );
    }
    try {
      this.memory.grow(pages - have / PAGE);
    } catch (err) {
      throw new RangeError(`simdnet: the runtime refused to grow memory to ${bytes} bytes: ${String(err)}`);
    }
    this.generation++;
  }

  /** The current arena top, to hand to {@link release} and free everything allocated after it. */
  mark(): Ptr {
    return this.top;
  }

  /** Frees everything allocated since `mark` (a stack discipline: scratch for one computation). */
  release(mark: Ptr): void {
    if (mark < this.base || mark > this.top || mark % ALIGN !== 0) {
      throw new RangeError(`simdnet: release(${mark}) is not a mark of this arena (base ${this.base}, top ${this.top})`);
    }
    this.top = mark;
  }

  /** Drops every allocation except the engine's own scratch. Every Tensor made before is invalid. */
  reset(): void {
    this.top = this.keep;
  }

  private refresh(): void {
    if (this.viewF32.buffer !== this.memory.buffer) {
      this.viewF32 = new Float32Array(this.memory.buffer);
      this.viewI32 = new Int32Array(this.memory.buffer);
      this.viewU8 = new Uint8Array(this.memory.buffer);
    }
  }

  /** A view of the whole memory as f32, rebuilt after growth. Index with ptr >> 2. */
  get heapF32(): Float32Array {
    this.refresh();
    return this.viewF32;
  }

  /** A view of the whole memory as i32, rebuilt after growth. Index with ptr >> 2. */
  get heapI32(): Int32Array {
    this.refresh();
    return this.viewI32;
  }

  /** A fresh view of n f32 at ptr. Don't keep it across alloc(): growing memory detaches it. */
  f32(ptr: Ptr, n: number): Float32Array {
    this.checkRange(ptr, 4 * n);
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh view of n i32 at ptr. Don't keep it across alloc(). */
  i32(ptr: Ptr, n: number): Int32Array {
    this.checkRange(ptr, 4 * n);
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh view of n bytes at ptr. Don't keep it across alloc(). */
  u8(ptr: Ptr, n: number): Uint8Array {
    this.checkRange(ptr, n);
    return new Uint8Array(this.memory.buffer, ptr, n);
  }

  /** Copies values into the f32 buffer at ptr. */
  write(ptr: Ptr, values: ArrayLike<number>): void {
    this.f32(ptr, values.length).set(values);
  }

  /** Copies n f32 out of memory at ptr into a new array (safe to keep). */
  read(ptr: Ptr, n: number): Float32Array {
    return this.f32(ptr, n).slice();
  }

  /** Allocates and fills an f32 buffer in one go. */
  allocFrom(values: ArrayLike<number>): Ptr {
    const ptr = this.alloc(values.length);
    this.write(ptr, values);
    return ptr;
  }

  private checkRange(ptr: Ptr, bytes: number): void {
    if (!Number.isInteger(ptr) || !Number.isInteger(bytes) || ptr < 0 || bytes < 0 || ptr + bytes > this.top) {
      throw new RangeError(
        `simdnet: buffer [${ptr}, ${ptr + bytes}) is outside the arena's allocations [${this.base}, ${this.top})`,
      );
    }
  }

  /** Throws unless [ptr, ptr + 4n) lies inside what the arena handed out (used by the op wrappers). */
  assertF32(ptr: Ptr, n: number, what: string): void {
    if (!Number.isInteger(ptr) || ptr % 4 !== 0 || ptr < this.base || ptr + 4 * n > this.top) {
      throw new RangeError(
        `simdnet: ${what}: ${n} f32 at ${ptr} lie outside the arena's allocations [${this.base}, ${this.top})`,
      );
    }
  }
}

/**
 * Loads the kernels and creates an engine with its own memory. Works unchanged in Node, Deno, Bun,
 * browsers (plain or bundled by vite) and vitest; edge runtimes pass `{ wasm: precompiledModule }`.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const requested = options.variant ?? "auto";
  if (!["auto", "relaxed", "plain", "debug"].includes(requested)) {
    throw new TypeError(`simdnet: unknown engine variant ${JSON.stringify(requested)}; expected "auto", "relaxed", "plain" or "debug"`);
  }
  const maxPages = options.maximumPages ?? 32768;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_PAGES_LIMIT) {
    throw new RangeError(`simdnet: maximumPages must be an integer in [1, ${MAX_PAGES_LIMIT}], got ${maxPages}`);
  }
  let note = "";
  if (options.threads !== undefined && options.threads !== 1) {
    const threads = await import("./threads.js");
    const { n, note: why } = threads.resolveThreads(options.threads, options);
    note = why;
    if (n > 1) {
      if (options.threads !== "auto") return threads.createThreadedEngine(n, options, maxPages);
      // "auto" never fails for want of threads: workers that cannot start (a runtime that has Worker
      // but refuses the pool's module worker, say) mean one thread, with the reason in threadsNote
      try {
        return await threads.createThreadedEngine(n, options, maxPages);
      } catch (err) {
        note = `one thread: ${String((err as Error)?.message ?? err).replace(/^simdnet: /, "")}`;
      }
    }
  }
  const { module, variant } = await loadWasm(requested, options.wasm);
  const declared = WebAssembly.Module.imports(module).find((i) => i.kind === "memory");
  if (!declared) throw new Error("simdnet: this .wasm does not import its memory; it is not a simdnet kernel build");
  const initial = Math.min(maxPages, Math.max(options.initialPages ?? 16, 1));
  const memory = new WebAssembly.Memory({ initial, maximum: maxPages });
  const { exports } = await instantiate<Record<string, unknown>>(module, { env: { memory } });
  const kernels = exports as unknown as Kernels;
  const actual: Variant = kernels.debug_build() ? "debug" : kernels.relaxed_simd() ? "relaxed" : "plain";
  if (options.wasm === undefined && actual !== variant) {
    throw new Error(`simdnet: expected the ${variant} build but loaded the ${actual} one`);
  }
  const engine = new Engine(memory, kernels, actual, maxPages);
  engine.threadsNote = note;
  return engine;
}

let shared: Engine | null = null;

/**
 * Creates the engine that networks use when none is passed (`new Network([784, 30, 10])`). Call once
 * at start-up; later calls return the same engine unless options are given.
 */
export async function init(options?: EngineOptions): Promise<Engine> {
  if (!shared || options) shared = await createEngine(options);
  return shared;
}

/** The engine {@link init} created; throws a clear error if init() has not been awaited yet. */
export function defaultEngine(): Engine {
  if (!shared) throw new Error("simdnet: no engine yet: `await init()` once before building networks, or pass { engine }");
  return shared;
}
