// assembly/kernels/avgpool.ts against test/reference/avgpool.ts (forward) and central differences of it
// (backward), for both builds: square and rectangular windows, strides 1-3 (SIMD along rows at stride
// 1, scalar otherwise), symmetric and asymmetric pads, ceil_mode output sizes, both count_include_pad
// values, widths around the 4-lane width; global average and max pooling.
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { avgPoolRef, globalAvgRef, globalMaxRef, type PoolShape } from "../reference/avgpool.js";
import { plus, vjpRef } from "../reference/vjp.js";

/** ONNX / PyTorch output size; with ceil_mode a last window must still start inside the image or the leading pad. */
function outSize(n: number, k: number, s: number, before: number, after: number, ceil: boolean): number {
  let o = Math.floor((n + before + after - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + before) o--;
  return o;
}

/** [N, H, W, kh, kw, sh, sw, pt, pl, pb, pr, ceil] */
const CASES = [
  [2, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, 0], [1, 6, 9, 2, 2, 2, 2, 0, 0, 0, 0, 1], [2, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 0],
  [1, 5, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1], [2, 6, 17, 3, 2, 1, 1, 0, 1, 2, 0, 0], [1, 9, 8, 2, 3, 3, 2, 1, 0, 0, 2, 1],
  [3, 1, 5, 1, 3, 1, 1, 0, 1, 0, 1, 0], [1, 7, 7, 7, 7, 1, 1, 0, 0, 0, 0, 0], [2, 8, 11, 5, 5, 1, 1, 2, 2, 2, 2, 0],
  [1, 10, 10, 3, 3, 2, 3, 0, 0, 0, 0, 1], [1, 4, 35, 2, 2, 2, 2, 0, 0, 0, 0, 0], [2, 5, 21, 3, 3, 2, 2, 1, 1, 1, 1, 1],
  [1, 3, 40, 1, 5, 1, 2, 0, 2, 0, 1, 1],
];

function shapeOf(c: number[], countPad: number): PoolShape {
  const [N, H, W, kh, kw, sh, sw, pt, pl, pb, pr, ceil] = c;
  return { N, H, W, kh, kw, sh, sw, pt, pl, pb, pr, countPad, OH: outSize(H, kh, sh, pt, pb, !!ceil), OW: outSize(W, kw, sw, pl, pr, !!ceil) };
}
const argsOf = (s: PoolShape) => [s.N, s.H, s.W, s.OH, s.OW, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.pb, s.pr, s.countPad] as const;

describe.each(VARIANTS)("avgpool kernels, %s build", (variant) => {
  it.each([0, 1])("avgpool2d forward and backward match the reference, count_include_pad = %s", async (countPad) => {
    const e = await engine(variant);
    const rng = new RefRng(200 + countPad);
    for (const c of CASES) scoped(e, () => {
      const s = shapeOf(c, countPad), n = s.N * s.H * s.W, m = s.N * s.OH * s.OW;
      const x = rng.array(n), dout = rng.array(m), seed = rng.array(n);
      const out = e.alloc(m), inp = e.allocFrom(x), dinp = e.allocFrom(seed);
      e.f32(out, m).fill(NaN);
      e.k.avgpool2d_forward(out, inp, ...argsOf(s));
      expectClose(e.read(out, m), avgPoolRef(x, s), 1e-6, 1e-5);
      e.k.avgpool2d_backward(dinp, e.allocFrom(dout), ...argsOf(s));
      const [g] = vjpRef(([xx]) => avgPoolRef(xx, s), [x], dout);
      expectClose(e.read(dinp, n), plus(seed, g), 1e-5, 1e-5);
    });
  });

  it("count_include_pad changes only the windows that overlap the padding", async () => {
    const e = await engine(variant);
    scoped(e, () => {
      const s0 = shapeOf([1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0], 0), s1 = { ...s0, countPad: 1 };
      const inp = e.allocFrom(new Float32Array(9).fill(1)), out = e.alloc(9);
      e.k.avgpool2d_forward(out, inp, ...argsOf(s0));
      expect(Array.from(e.read(out, 9))).toEqual(new Array(9).fill(1)); // averages of ones
      e.k.avgpool2d_forward(out, inp, ...argsOf(s1));
      expectClose(e.read(out, 9), [4 / 9, 6 / 9, 4 / 9, 6 / 9, 1, 6 / 9, 4 / 9, 6 / 9, 4 / 9], 1e-7, 1e-6);
    });
  });

  it("global average and max pooling, forward and backward, at every plane size", async () => {
    const e = await engine(variant);
    const rng = new RefRng(202);
    for (const HW of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 49, 67]) scoped(e, () => {
      const N = 3, x = rng.array(N * HW), dout = rng.array(N), seed = rng.array(N * HW);
      const inp = e.allocFrom(x), out = e.alloc(N), arg = e.alloc(N);
      e.k.global_avgpool_forward(out, inp, N, HW);
      expectClose(e.read(out, N), globalAvgRef(x, N, HW), 1e-7, 1e-6);
      const dinp = e.allocFrom(seed);
      e.k.global_avgpool_backward(dinp, e.allocFrom(dout), N, HW);
      expectClose(e.read(dinp, N * HW), plus(seed, vjpRef(([xx]) => globalAvgRef(xx, N, HW), [x], dout)[0]), 1e-6, 1e-6);
      e.k.global_maxpool_forward(out, arg, inp, N, HW);
      const ref = globalMaxRef(x, N, HW);
      expect(Array.from(e.read(out, N))).toEqual(Array.from(ref.out, Math.fround));
      expect(Array.from(e.i32(arg, N))).toEqual(Array.from(ref.arg));
      const dmax = e.allocFrom(seed);
      e.k.global_maxpool_backward(dmax, arg, e.allocFrom(dout), N, HW);
      const want = Float64Array.from(seed);
      ref.arg.forEach((a, k) => (want[k * HW + a] += dout[k]));
      expectClose(e.read(dmax, N * HW), want, 1e-7, 1e-6);
    });
  });

  it("global max pooling breaks ties toward the first position", async () => {
    const e = await engine(variant);
    scoped(e, () => {
      const x = [1, 3, 2, 3, 3, 0, 3, -1, 5, 5, 5, 5, 5, 5, 5, 5, 5];
      const out = e.alloc(2), arg = e.alloc(2);
      e.k.global_maxpool_forward(out, arg, e.allocFrom([...x.slice(0, 8), ...x.slice(8, 16)]), 2, 8);
      expect(Array.from(e.i32(arg, 2))).toEqual([1, 0]);
    });
  });
});
