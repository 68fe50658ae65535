// The worker pool and the `threads` option: bad values, "auto", errors from a worker surfacing on the
// caller, a dead worker making the caller throw within the timeout (nothing hangs), use after
// dispose(), and kernels on memory that grew after the workers started.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/wasm/engine.js";
import { splitPolicy } from "../../src/wasm/parallel.js";
import { availableCores } from "../../src/wasm/threads.js";
import { Pool } from "../../src/wasm/pool.js";
import { readUrl } from "../../src/wasm/load.js";
import { gemmRef } from "../reference/gemm.js";
import { expectClose } from "../helpers.js";
import { NO_THREADS, values } from "./helpers.js";

describe("createEngine threads option", () => {
  it("rejects counts that are not positive integers", async () => {
    for (const bad of [0, -1, 1.5, NaN, "two"]) {
      await expect(createEngine({ threads: bad as number })).rejects.toThrow(/threads must be a positive integer or "auto"/);
    }
  });

  it("threads: 1 is the single-threaded engine, no pool", async () => {
    const e = await createEngine({ threads: 1 });
    expect(e.threads).toBe(1);
    expect(e.pool).toBeNull();
    e.dispose();
  });

  it('"auto" takes every core, or one thread with the reason', async () => {
    const e = await createEngine({ threads: "auto" });
    if (NO_THREADS) {
      expect(e.threads).toBe(1);
      expect(e.threadsNote).toMatch(/cross-origin isolated|shared/);
    } else {
      expect(e.threads).toBe(availableCores());
      expect(e.threadsNote === "" || e.threads === 1).toBe(true);
    }
    e.dispose();
  });

  it.skipIf(NO_THREADS)('"auto" falls back to one thread with the reason when the workers cannot start', async () => {
    // A Worker that looks at its Blob URL only later, as Bun does, and then refuses to run: "auto" must
    // not throw, and the URL must still be alive when the worker gets to it (Bun: "Blob URL is missing").
    const g = globalThis as { Worker?: unknown };
    const saved = g.Worker;
    const alive = async (url: string): Promise<boolean> => {
      const buffer = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:buffer") as typeof import("node:buffer") | undefined;
      if (buffer) return buffer.resolveObjectURL(url) !== undefined;
      return fetch(url).then(() => true, () => false);
    };
    g.Worker = class extends EventTarget {
      constructor(url: string) {
        super();
        setTimeout(async () => {
          const why = (await alive(url)) ? "this runtime refuses module workers" : "Blob URL is missing";
          this.dispatchEvent(Object.assign(new Event("error"), { message: why }));
        }, 20);
      }
      postMessage(): void {}
      terminate(): void {}
    };
    try {
      const e = await createEngine({ variant: "plain", threads: "auto" });
      expect(e.threads).toBe(1);
      expect(e.pool).toBeNull();
      expect(e.threadsNote).toMatch(/^one thread: pool worker \d failed to load: the worker failed: this runtime refuses module workers$/);
      e.dispose();
      await expect(createEngine({ variant: "plain", threads: 2 })).rejects.toThrow(/pool worker 1 failed to load: the worker failed: this runtime refuses module workers/);
    } finally {
      g.Worker = saved;
      if (saved === undefined) delete g.Worker;
    }
  });

  it.runIf(NO_THREADS)("an explicit count throws where shared memory is unavailable", async () => {
    await expect(createEngine({ threads: 2 })).rejects.toThrow(/cannot run 2 threads: shared memory is unavailable/);
  });

  it.skipIf(NO_THREADS)("refuses the debug build and a given module for an explicit count", async () => {
    await expect(createEngine({ threads: 2, variant: "debug" })).rejects.toThrow(/debug build is single-threaded/);
    await expect(createEngine({ threads: 2, wasm: new Uint8Array(8) })).rejects.toThrow(/not the threads build/);
  });
});

describe.skipIf(NO_THREADS)("worker pool", () => {
  it("a worker that throws surfaces as an Error on the caller, and the pool keeps working", async () => {
    const e = await createEngine({ variant: "plain", threads: 2 });
    const buf = e.alloc(64);
    expect(() => e.pool!.run([{ fn: "fill", args: [buf, 64, 1] }, { fn: "fill", args: [2 ** 31, 64, 2] }]))
      .toThrow(/worker 1 \(fill\): .*out of bounds/);
    expect(e.read(buf, 64).every((v) => v === 1)).toBe(true); // the caller's part ran all the same
    e.pool!.run([{ fn: "fill", args: [buf, 32, 3] }, { fn: "fill", args: [buf + 128, 32, 4] }]);
    expect(Array.from(e.read(buf, 64))).toEqual([...Array(32).fill(3), ...Array(32).fill(4)]);
    expect(() => e.pool!.run([{ fn: "fill", args: [buf, 1, 1] }, { fn: "no_such_kernel", args: [] }])).toThrow(/no kernel no_such_kernel/);
    e.dispose();
  });

  it("a dead worker makes the caller throw, then the pool stays broken", async () => {
    const e = await createEngine({ variant: "plain", threads: 2, threadTimeoutMs: 300 });
    const buf = e.alloc(16);
    e.pool!.killWorkerForTesting(1);
    // termination is asynchronous; Chromium forces it on a worker that never yields only after 2 s
    await new Promise((r) => setTimeout(r, typeof window === "undefined" ? 100 : 2500));
    const t0 = performance.now();
    expect(() => e.pool!.run([{ fn: "fill", args: [buf, 8, 1] }, { fn: "fill", args: [buf + 32, 8, 2] }]))
      .toThrow(/worker 1 (stopped|did not finish)/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(() => e.pool!.run([{ fn: "fill", args: [buf, 8, 1] }, { fn: "fill", args: [buf + 32, 8, 2] }])).toThrow(/broken/);
    e.dispose();
  });

  it("a worker that does not answer within the timeout makes the caller throw instead of waiting", async () => {
    const e = await createEngine({ variant: "plain", threads: 2, threadTimeoutMs: 20 });
    const M = 1024, N = 1024, K = 512; // ~1 GFLOP of the unpacked loop: far longer than 20 ms
    const a = e.alloc(M * K), b = e.alloc(K * N), c = e.alloc(M * N), small = e.alloc(8);
    const t0 = performance.now();
    expect(() => e.pool!.run([{ fn: "fill", args: [small, 8, 1] }, { fn: "gemm_simple", args: [c, a, b, M, N, K, 0, 0, 1, 0] }]))
      .toThrow(/did not finish a task within 20 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(() => e.pool!.run([{ fn: "fill", args: [small, 8, 1] }])).toThrow(/broken/);
    e.dispose();
  });

  it("a worker that fails to load rejects with its reason", async () => {
    const e = await createEngine({ variant: "plain" }); // its module imports an unshared memory
    const memory = new WebAssembly.Memory({ initial: 20, maximum: 100, shared: true });
    const bytes = await readUrl(new URL("../../build/simdnet.wasm", import.meta.url));
    await expect(Pool.create(await WebAssembly.compile(bytes), memory, 1024, 1, e.k as unknown as Record<string, unknown>, 1000))
      .rejects.toThrow(/pool worker 1 failed to load: .*(shared|memory)/i);
  });

  it("throws when used after dispose()", async () => {
    const e = await createEngine({ variant: "plain", threads: 2 });
    const buf = e.alloc(16);
    e.dispose();
    e.dispose(); // idempotent
    expect(() => e.pool!.run([{ fn: "fill", args: [buf, 8, 1] }, { fn: "fill", args: [buf + 32, 8, 2] }])).toThrow(/after dispose\(\)/);
  });

  it("splits kernels over memory that grew after the workers started", async () => {
    const e = await createEngine({ variant: "plain", threads: 2, initialPages: 40 });
    const before = e.bytesReserved;
    const M = 96, N = 40, K = 50;
    const pad = e.alloc(4 << 20); // 16 MiB: the memory grows in place, the workers see it
    expect(e.bytesReserved).toBeGreaterThan(before);
    const A = values(M * K, 1), B = values(K * N, 2);
    const a = e.allocFrom(A), b = e.allocFrom(B), c = e.alloc(M * N);
    expect(c).toBeGreaterThan(before);
    const saved = splitPolicy.minFlops;
    splitPolicy.minFlops = 0;
    try {
      e.k.gemm(c, a, b, e.gemmScratch, M, N, K, 0, 0, 1, 0);
    } finally {
      splitPolicy.minFlops = saved;
    }
    expectClose(e.read(c, M * N), gemmRef([], A, B, M, N, K, false, false, 1, 0));
    expect(pad).toBeGreaterThan(0);
    e.dispose();
  });
});
