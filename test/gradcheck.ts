// Finite-difference gradient checks (STYLE.md 3.9.2). For a single layer we use llm.c's "fakeloss":
// L = Σ out ⊙ g for a fixed random g, so dL/dout = g; every analytic dL/dparam and dL/dinp is compared
// with a central difference (L(p + h) − L(p − h)) / 2h computed in float64 from f32 forwards.
import { expect } from "vitest";
import type { Engine, Ptr } from "../src/wasm/engine.js";
import type { Layer, Param } from "../src/layers/layer.js";
import { Rng } from "../src/rng.js";
import { RefRng } from "./helpers.js";

/** Symmetric relative error with an absolute floor, for gradients that are tiny. */
export function gradErr(analytic: ArrayLike<number>, numeric: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const den = Math.max(Math.abs(analytic[i]) + Math.abs(numeric[i]), floor);
    worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / den);
  }
  return worst;
}

/** A seeded Fisher–Yates shuffle of xs (in place). */
function shuffled(r: RefRng, xs: number[]): number[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(r.range(0, i + 1)));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/**
 * Checks a layer's backward against central differences. The layer is allocated for B examples and
 * its params (if any) laid out here in a scratch params/grads pair.
 */
export function checkLayerGradients(e: Engine, layer: Layer, B: number, seed = 1, opts: { h?: number; tol?: number; inputRange?: [number, number]; distinct?: number } = {}): void {
  const h = opts.h ?? 1e-2;
  const tol = opts.tol ?? 1e-2;
  const r = new RefRng(seed);
  const specs = layer.paramSpecs();
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const pv = e.alloc(Math.max(total, 1));
  const pg = e.alloc(Math.max(total, 1));
  let off = 0;
  const params: Param[] = specs.map((s, i) => {
    const p = { name: s.name, shape: s.shape, size: sizes[i], decay: s.decay, value: pv + 4 * off, grad: pg + 4 * off };
    off += sizes[i];
    return p;
  });
  layer.bind(params);
  const rng = new Rng(e, seed);
  layer.init(rng, "default");
  layer.allocate(e, B);
  const nIn = B * layer.inSize;
  const nOut = B * layer.outSize;
  const [lo, hi] = opts.inputRange ?? [-1, 1];
  // distinct: inputs lo, lo + d, lo + 2d, … in a seeded order, so no two are within d (max-pooling's
  // arg-max cannot change under a step h < d/2)
  const xs = opts.distinct ? shuffled(r, Array.from({ length: nIn }, (_, i) => lo + opts.distinct! * i)) : r.array(nIn, lo, hi);
  const x = e.allocFrom(xs);
  const g = Float64Array.from(r.array(nOut));
  const mode = { training: false, rng };
  const loss = (): number => {
    const out = e.f32(layer.forward(x, B, mode), nOut);
    let s = 0;
    for (let i = 0; i < nOut; i++) s += out[i] * g[i];
    return s;
  };
  loss();
  const dout = e.allocFrom(g);
  e.k.fill(pg, Math.max(total, 1), 0);
  const dinpPtr: Ptr = layer.backward(dout, B, true);
  const dinp = e.read(dinpPtr, nIn);
  const dparams = e.read(pg, total);
  const numeric = (ptr: Ptr, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = e.f32(ptr, n);
      const old = v[i];
      v[i] = old + h;
      const up = loss();
      e.f32(ptr, n)[i] = old - h;
      const down = loss();
      e.f32(ptr, n)[i] = old;
      out[i] = (up - down) / (2 * h);
    }
    return out;
  };
  expect(gradErr(dinp, numeric(x, nIn)), "dL/dinp").toBeLessThan(tol);
  if (total > 0) expect(gradErr(dparams, numeric(pv, total)), "dL/dparams").toBeLessThan(tol);
}

/** A model whose whole loss and gradient are one call (Network and the sequence models). */
interface LossModel {
  lossAndGradient(x: ArrayLike<number>, y: ArrayLike<number>): number;
  getGrads(): Float32Array;
  getParams(): Float32Array;
  setParams(p: ArrayLike<number>): void;
}

/**
 * The model's analytic gradient of its loss on (x, y), and the central difference (L(p + h) − L(p − h)) / 2h
 * of every parameter; the parameters are restored afterwards.
 */
export function modelGradients(net: LossModel, x: ArrayLike<number>, y: ArrayLike<number>, h = 1e-2): { analytic: Float32Array; numeric: number[] } {
  net.lossAndGradient(x, y);
  const analytic = net.getGrads();
  const p = net.getParams();
  const numeric = Array.from(p, (v, i) => {
    const q = Float32Array.from(p);
    q[i] = v + h;
    net.setParams(q);
    const up = net.lossAndGradient(x, y);
    q[i] = v - h;
    net.setParams(q);
    return (up - net.lossAndGradient(x, y)) / (2 * h);
  });
  net.setParams(p);
  return { analytic, numeric };
}
