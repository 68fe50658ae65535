/**
 * Residual addition: out = x₁ + x₂ + … elementwise, over inputs of one shape (ResNet's skip connection,
 * ONNX's Add without broadcasting). It lives in a graph of layers (src/graph.ts), which hands it several
 * inputs; backward passes dL/dout to every input unchanged. Kernels: elementwise.ts (copy, axpy).
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { Layer, type LayerSpec, type Mode, type Shape } from "./layer.js";

export class Add extends Layer {
  private e!: Engine;
  private out: Ptr = 0;

  /** Sums `inputs` (≥ 2) tensors of the given per-example shape. */
  constructor(
    shape: Shape,
    readonly inputs = 2,
  ) {
    super(shape, shape);
    if (!Number.isInteger(inputs) || inputs < 2) throw new RangeError(`simdnet: an Add layer sums at least 2 inputs, got ${inputs}`);
  }

  override get inShapes(): readonly Shape[] {
    return Array.from({ length: this.inputs }, () => this.inShape);
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outSize);
  }

  override forwardMany(inps: readonly Ptr[], B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    const k = this.e.k, n = B * this.outSize;
    k.copy(this.out, inps[0], n);
    for (let i = 1; i < inps.length; i++) k.axpy(this.out, inps[i], n, 1);
    return this.out;
  }

  override backwardMany(dout: Ptr, _B: number, need: readonly boolean[]): Ptr[] {
    // forward was out = Σ xᵢ: dL/dxᵢ = dL/dout for every i
    return need.map((nd) => (nd ? dout : 0));
  }

  forward(_inp: Ptr, _B: number, _mode: Mode): Ptr {
    throw new Error(`simdnet: an Add layer takes ${this.inputs} inputs; wire it into a graph of layers ({ nodes: [{ layer, inputs: [a, b], output }] })`);
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    return this.backwardMany(dout, B, [needDinp])[0];
  }

  spec(): LayerSpec {
    return { type: "add", inputs: this.inputs };
  }
}
