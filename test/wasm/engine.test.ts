import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/wasm/engine.js";
import { Tensor } from "../../src/tensor.js";
import { buildBytes } from "../helpers.js";
import { enableRelaxedSimd, validatesRelaxedSimd } from "../../src/wasm/relaxed-flag.js";

describe("createEngine", () => {
  it("enableRelaxedSimd leaves relaxed SIMD validating on every Node from 20 (no command-line flag) and in Chromium", () => {
    expect(enableRelaxedSimd()).toBe(true);
    expect(validatesRelaxedSimd()).toBe(true);
    expect(enableRelaxedSimd()).toBe(true);   // idempotent
  });

  it("picks the relaxed build where relaxed SIMD validates (Node 20 through the loader's V8 flag; Node 22+ and Chromium by default)", async () => {
    const e = await createEngine();
    expect(e.variant).toBe("relaxed");
    expect(e.k.relaxed_simd()).toBe(1);
  });

  it("loads each build on request and reports it", async () => {
    for (const v of ["plain", "relaxed", "debug"] as const) {
      const e = await createEngine({ variant: v });
      expect(e.variant).toBe(v);
      expect(e.k.debug_build()).toBe(v === "debug" ? 1 : 0);
    }
  });

  it("accepts bytes and a precompiled WebAssembly.Module (edge runtimes) and reports the build it got", async () => {
    const bytes = await buildBytes("simdnet.wasm");
    expect((await createEngine({ wasm: bytes })).variant).toBe("plain");
    enableRelaxedSimd();   // what the loader does first (Node 20's V8 validates relaxed SIMD only behind a flag)
    const mod = await WebAssembly.compile(await buildBytes("simdnet.relaxed.wasm"));
    expect((await createEngine({ wasm: mod })).variant).toBe("relaxed");
  });

  it("rejects bytes that are not WebAssembly with a clear message", async () => {
    await expect(createEngine({ wasm: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) })).rejects.toThrow(/not a WebAssembly module/);
  });

  it("rejects unknown variants and bad memory limits", async () => {
    await expect(createEngine({ variant: "fast" as never })).rejects.toThrow(/unknown engine variant "fast"/);
    await expect(createEngine({ maximumPages: 0 })).rejects.toThrow(/maximumPages/);
    await expect(createEngine({ maximumPages: 70000 })).rejects.toThrow(/maximumPages/);
  });

  it("turns a debug-build assert into a readable JS error, not a trap", async () => {
    const e = await createEngine({ variant: "debug" });
    const p = e.alloc(16);
    expect(() => e.k.gemm(p, p, p, e.gemmScratch, -1, 2, 2, 0, 0, 1, 0)).toThrow(/abort: .+ at assembly\/kernels\/gemm\.ts:\d+/);
  });
});

describe("Engine arena", () => {
  it("hands out 16-byte aligned, zero-filled, non-overlapping buffers", async () => {
    const e = await createEngine({ variant: "plain" });
    const a = e.alloc(3);
    const b = e.alloc(5);
    expect(a % 16).toBe(0);
    expect(b % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 12);
    e.f32(a, 3).fill(7);
    expect([...e.f32(b, 5)]).toEqual([0, 0, 0, 0, 0]);
  });

  it("grows memory, bumps the generation, and rebuilds tensor views", async () => {
    const e = await createEngine({ variant: "plain", initialPages: 1 });
    const t = Tensor.from(e, [2, 2], [1, 2, 3, 4]);
    const old = t.data;
    const g = e.generation;
    e.alloc(4 * 65536); // 1 MiB: forces growth
    expect(e.generation).toBeGreaterThan(g);
    expect(old.length).toBe(0); // growth detached the old view
    expect([...t.data]).toEqual([1, 2, 3, 4]); // the tensor rebuilt its view; the pointer stayed valid
  });

  it("mark/release reuses memory; release rejects a foreign mark", async () => {
    const e = await createEngine({ variant: "plain" });
    const m = e.mark();
    const a = e.alloc(100);
    e.release(m);
    expect(e.alloc(100)).toBe(a);
    expect(() => e.release(m + 4)).toThrow(/not a mark/);
  });

  it("fails with a clear error beyond the maximum memory", async () => {
    const e = await createEngine({ variant: "plain", maximumPages: 32 });
    expect(() => e.alloc(1 << 20)).toThrow(/out of memory: need \d+ bytes .* maximum is 32 pages/);
    expect(() => e.alloc(-1)).toThrow(/non-negative integer/);
  });

  it("refuses views outside what was allocated", async () => {
    const e = await createEngine({ variant: "plain" });
    const a = e.alloc(4);
    expect(() => e.f32(a, 1 << 20)).toThrow(/outside the arena/);
  });
});

describe("Tensor", () => {
  it("copies in and out and reshapes without copying", async () => {
    const e = await createEngine({ variant: "plain" });
    const t = Tensor.from(e, [2, 3], [1, 2, 3, 4, 5, 6]);
    const copy = t.read();
    t.data[0] = 9;
    expect(copy[0]).toBe(1);
    const r = t.reshape([3, 2]);
    expect(r.ptr).toBe(t.ptr);
    expect(r.data[0]).toBe(9);
    expect(() => t.write([1, 2])).toThrow(/writing 2 values into a tensor of shape \[2,3\]/);
    expect(() => t.reshape([4, 2])).toThrow(/cannot reshape/);
    expect(() => Tensor.alloc(e, [2, 0])).toThrow(/positive integers/);
  });
});
