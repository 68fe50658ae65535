// assembly/kernels/reduce.ts against test/reference/reduce.ts, for both builds: column sums (with the
// accumulate contract), argmax with ties, f64 sums, and non-finite counts.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import {
  colSumRef, countArgmaxEqualRef, countNonfiniteRef, rowArgmaxRef, sumAbsRef, sumSquaresRef,
} from "../reference/reduce.js";


function argmax(e: Engine, x: ArrayLike<number>, B: number, C: number): Int32Array {
  return scoped(e, () => {
    const out = e.alloc(B);
    e.k.row_argmax(out, e.allocFrom(x), B, C);
    return e.i32(out, B).slice();
  });
}

describe.each(VARIANTS)("reduce kernels, %s build", (variant) => {
  it("col_sum adds the column sums into out at every N", async () => {
    const e = await engine(variant);
    const rng = new RefRng(40);
    for (const B of [1, 3, 10]) for (const N of SIZES) scoped(e, () => {
      const out0 = rng.array(N), inp = rng.array(B * N);
      const out = e.allocFrom(out0);
      e.k.col_sum(out, e.allocFrom(inp), B, N);
      expectClose(e.read(out, N), colSumRef(out0, inp, B, N), 1e-6, 1e-6);
    });
  });

  it("col_sum accumulates: twice = 2x once", async () => {
    const e = await engine(variant);
    const rng = new RefRng(41);
    const B = 5, N = 67;
    scoped(e, () => {
      const inp = e.allocFrom(rng.array(B * N)), once = e.alloc(N), twice = e.alloc(N);
      e.k.col_sum(once, inp, B, N);
      e.k.col_sum(twice, inp, B, N);
      e.k.col_sum(twice, inp, B, N);
      expectClose(e.read(twice, N), Array.from(e.read(once, N), (v) => 2 * v), 1e-6, 1e-6);
    });
  });

  it("row_argmax and count_argmax_equal match the reference at every C", async () => {
    const e = await engine(variant);
    const rng = new RefRng(42);
    const B = 6;
    for (const C of SIZES) {
      const x = rng.array(B * C);
      expect(argmax(e, x, B, C)).toEqual(rowArgmaxRef(x, B, C));
      const labels = Int32Array.from({ length: B }, (_, b) => (b % 2 ? rowArgmaxRef(x, B, C)[b] : Math.floor(rng.uniform() * C)));
      const n = scoped(e, () => {
        const pl = e.alloc(B);
        e.i32(pl, B).set(labels);
        return e.k.count_argmax_equal(e.allocFrom(x), pl, B, C);
      });
      expect(n).toBe(countArgmaxEqualRef(x, labels, B, C));
    }
  });

  it("row_argmax breaks ties toward the lowest index", async () => {
    const e = await engine(variant);
    const rows = [[1, 3, 3, 2], [5, 5, 5, 5, 5], [0, -1, 7, 0, 0, 7, 7, 7, 7], [-2, -2], [9]];
    for (const r of rows) expect(argmax(e, r, 1, r.length)[0]).toBe(rowArgmaxRef(r, 1, r.length)[0]);
    expect(Array.from(argmax(e, [0, 7, 7, 7, 1, 1, 0, 1], 2, 4))).toEqual([1, 0]);
  });

  it("sum_squares and sum_abs are f64 sums at every N", async () => {
    const e = await engine(variant);
    const rng = new RefRng(43);
    for (const N of [...SIZES, 1000]) scoped(e, () => {
      const x = rng.array(N, -3, 3);
      const p = e.allocFrom(x);
      const ss = e.k.sum_squares(p, N), sa = e.k.sum_abs(p, N);
      expect(Math.abs(ss - sumSquaresRef(x))).toBeLessThanOrEqual(1e-13 * sumSquaresRef(x));
      expect(Math.abs(sa - sumAbsRef(x))).toBeLessThanOrEqual(1e-13 * sumAbsRef(x));
    });
  });

  it("count_nonfinite counts planted NaN and +-Inf anywhere, and nothing else", async () => {
    const e = await engine(variant);
    const rng = new RefRng(44);
    for (const N of SIZES) scoped(e, () => {
      const x = rng.array(N);
      x[0] = 3.4028234663852886e38; // the largest finite f32 is finite
      if (N > 1) x[N - 1] = 1e-45;  // and so is a subnormal
      for (const bad of [NaN, Infinity, -Infinity]) x[Math.floor(rng.uniform() * N)] = bad;
      expect(e.k.count_nonfinite(e.allocFrom(x), N)).toBe(countNonfiniteRef(x));
    });
    scoped(e, () => {
      const x = new Float32Array(67).fill(NaN);
      expect(e.k.count_nonfinite(e.allocFrom(x), 67)).toBe(67);
    });
  });
});
