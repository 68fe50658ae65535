// assembly/kernels/broadcast.ts against test/reference/broadcast.ts (forward) and central differences of
// that float64 reference (backward), for both builds: same shapes, row, channel and scalar broadcasts on
// either side, outer-product shapes, a strided (transposed) input that takes the scalar path, and inner
// lengths around the 4-lane width.
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { broadcastRef, broadcastStrides, type BinOp } from "../reference/broadcast.js";
import { plus, vjpRef } from "../reference/vjp.js";

interface Case { D: number[]; sa: number[]; sb: number[]; na: number; nb: number; what: string }

const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
/** Pads an input shape to rank 4 and broadcasts it against out's shape D. */
function bcase(a: number[], b: number[], D: number[]): Case {
  return { D, sa: broadcastStrides(a, D), sb: broadcastStrides(b, D), na: size(a), nb: size(b), what: `${JSON.stringify(a)} op ${JSON.stringify(b)}` };
}

const CASES: Case[] = [];
for (const n of [1, 3, 4, 5, 8, 17]) {
  CASES.push(bcase([2, 3, n], [2, 3, n], [1, 2, 3, n]));     // same shape
  CASES.push(bcase([2, 3, n], [n], [1, 2, 3, n]));           // row broadcast (bias over the last axis)
  CASES.push(bcase([2, 3, 1, n], [3, 1, 1], [2, 3, 1, n]));  // per-channel (inner stride 0 on b)
  CASES.push(bcase([1], [2, n], [1, 1, 2, n]));              // scalar on the left (inner stride 0 on a)
  CASES.push(bcase([4, 1, n], [1, 5, 1], [1, 4, 5, n]));     // outer-product shapes
  CASES.push(bcase([3, 1], [1, n], [1, 1, 3, n]));
}
// a (n, 3) read transposed as (3, n): inner stride 3, the scalar path
for (const n of [1, 5, 9]) CASES.push({ D: [1, 1, 3, n], sa: [0, 0, 1, 3], sb: [0, 0, n, 1], na: 3 * n, nb: 3 * n, what: `transposed (${n}, 3)` });

const OPS: BinOp[] = ["add", "sub", "mul", "div"];

/** Inputs for op: divisors kept in [0.5, 1.5] in magnitude. */
function inputs(rng: RefRng, op: BinOp, c: Case): [Float32Array, Float32Array] {
  const a = rng.array(c.na, -2, 2), b = rng.array(c.nb, 0.5, 1.5);
  if (op === "div") b.forEach((v, i) => (b[i] = i % 2 ? -v : v));
  else b.forEach((v, i) => (b[i] = (v - 1) * 4));
  return [a, b];
}

describe.each(VARIANTS)("broadcast binary kernels, %s build", (variant) => {
  it.each(OPS)("%s_broadcast_forward matches the float64 reference", async (op) => {
    const e = await engine(variant);
    const rng = new RefRng(170);
    for (const c of CASES) scoped(e, () => {
      const [a, b] = inputs(rng, op, c), n = size(c.D);
      const out = e.alloc(n);
      e.f32(out, n).fill(NaN); // every output must be written
      e.k[`${op}_broadcast_forward`](out, e.allocFrom(a), e.allocFrom(b), ...(c.D as [number, number, number, number]), ...(c.sa as [number, number, number, number]), ...(c.sb as [number, number, number, number]));
      const ref = broadcastRef(op, a, b, c.D, c.sa, c.sb);
      expectClose(e.read(out, n), ref, 1e-6, op === "div" ? 1e-6 : 1e-7);
    });
  });

  it.each(OPS)("%s_broadcast_backward adds the gradients, summed over broadcast axes", async (op) => {
    const e = await engine(variant);
    const rng = new RefRng(171);
    for (const c of CASES) scoped(e, () => {
      const [a, b] = inputs(rng, op, c), n = size(c.D), dout = rng.array(n);
      const seedA = rng.array(c.na), seedB = rng.array(c.nb);
      const da = e.allocFrom(seedA), db = e.allocFrom(seedB);
      const args = [...c.D, ...c.sa, ...c.sb] as [number, number, number, number, number, number, number, number, number, number, number, number];
      e.k[`${op}_broadcast_backward`](da, db, e.allocFrom(dout), e.allocFrom(a), e.allocFrom(b), ...args);
      const [ga, gb] = vjpRef(([x, y]) => broadcastRef(op, x, y, c.D, c.sa, c.sb), [a, b], dout);
      expectClose(e.read(da, c.na), plus(seedA, ga), 1e-5, 1e-5);
      expectClose(e.read(db, c.nb), plus(seedB, gb), 1e-5, 1e-5);
      // a zero pointer skips that input: db alone, from zero
      const db2 = e.alloc(c.nb);
      e.k[`${op}_broadcast_backward`](0, db2, e.allocFrom(dout), e.allocFrom(a), e.allocFrom(b), ...args);
      expectClose(e.read(db2, c.nb), gb, 1e-5, 1e-5);
    });
  });

  it("forward may write over an input of the output's shape", async () => {
    const e = await engine(variant);
    const rng = new RefRng(172);
    scoped(e, () => {
      const a = rng.array(2 * 3 * 7), b = rng.array(7);
      const pa = e.allocFrom(a);
      e.k.mul_broadcast_forward(pa, pa, e.allocFrom(b), 1, 2, 3, 7, 0, 21, 7, 1, 0, 0, 0, 1);
      expectClose(e.read(pa, 42), broadcastRef("mul", a, b, [1, 2, 3, 7], [0, 21, 7, 1], [0, 0, 0, 1]), 0, 1e-7);
      expect(e.read(pa, 42).every(Number.isFinite)).toBe(true);
    });
  });
});
