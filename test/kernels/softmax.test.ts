// assembly/kernels/softmax.ts against test/reference/softmax.ts, for both builds: size sweeps over C,
// the accumulate contract, and rows with |z| up to 1e4.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import { logSoftmaxRef, softmaxBackwardRef, softmaxRef } from "../reference/softmax.js";


type Forward = "softmax_forward" | "log_softmax_forward";

/** Runs a row-wise forward kernel on z (B, C), returning its output. */
function run(e: Engine, name: Forward, z: ArrayLike<number>, B: number, C: number): Float32Array {
  return scoped(e, () => {
    const inp = e.allocFrom(z), out = e.alloc(B * C);
    e.k[name](out, inp, B, C);
    return e.read(out, B * C);
  });
}

const rowSums = (p: Float32Array, B: number, C: number) =>
  Array.from({ length: B }, (_, b) => p.subarray(b * C, (b + 1) * C).reduce((s, v) => s + v, 0));

describe.each(VARIANTS)("softmax kernels, %s build", (variant) => {
  it("softmax_forward matches the reference and rows sum to 1, at every C", async () => {
    const e = await engine(variant);
    const rng = new RefRng(20);
    const B = 3;
    for (const C of SIZES) {
      const z = rng.array(B * C, -6, 6);
      const p = run(e, "softmax_forward", z, B, C);
      expectClose(p, softmaxRef(z, B, C), 1e-8, 1e-6);
      expectClose(rowSums(p, B, C), new Array(B).fill(1), 1e-6, 0);
    }
  });

  it("log_softmax_forward matches the reference at every C", async () => {
    const e = await engine(variant);
    const rng = new RefRng(21);
    const B = 3;
    for (const C of SIZES) {
      const z = rng.array(B * C, -6, 6);
      expectClose(run(e, "log_softmax_forward", z, B, C), logSoftmaxRef(z, B, C), 2e-6, 1e-6);
    }
  });

  it("both forward kernels work in place (out = inp)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(22);
    const B = 2, C = 17;
    for (const name of ["softmax_forward", "log_softmax_forward"] as const) scoped(e, () => {
      const z = rng.array(B * C, -6, 6);
      const p = e.allocFrom(z);
      e.k[name](p, p, B, C);
      expect(e.read(p, B * C)).toEqual(run(e, name, z, B, C));
    });
  });

  it("stays finite and exact at |z| up to 1e4 (max-subtraction), C = 1 included", async () => {
    const e = await engine(variant);
    const rows: number[][] = [
      [1e4, -1e4, 0, 9999, -5000],
      [-1e4, -1e4, -1e4, -1e4],
      [1e4, 1e4],
      [-1e4, 1e4, 1e4 - 1, 1e4 - 2, -1e4, 0, 3, 1e4],
      [1e4],
      [-1e4],
    ];
    for (const row of rows) {
      const C = row.length;
      const p = run(e, "softmax_forward", row, 1, C);
      const lp = run(e, "log_softmax_forward", row, 1, C);
      for (const v of [...p, ...lp]) expect(Number.isFinite(v), `row [${row}]`).toBe(true);
      expectClose(p, softmaxRef(row, 1, C), 1e-8, 1e-6);
      expectClose(lp, logSoftmaxRef(row, 1, C), 1e-5, 1e-6);
      expect(rowSums(p, 1, C)[0]).toBeCloseTo(1, 6);
    }
    expect(Array.from(run(e, "softmax_forward", [1e4, -1e4], 1, 2))).toEqual([1, 0]); // underflow is a clean 0
    expect(Array.from(run(e, "log_softmax_forward", [1e4, -1e4], 1, 2))).toEqual([0, -2e4]);
  });

  it("softmax_backward adds J^T dout into dinp at every C", async () => {
    const e = await engine(variant);
    const rng = new RefRng(23);
    const B = 3;
    for (const C of SIZES) scoped(e, () => {
      const out = run(e, "softmax_forward", rng.array(B * C, -3, 3), B, C);
      const dinp0 = rng.array(B * C), dout = rng.array(B * C);
      const pdinp = e.allocFrom(dinp0), pout = e.allocFrom(out), pdout = e.allocFrom(dout);
      e.k.softmax_backward(pdinp, pout, pdout, B, C);
      expectClose(e.read(pdinp, B * C), softmaxBackwardRef(dinp0, out, dout, B, C), 1e-7, 1e-5);
    });
  });

  it("softmax_backward accumulates: twice = 2x once", async () => {
    const e = await engine(variant);
    const rng = new RefRng(24);
    const B = 2, C = 33;
    scoped(e, () => {
      const pout = e.allocFrom(run(e, "softmax_forward", rng.array(B * C, -3, 3), B, C));
      const pdout = e.allocFrom(rng.array(B * C)), once = e.alloc(B * C), twice = e.alloc(B * C);
      e.k.softmax_backward(once, pout, pdout, B, C);
      e.k.softmax_backward(twice, pout, pdout, B, C);
      e.k.softmax_backward(twice, pout, pdout, B, C);
      expectClose(e.read(twice, B * C), Array.from(e.read(once, B * C), (v) => 2 * v), 1e-8, 1e-6);
    });
  });
});
