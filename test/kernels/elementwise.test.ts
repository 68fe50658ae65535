// assembly/kernels/elementwise.ts against test/reference/elementwise.ts, for both builds, across sizes
// around the 4-lane SIMD width (and the 16-byte u8 step).
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import {
  axpyRef, biasAddRef, gatherRowsRef, hadamardRef, oneHotRef, scaleRef, u8ToF32Ref,
} from "../reference/elementwise.js";

/** Runs fn, then frees everything it allocated. */

const bytes = (rng: RefRng, n: number) => Uint8Array.from({ length: n }, () => rng.nextU32() & 255);

describe.each(VARIANTS)("elementwise kernels, %s build", (variant) => {
  it("fill and copy write every element, tails included", async () => {
    const e = await engine(variant);
    const rng = new RefRng(1);
    for (const N of SIZES) scoped(e, () => {
      const x = rng.array(N);
      const out = e.allocFrom(rng.array(N + 1)); // one sentinel past the end
      const sentinel = e.read(out + 4 * N, 1)[0];
      e.k.fill(out, N, 0.25);
      expect(Array.from(e.read(out, N))).toEqual(new Array(N).fill(0.25));
      const inp = e.allocFrom(x);
      e.k.copy(out, inp, N);
      expect(e.read(out, N)).toEqual(x);
      expect(e.read(out + 4 * N, 1)[0]).toBe(sentinel);
    });
  });

  it("scale, axpy and hadamard match the reference, in place too", async () => {
    const e = await engine(variant);
    const rng = new RefRng(2);
    for (const N of SIZES) scoped(e, () => {
      const x = rng.array(N), y = rng.array(N);
      const alpha = Math.fround(rng.range(-2, 2));
      const px = e.allocFrom(x), py = e.allocFrom(y), out = e.alloc(N);
      e.k.scale(out, px, N, alpha);
      expect(e.read(out, N)).toEqual(Float32Array.from(scaleRef(x, alpha))); // one rounding: exact
      e.k.hadamard(out, px, py, N);
      expect(e.read(out, N)).toEqual(Float32Array.from(hadamardRef(x, y)));
      e.k.axpy(py, px, N, alpha);
      expectClose(e.read(py, N), axpyRef(y, alpha, x), 1e-7, 1e-6);
      e.k.scale(px, px, N, alpha); // out aliases inp
      expect(e.read(px, N)).toEqual(Float32Array.from(scaleRef(x, alpha)));
      e.write(px, x);
      e.k.hadamard(px, px, px, N); // out aliases both inputs
      expect(e.read(px, N)).toEqual(Float32Array.from(hadamardRef(x, x)));
    });
  });

  it("bias_add adds the bias to every row", async () => {
    const e = await engine(variant);
    const rng = new RefRng(3);
    for (const B of [1, 3]) for (const N of SIZES) scoped(e, () => {
      const out = rng.array(B * N), bias = rng.array(N);
      const pout = e.allocFrom(out), pbias = e.allocFrom(bias);
      e.k.bias_add(pout, pbias, B, N);
      expect(e.read(pout, B * N)).toEqual(Float32Array.from(biasAddRef(out, bias, B, N)));
    });
  });

  it("u8_to_f32 widens and scales bytes exactly (16-wide body, 4-wide step, scalar tail)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(4);
    for (const N of [...SIZES, 255, 256, 784]) scoped(e, () => {
      const px = bytes(rng, N);
      px[0] = 255; // the largest pixel must not turn negative
      const inp = e.allocBytes(N), out = e.alloc(N);
      e.u8(inp, N).set(px);
      e.k.u8_to_f32(out, inp, N, 1 / 255);
      expect(e.read(out, N)).toEqual(Float32Array.from(u8ToF32Ref(px, 1 / 255)));
    });
  });

  it("gather_rows and gather_rows_u8 assemble a batch from row indices (repeats allowed)", async () => {
    const e = await engine(variant);
    const rng = new RefRng(5);
    const rows = 7;
    for (const C of SIZES) scoped(e, () => {
      const idx = Int32Array.from([6, 0, 3, 3, 1]);
      const B = idx.length;
      const src = rng.array(rows * C), src8 = bytes(rng, rows * C);
      const psrc = e.allocFrom(src), psrc8 = e.allocBytes(rows * C), pidx = e.alloc(B), out = e.alloc(B * C);
      e.u8(psrc8, rows * C).set(src8);
      e.i32(pidx, B).set(idx);
      e.k.gather_rows(out, psrc, pidx, B, C);
      expect(e.read(out, B * C)).toEqual(Float32Array.from(gatherRowsRef(src, idx, C)));
      e.k.gather_rows_u8(out, psrc8, pidx, B, C, 1 / 255);
      expect(e.read(out, B * C)).toEqual(Float32Array.from(u8ToF32Ref(gatherRowsRef(src8, idx, C), 1 / 255)));
    });
  });

  it("one_hot writes one-hot rows over stale data; a label outside [0, C) gives a zero row", async () => {
    const e = await engine(variant);
    const rng = new RefRng(6);
    for (const C of SIZES) scoped(e, () => {
      const labels = Int32Array.from({ length: 6 }, () => refLabel(rng, C));
      labels[5] = C; // out of range
      const B = labels.length;
      const pl = e.alloc(B), out = e.allocFrom(rng.array(B * C));
      e.i32(pl, B).set(labels);
      e.k.one_hot(out, pl, B, C);
      expect(e.read(out, B * C)).toEqual(Float32Array.from(oneHotRef(labels, C)));
    });
  });
});

function refLabel(rng: RefRng, C: number): number {
  return Math.floor(rng.uniform() * C);
}

describe("elementwise kernels, debug build", () => {
  it("one_hot's assert rejects a label outside [0, C) with a readable error", async () => {
    const e = await engine("debug");
    const mark = e.mark();
    try {
      const labels = e.alloc(2), out = e.alloc(2 * 3);
      e.i32(labels, 2).set([1, 3]);
      expect(() => e.k.one_hot(out, labels, 2, 3)).toThrow(/label outside/);
    } finally {
      e.release(mark);
    }
  });
});
