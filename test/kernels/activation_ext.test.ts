// assembly/kernels/activation_ext.ts against test/reference/activation_ext.ts, for both builds: forward,
// prime and backward at every SIZES length (SIMD body and scalar tails), GELU's accuracy over its whole
// range against a float64 erf, the accumulate contract, and body/tail bit-consistency.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, maxRelErr, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import { EXT } from "../reference/activation_ext.js";

/** [name, alpha, beta]: ONNX defaults and a few others. */
const ACTS: [string, number, number][] = [
  ["leaky_relu", 0.01, 0], ["leaky_relu", 0.2, 0], ["elu", 1, 0], ["elu", 0.5, 0], ["hard_sigmoid", 0.2, 0.5],
  ["hard_sigmoid", 1 / 6, 0.5], ["hard_swish", 0, 0], ["clip", 0, 6], ["clip", -1, 1], ["gelu", 0, 0], ["gelu_tanh", 0, 0],
];
const nParams = (name: string) => (name === "hard_swish" || name.startsWith("gelu") ? 0 : name === "leaky_relu" || name === "elu" ? 1 : 2);

/** Calls name_kind with the activation's scalars appended. */
function call(e: Engine, name: string, kind: "forward" | "prime" | "backward", ptrs: number[], N: number, a: number, b: number): void {
  const fn = (e.k as unknown as Record<string, (...args: number[]) => void>)[`${name}_${kind}`];
  fn(...ptrs, N, ...[a, b].slice(0, nParams(name)));
}

function run(e: Engine, name: string, kind: "forward" | "prime", x: Float32Array, a: number, b: number): Float32Array {
  return scoped(e, () => {
    const inp = e.allocFrom(x), out = e.alloc(x.length);
    e.f32(out, x.length).fill(NaN);
    call(e, name, kind, [out, inp], x.length, a, b);
    return e.read(out, x.length);
  });
}

/** Inputs in [-8, 8] nudged off the kinks (0, clip bounds, ±3, hard_sigmoid's corners) by more than 1e-3. */
function inputs(rng: RefRng, n: number, a: number, b: number): Float32Array {
  const kinks = [0, -3, 3, a, b, -b / (a || 1), (1 - b) / (a || 1)];
  return Float32Array.from(rng.array(n, -8, 8), (v) => (kinks.some((k) => Math.abs(v - k) < 1e-3) ? v + 0.01 : v));
}

describe.each(VARIANTS)("activation_ext kernels, %s build", (variant) => {
  it.each(ACTS)("%s (alpha %s, beta %s): forward, prime and backward match the reference at every size", async (name, a, b) => {
    const e = await engine(variant);
    const rng = new RefRng(190);
    const { f, df } = EXT[name];
    for (const N of SIZES) {
      const x = inputs(rng, N, a, b);
      expectClose(run(e, name, "forward", x, a, b), Float64Array.from(x, (v) => f(v, a, b)), 1e-6, 1e-6);
      expectClose(run(e, name, "prime", x, a, b), Float64Array.from(x, (v) => df(v, a, b)), 1e-6, 1e-6);
      scoped(e, () => {
        const seed = rng.array(N), dout = rng.array(N), dinp = e.allocFrom(seed);
        call(e, name, "backward", [dinp, e.allocFrom(x), e.allocFrom(dout)], N, a, b);
        call(e, name, "backward", [dinp, e.allocFrom(x), e.allocFrom(dout)], N, a, b); // accumulates: twice
        expectClose(e.read(dinp, N), Float64Array.from(x, (v, i) => seed[i] + 2 * dout[i] * df(v, a, b)), 1e-6, 1e-5);
      });
    }
  });

  it("gelu (erf form) is within 2e-7 of float64 absolute plus 1e-6 relative over [-12, 12]", async () => {
    const e = await engine(variant);
    const x = Float32Array.from({ length: 1 << 15 }, (_, i) => -12 + (24 * i) / ((1 << 15) - 1));
    for (const kind of ["forward", "prime"] as const) {
      const y = run(e, "gelu", kind, x, 0, 0);
      const ref = Float64Array.from(x, (v) => (kind === "forward" ? EXT.gelu.f : EXT.gelu.df)(v, 0, 0));
      expectClose(y, ref, 2e-7, 1e-6);
    }
    // the negative tail keeps relative accuracy down to where exp4 flushes to 0 (x ~ -13)
    const tail = Float32Array.from({ length: 512 }, (_, i) => -1 - (11 * i) / 511);
    const err = maxRelErr(run(e, "gelu", "forward", tail, 0, 0), Float64Array.from(tail, (v) => EXT.gelu.f(v, 0, 0)));
    expect(err).toBeLessThan(5e-6);
  });

  it("gives a value the same bits in the SIMD body and in the scalar tail", async () => {
    const e = await engine(variant);
    const x = new RefRng(191).array(64, -10, 10);
    for (const [name, a, b] of ACTS) for (const kind of ["forward", "prime"] as const) {
      const body = run(e, name, kind, x, a, b);
      const tail = Float32Array.from(x, (v) => run(e, name, kind, Float32Array.of(v), a, b)[0]);
      expect(tail, `${name}_${kind}`).toEqual(body);
    }
  });

  it("is finite at extreme inputs and passes NaN through the forward", async () => {
    const e = await engine(variant);
    const x = Float32Array.from([1e4, -1e4, 100, -100, 88.5, -88.5, 3.4e38, -3.4e38, 0, -0]);
    for (const [name, a, b] of ACTS) {
      const y = run(e, name, "forward", x, a, b);
      y.forEach((v, i) => expect(Math.abs(v - EXT[name].f(x[i], a, b)), `${name}(${x[i]}) = ${v}`).toBeLessThanOrEqual(1e-6 * Math.abs(EXT[name].f(x[i], a, b)) + 1e-6));
      expect(Number.isNaN(run(e, name, "forward", Float32Array.of(NaN), a, b)[0]), name).toBe(true);
    }
  });
});
