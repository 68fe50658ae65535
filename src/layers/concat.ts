/**
 * Concatenation along the first per-example axis (channels for NCHW images, features for vectors), as
 * ONNX's Concat on axis 1: inputs of shapes [Cᵢ, …rest] with the same rest give [ΣCᵢ, …rest], each
 * example's values the inputs' values one after another. It lives in a graph of layers (src/graph.ts).
 * Kernels: elementwise.ts (copy), one row per example and input.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type Shape } from "./layer.js";

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export class Concat extends Layer {
  private e!: Engine;
  private out: Ptr = 0;
  private dinps: Ptr[] = [];
  private readonly parts: readonly Shape[];
  private readonly offsets: number[];

  /** Joins inputs of the given per-example shapes (≥ 2, equal beyond their first axis). */
  constructor(shapes: readonly Shape[]) {
    if (!Array.isArray(shapes) || shapes.length < 2) throw new RangeError(`simdnet: a Concat layer joins at least 2 inputs, got ${Array.isArray(shapes) ? shapes.length : String(shapes)}`);
    const rest = (s: Shape): string => s.slice(1).join(",");
    shapes.forEach((s, i) => {
      if (!Array.isArray(s) || s.length === 0 || s.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`simdnet: Concat input ${i} has shape [${String(s)}]; expected positive integer dimensions`);
      if (s.length !== shapes[0].length || rest(s) !== rest(shapes[0])) throw new RangeError(`simdnet: Concat joins along the first axis, so the other axes must match: input 0 is [${shapes[0].join(", ")}], input ${i} is [${s.join(", ")}]`);
    });
    super(shapes[0], [shapes.reduce((a, s) => a + s[0], 0), ...shapes[0].slice(1)]);
    this.parts = shapes.map((s) => [...s]);
    let off = 0;
    this.offsets = this.parts.map((s) => ((off += size(s)), off - size(s)));
  }

  override get inShapes(): readonly Shape[] {
    return this.parts;
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outSize);
    this.dinps = this.parts.map((s) => e.alloc(maxBatch * size(s)));
  }

  override forwardMany(inps: readonly Ptr[], B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    const k = this.e.k, N = this.outSize;
    this.parts.forEach((s, i) => {
      const n = size(s);
      for (let b = 0; b < B; b++) k.copy(this.out + 4 * (b * N + this.offsets[i]), inps[i] + 4 * b * n, n);
    });
    return this.out;
  }

  override backwardMany(dout: Ptr, B: number, need: readonly boolean[]): Ptr[] {
    // forward was out[b, offᵢ : offᵢ + nᵢ] = xᵢ[b]: dL/dxᵢ[b] is that slice of dL/dout
    const k = this.e.k, N = this.outSize;
    return this.parts.map((s, i) => {
      if (!need[i]) return 0;
      const n = size(s);
      for (let b = 0; b < B; b++) k.copy(this.dinps[i] + 4 * b * n, dout + 4 * (b * N + this.offsets[i]), n);
      return this.dinps[i];
    });
  }

  forward(_inp: Ptr, _B: number, _mode: Mode): Ptr {
    throw new Error(`simdnet: a Concat layer takes ${this.parts.length} inputs; wire it into a graph of layers ({ nodes: [{ layer, inputs: [a, b], output }] })`);
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    return this.backwardMany(dout, B, [needDinp, ...this.parts.slice(1).map(() => true)])[0];
  }

  spec(): LayerSpec {
    return { type: "concat" };
  }
}
