// assembly/kernels/activation.ts against test/reference/activation.ts, for both builds: size sweeps,
// the accumulate contract, saturation at extreme inputs, exp accuracy, and body/tail consistency.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { engine, expectClose, maxRelErr, RefRng, SIZES, VARIANTS, scoped } from "../helpers.js";
import {
  backwardRef, mapRef, relu, sigmoid, sigmoidPrime, step, tanhPrime,
} from "../reference/activation.js";


type Unary = "sigmoid_forward" | "sigmoid_prime" | "tanh_forward" | "tanh_prime" | "relu_forward" | "relu_prime" | "step_forward";
type Backward = "sigmoid" | "tanh" | "relu";

/** Each unary kernel, its float64 meaning, and the tolerance it meets (exp-based ones ~1e-7 relative). */
const UNARY: [Unary, (z: number) => number, number, number][] = [
  ["sigmoid_forward", sigmoid, 1e-8, 1e-6],
  ["sigmoid_prime", sigmoidPrime, 1e-9, 1e-6],
  ["tanh_forward", Math.tanh, 1e-8, 1e-6],
  ["tanh_prime", tanhPrime, 1e-9, 1e-6],
  ["relu_forward", relu, 0, 0],
  ["relu_prime", step, 0, 0],
  ["step_forward", step, 0, 0],
];

/** Runs a unary kernel on x, returning its output. */
function run(e: Engine, name: Unary, x: Float32Array): Float32Array {
  return scoped(e, () => {
    const inp = e.allocFrom(x), out = e.alloc(x.length);
    e.k[name](out, inp, x.length);
    return e.read(out, x.length);
  });
}

/** A dense grid of n f32 values over [lo, hi]. */
const grid = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

const EXTREMES = Float32Array.from([
  1e4, -1e4, 100, -100, 88.5, -88.5, 87.4, -87.4, 50, -50, 20, -20, 17, -17, 1, -1, 0.625, -0.625,
  1e-30, -1e-30, 1e-45, -1e-45, 0, -0, 3.4e38, -3.4e38,
]);

describe.each(VARIANTS)("activation kernels, %s build", (variant) => {
  it.each(UNARY)("%s matches the float64 reference at every size", async (name, f, atol, rtol) => {
    const e = await engine(variant);
    const rng = new RefRng(10);
    for (const N of SIZES) {
      const x = rng.array(N, -8, 8);
      expectClose(run(e, name, x), mapRef(x, f), atol, rtol);
    }
  });

  it.each(["sigmoid", "tanh", "relu"] as Backward[])("%s_backward adds dout * f'(out) into dinp", async (kind) => {
    const e = await engine(variant);
    const rng = new RefRng(11);
    const fwd = `${kind}_forward` as const;
    const bwd = `${kind}_backward` as const;
    for (const N of SIZES) scoped(e, () => {
      const dinp0 = rng.array(N), dout = rng.array(N);
      const inp = e.allocFrom(rng.array(N, -4, 4)), out = e.alloc(N);
      const pdinp = e.allocFrom(dinp0), pdout = e.allocFrom(dout);
      e.k[fwd](out, inp, N);
      const o = e.read(out, N);
      e.k[bwd](pdinp, out, pdout, N);
      expectClose(e.read(pdinp, N), backwardRef(kind, dinp0, o, dout), 1e-7, 1e-6);
    });
  });

  it.each(["sigmoid", "tanh", "relu"] as Backward[])("%s_backward accumulates: twice = 2x once", async (kind) => {
    const e = await engine(variant);
    const rng = new RefRng(12);
    const bwd = `${kind}_backward` as const;
    scoped(e, () => {
      const N = 67;
      const out = e.allocFrom(kind === "relu" ? rng.array(N, -1, 1) : rng.array(N, -0.99, 0.99));
      const dout = e.allocFrom(rng.array(N)), once = e.alloc(N), twice = e.alloc(N);
      e.k[bwd](once, out, dout, N);
      e.k[bwd](twice, out, dout, N);
      e.k[bwd](twice, out, dout, N);
      expectClose(e.read(twice, N), Array.from(e.read(once, N), (v) => 2 * v), 1e-7, 1e-6);
    });
  });

  it("saturates cleanly at extreme inputs: finite, never NaN, exactly 0 / +-1 far out", async () => {
    const e = await engine(variant);
    for (const [name, f] of UNARY) {
      const y = run(e, name, EXTREMES);
      for (let i = 0; i < y.length; i++) {
        expect(Number.isFinite(y[i]), `${name}(${EXTREMES[i]}) = ${y[i]}`).toBe(true);
        const r = f(EXTREMES[i]);
        expect(Math.abs(y[i] - r), `${name}(${EXTREMES[i]}) = ${y[i]}, expected ${r}`).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(r));
      }
    }
    const [s100, sm100] = run(e, "sigmoid_forward", Float32Array.from([100, -100]));
    expect(s100).toBe(1);
    expect(sm100).toBe(0);
    expect(Array.from(run(e, "tanh_forward", Float32Array.from([50, -50, 1e4, -1e4])))).toEqual([1, -1, 1, -1]);
    expect(Array.from(run(e, "sigmoid_prime", Float32Array.from([100, -100])))).toEqual([0, 0]);
    expect(run(e, "tanh_forward", Float32Array.from([1e-30]))[0]).toBe(Math.fround(1e-30)); // tanh(x) = x near 0
  });

  it("exp-based kernels reach ~1e-7 relative error over their whole range", async () => {
    const e = await engine(variant);
    // sigma(x) ~ e^x for x < -17, so this range measures exp itself on [-87, -17]
    const cases: [Unary, Float32Array, (z: number) => number][] = [
      ["sigmoid_forward", grid(-87, 30, 1 << 16), sigmoid],
      ["sigmoid_prime", grid(-80, 80, 1 << 16), sigmoidPrime],
      ["tanh_forward", grid(-10, 10, 1 << 16), Math.tanh],
      ["tanh_prime", grid(-40, 40, 1 << 16), tanhPrime],
    ];
    for (const [name, x, f] of cases) {
      const err = maxRelErr(run(e, name, x), mapRef(x, f));
      expect(err, name).toBeLessThan(2.5e-7); // symmetric relative error: ~5e-7 in the usual sense
    }
  });

  it("gives a value the same bits in the SIMD body and in the scalar tail", async () => {
    const e = await engine(variant);
    const x = new RefRng(13).array(64, -30, 30);
    for (const [name] of UNARY) {
      const body = run(e, name, x); // 64 values: all in the SIMD body
      const tail = Float32Array.from(x, (v) => run(e, name, Float32Array.of(v))[0]); // N = 1: all tail
      expect(tail, name).toEqual(body);
    }
  });

  it("relu passes NaN through (it never hides bad inputs); step and relu_prime map it to 0", async () => {
    const e = await engine(variant);
    const x = Float32Array.from([NaN, 1, -1, NaN, NaN]);
    expect(Array.from(run(e, "relu_forward", x))).toEqual([NaN, 1, 0, NaN, NaN]);
    expect(Array.from(run(e, "step_forward", x))).toEqual([0, 1, 0, 0, 0]);
  });
});

describe("activation kernels: plain build determinism", () => {
  it("gives the recorded bits (the same in Node and in Chromium)", async () => {
    const e = await engine("plain");
    const x = new RefRng(14).array(1000, -20, 20);
    const hashes = (["sigmoid_forward", "sigmoid_prime", "tanh_forward", "tanh_prime"] as const)
      .map((name) => fnv1a(run(e, name, x)));
    expect(hashes).toEqual(GOLDEN);
  });
});

/** FNV-1a over the bytes of a Float32Array. */
function fnv1a(a: Float32Array): number {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (const v of b) h = Math.imul(h ^ v, 0x01000193) >>> 0;
  return h;
}

// Recorded from the plain build (which has no relaxed ops, so every runtime must agree). A deliberate
// change to exp4 / tanh4 changes these: re-record them then, never to make a runtime pass.
const GOLDEN = [1229929238, 1938311114, 1563998307, 3201099644];
