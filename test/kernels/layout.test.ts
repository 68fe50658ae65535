// assembly/kernels/layout.ts against test/reference/layout.ts, for both builds: every permutation of a
// rank-4 transpose (scalar gathers and the contiguous fast path), Concat along each axis, Slice with
// steps (negative ones too), Expand (stride 0), and strided_add as the backward of each. The 4x4-tile
// path (inner two axes swapped) is reached by the permutations that end in input axis 3 then a strided one.
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { contiguous, stridedRef } from "../reference/layout.js";

type V4 = [number, number, number, number];
const perms = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));

describe.each(VARIANTS)("layout kernels, %s build", (variant) => {
  it("strided_copy transposes by every permutation of a rank-4 tensor; strided_add undoes it additively", async () => {
    const e = await engine(variant);
    const rng = new RefRng(220);
    for (const S of [[2, 3, 4, 5], [1, 3, 1, 9], [3, 2, 7, 1], [1, 2, 9, 13]]) for (const perm of perms([0, 1, 2, 3])) scoped(e, () => {
      const n = S[0] * S[1] * S[2] * S[3], x = rng.array(n), inStr = contiguous(S);
      const D = perm.map((k) => S[k]), is = perm.map((k) => inStr[k]), os = contiguous(D);
      const out = e.alloc(n);
      e.f32(out, n).fill(NaN);
      e.k.strided_copy(out, e.allocFrom(x), ...(D as V4), ...(os as V4), ...(is as V4));
      expect(Array.from(e.read(out, n)), `perm ${perm}`).toEqual(Array.from(stridedRef(new Float64Array(n), x, D, os, is, false), Math.fround));
      // backward: dinp (input layout) += dout (output layout) read through the same map
      const dout = rng.array(n), seed = rng.array(n), dinp = e.allocFrom(seed);
      e.k.strided_add(dinp, e.allocFrom(dout), ...(D as V4), ...(is as V4), ...(os as V4));
      expectClose(e.read(dinp, n), stridedRef(seed, dout, D, is, os, true), 1e-7, 1e-6);
    });
  });

  it("Concat along each axis: one strided_copy per input into its slab", async () => {
    const e = await engine(variant);
    const rng = new RefRng(221);
    for (let axis = 0; axis < 4; axis++) for (const base of [[2, 3, 2, 5], [1, 2, 3, 4], [2, 1, 3, 1]]) scoped(e, () => {
      const D = base.map((d, i) => (i === axis ? 6 : d)), os = contiguous(D), n = D.reduce((a, b) => a * b);
      const out = e.alloc(n);
      e.f32(out, n).fill(NaN);
      let want: Float64Array = new Float64Array(n).fill(NaN), offset = 0;
      for (const k of [1, 3, 2]) {
        const S = base.map((d, i) => (i === axis ? k : d)), x = rng.array(S.reduce((a, b) => a * b));
        e.k.strided_copy(out + 4 * offset * os[axis], e.allocFrom(x), ...(S as V4), ...(os as V4), ...(contiguous(S) as V4));
        want = stridedRef(want, x, S, os, contiguous(S), false, offset * os[axis]);
        offset += k;
      }
      expect(want.every(Number.isFinite)).toBe(true); // the three slabs tile the output
      expect(Array.from(e.read(out, n))).toEqual(Array.from(want, Math.fround));
    });
  });

  it("Slice with steps (negative too) and Expand (stride 0) read through strided_copy", async () => {
    const e = await engine(variant);
    const rng = new RefRng(222);
    const S = [3, 4, 5, 9], str = contiguous(S), n = S.reduce((a, b) => a * b), x = rng.array(n);
    scoped(e, () => {
      const inp = e.allocFrom(x);
      // [start, step, count] per axis
      for (const sl of [[[0, 1, 3], [1, 2, 2], [4, -1, 5], [0, 1, 9]], [[2, -1, 2], [0, 1, 4], [1, 3, 2], [8, -2, 5]], [[1, 1, 1], [3, -3, 2], [0, 1, 5], [2, 1, 7]]]) {
        const D = sl.map((a) => a[2]), is = sl.map((a, k) => a[1] * str[k]), ib = sl.reduce((acc, a, k) => acc + a[0] * str[k], 0);
        const m = D.reduce((a, b) => a * b), out = e.alloc(m);
        e.k.strided_copy(out, inp + 4 * ib, ...(D as V4), ...(contiguous(D) as V4), ...(is as V4));
        expect(Array.from(e.read(out, m))).toEqual(Array.from(stridedRef(new Float64Array(m), x, D, contiguous(D), is, false, 0, ib), Math.fround));
      }
      // Expand (3, 1, 5, 1) to (3, 4, 5, 7), then its backward sums the broadcast axes back
      const small = rng.array(15), D = [3, 4, 5, 7], isb = [5, 0, 1, 0], m = 420, out = e.alloc(m);
      e.k.strided_copy(out, e.allocFrom(small), ...(D as V4), ...(contiguous(D) as V4), ...(isb as V4));
      expect(Array.from(e.read(out, m))).toEqual(Array.from(stridedRef(new Float64Array(m), small, D, contiguous(D), isb, false), Math.fround));
      const dout = rng.array(m), dsmall = e.alloc(15);
      e.k.strided_add(dsmall, e.allocFrom(dout), ...(D as V4), ...(isb as V4), ...(contiguous(D) as V4));
      expectClose(e.read(dsmall, 15), stridedRef(new Float64Array(15), dout, D, isb, contiguous(D), true), 1e-6, 1e-6);
    });
  });
});
