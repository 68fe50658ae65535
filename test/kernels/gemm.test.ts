// gemm and gemm_simple against the naive float64 reference (test/reference/gemm.ts), in both builds and
// all four transpose combinations: sizes around the SIMD width and the MR x 8 tiles, sizes that cross
// the KC / MC / NC cache blocks, every alpha/beta pair of {0, 1, 0.5, -2}, zero sizes, and NaN in C
// with beta = 0. C sits between guard values that must survive every call (no write outside C).
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS } from "../helpers.js";
import { gemmRef } from "../reference/gemm.js";

const TRANS = [["NN", 0, 0], ["NT", 0, 1], ["TN", 1, 0], ["TT", 1, 1]] as const;
const KERNELS = ["gemm", "gemm_simple"] as const;
type Kernel = (typeof KERNELS)[number];

/** Row counts around the 4- and 5-row micro-kernels (MR), one and two panels deep. */
const MS = [1, 3, 4, 5, 6, 9, 10, 11, 16, 17] as const;
/** Shapes (M, N, K) that cross the cache blocks: KC = 256 along K, MC ~ 96 along M, NC = 1024 along N. */
const BLOCKED = [[97, 131, 259], [7, 1031, 260], [200, 19, 513]] as const;
const SCALARS = [0, 1, 0.5, -2] as const;
const GUARD = 8;
const GUARD_VALUE = 12345;

interface Case {
  M: number; N: number; K: number; transA: number; transB: number; alpha: number; beta: number;
  seed: number;
  /** Fill C with this instead of random values (NaN: beta = 0 must not read it). */
  cFill?: number;
  /** Fill A with this instead of random values (NaN: alpha = 0 must not read it). */
  aFill?: number;
}

/** Runs one kernel call on seeded inputs; returns C as computed and as the reference says. */
function run(e: Engine, kernel: Kernel, t: Case): { got: Float32Array; want: Float64Array } {
  const rng = new RefRng(t.seed);
  const { M, N, K } = t;
  const a = t.aFill === undefined ? rng.array(M * K) : new Float32Array(M * K).fill(t.aFill);
  const b = rng.array(K * N);
  const c = t.cFill === undefined ? rng.array(M * N) : new Float32Array(M * N).fill(t.cFill);
  const mark = e.mark();
  try {
    const pa = e.allocFrom(a), pb = e.allocFrom(b);
    const region = e.alloc(M * N + 2 * GUARD);
    e.f32(region, M * N + 2 * GUARD).fill(GUARD_VALUE);
    const pc = region + 4 * GUARD;
    e.write(pc, c);
    if (kernel === "gemm") {
      e.k.gemm(pc, pa, pb, e.gemmScratch, M, N, K, t.transA, t.transB, t.alpha, t.beta);
    } else {
      e.k.gemm_simple(pc, pa, pb, M, N, K, t.transA, t.transB, t.alpha, t.beta);
    }
    const all = e.read(region, M * N + 2 * GUARD);
    for (let i = 0; i < GUARD; i++) {
      if (all[i] !== GUARD_VALUE || all[GUARD + M * N + i] !== GUARD_VALUE) {
        expect.fail(`${label(t)}: wrote outside C (guard ${i})`);
      }
    }
    return { got: all.subarray(GUARD, GUARD + M * N), want: gemmRef(c, a, b, M, N, K, t.transA === 1, t.transB === 1, t.alpha, t.beta) };
  } finally {
    e.release(mark);
  }
}

function label(t: Case): string {
  return `M=${t.M} N=${t.N} K=${t.K} trans=${t.transA}${t.transB} alpha=${t.alpha} beta=${t.beta}`;
}

/**
 * Runs and compares with a tolerance that grows with K: f32 rounding in a K-term sum of products of
 * values in [-1, 1) (the reference sums in float64), scaled by the largest of |alpha|, |beta|, 1.
 */
function check(e: Engine, kernel: Kernel, t: Case): void {
  const { got, want } = run(e, kernel, t);
  const scale = Math.max(1, Math.abs(t.alpha), Math.abs(t.beta));
  try {
    expectClose(got, want, scale * (1e-6 + 2e-7 * t.K), 1e-5);
  } catch (err) {
    throw new Error(`${kernel} ${label(t)}: ${(err as Error).message}`);
  }
}

describe.each(VARIANTS)("%s build", (variant) => {
  describe.each(KERNELS)("%s", (kernel) => {
    describe.each(TRANS)("%s", (_name, transA, transB) => {
      it("matches the reference for M around the tile rows and K, N in SIZES", async () => {
        const e = await engine(variant);
        let seed = 1;
        for (const M of MS) {
          for (const K of SIZES) {
            for (const N of SIZES) {
              // cycle through alpha/beta pairs so every size meets a few of them
              const [alpha, beta] = [[1, 0], [1, 1], [0.5, -2], [-2, 0.5]][seed % 4];
              check(e, kernel, { M, N, K, transA, transB, alpha, beta, seed: seed++ });
            }
          }
        }
      });

      it("matches the reference across the KC, MC and NC blocks", async () => {
        const e = await engine(variant);
        for (const [M, N, K] of BLOCKED) check(e, kernel, { M, N, K, transA, transB, alpha: 0.5, beta: -2, seed: M + N + K });
      });

      it("applies every alpha and beta in {0, 1, 0.5, -2}; beta = 0 ignores NaN in C", async () => {
        const e = await engine(variant);
        for (const alpha of SCALARS) {
          for (const beta of SCALARS) {
            check(e, kernel, { M: 13, N: 17, K: 33, transA, transB, alpha, beta, seed: 7 });
            if (beta === 0) {
              const t = { M: 11, N: 19, K: 9, transA, transB, alpha, beta, seed: 8, cFill: NaN };
              const { got } = run(e, kernel, t);
              expect(got.every(Number.isFinite), `${kernel} ${label(t)}: NaN from C leaked`).toBe(true);
              check(e, kernel, t);
            }
          }
        }
      });
    });

    it("handles M, N or K = 0 and alpha = 0 without reading A or B", async () => {
      const e = await engine(variant);
      for (const [transA, transB] of [[0, 0], [1, 1]]) {
        for (const beta of SCALARS) {
          check(e, kernel, { M: 0, N: 5, K: 3, transA, transB, alpha: 1, beta, seed: 1 });
          check(e, kernel, { M: 5, N: 0, K: 3, transA, transB, alpha: 1, beta, seed: 2 });
          check(e, kernel, { M: 6, N: 9, K: 0, transA, transB, alpha: 1, beta, seed: 3 }); // C = beta * C
          check(e, kernel, { M: 6, N: 9, K: 0, transA, transB, alpha: 1, beta, seed: 3, cFill: beta === 0 ? NaN : 1.5 });
          check(e, kernel, { M: 6, N: 9, K: 4, transA, transB, alpha: 0, beta, seed: 4, aFill: NaN });
        }
      }
    });
  });
});

describe("gemm in the debug build", () => {
  it("rejects negative sizes and bad transpose flags (assert)", async () => {
    const e = await engine("debug");
    expect(() => e.k.gemm(0, 0, 0, e.gemmScratch, -1, 2, 2, 0, 0, 1, 0)).toThrow();
    expect(() => e.k.gemm(0, 0, 0, e.gemmScratch, 2, 2, 2, 2, 0, 1, 0)).toThrow();
    expect(() => e.k.gemm_simple(0, 0, 0, 2, -2, 2, 0, 0, 1, 0)).toThrow();
  });

  it("computes the same as the reference (asserts pass on valid shapes)", async () => {
    const e = await engine("debug");
    for (const [transA, transB] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      check(e, "gemm", { M: 97, N: 131, K: 259, transA, transB, alpha: 0.5, beta: -2, seed: 5 });
    }
  });
});
