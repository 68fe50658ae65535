/**
 * Fully connected layer: out = inp · Wᵀ + b, with W (OC, C) as in network.py (w[j][k] joins input k to
 * output j) and the whole mini-batch in one GEMM (BP1–BP4 in matrix form). Kernels: gemm.ts, reduce.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import { Layer, initWeightAndBias, type InitScheme, type LayerSpec, type Mode, type Param, type ParamSpec } from "./layer.js";

export class Dense extends Layer {
  private e!: Engine;
  private w!: Param;
  private b!: Param;
  private inp: Ptr = 0;
  private out: Ptr = 0;
  private dinp: Ptr = 0;

  /** A layer from `inputs` to `outputs` neurons. */
  constructor(
    readonly inputs: number,
    readonly outputs: number,
  ) {
    super([inputs], [outputs]);
    for (const [name, v] of [["inputs", inputs], ["outputs", outputs]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`simdnet: Dense ${name} must be a positive integer, got ${v}`);
    }
  }

  override paramSpecs(): ParamSpec[] {
    return [
      { name: "weight", shape: [this.outputs, this.inputs], decay: true },
      { name: "bias", shape: [this.outputs], decay: false },
    ];
  }

  override bind([w, b]: Param[]): void {
    this.w = w;
    this.b = b;
  }

  /** "default": W ~ N(0, 1/inputs), b ~ N(0, 1) (network2's default_weight_initializer); "large": both N(0, 1); "he": W ~ N(0, 2/inputs), b = 0. */
  override init(rng: Rng, scheme: InitScheme): void {
    initWeightAndBias(rng, scheme, this.inputs, this.w, this.b);
  }

  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    this.maxBatch = maxBatch;
    this.out = e.alloc(maxBatch * this.outputs);
    this.dinp = e.alloc(maxBatch * this.inputs);
  }

  /** The weight and bias slices (for inspection, saving and tests). */
  get weight(): Param {
    return this.w;
  }

  get bias(): Param {
    return this.b;
  }

  forward(inp: Ptr, B: number, _mode: Mode): Ptr {
    this.checkBatch(B);
    this.inp = inp;
    const k = this.e.k;
    // z = inp · Wᵀ: (B, C) x (OC, C)ᵀ, then + b on every row
    k.gemm(this.out, inp, this.w.value, this.e.gemmScratch, B, this.outputs, this.inputs, 0, 1, 1, 0);
    k.bias_add(this.out, this.b.value, B, this.outputs);
    return this.out;
  }

  backward(dout: Ptr, B: number, needDinp: boolean): Ptr {
    const k = this.e.k;
    // forward was: out[b,o] = b[o] + Σ_c inp[b,c] W[o,c]
    // BP4: dW += doutᵀ · inp, (OC, B) x (B, C); BP3: db += Σ_b dout[b,:]
    k.gemm(this.w.grad, dout, this.inp, this.e.gemmScratch, this.outputs, this.inputs, B, 1, 0, 1, 1);
    k.col_sum(this.b.grad, dout, B, this.outputs);
    if (!needDinp) return 0;
    // BP2 (before the activation's σ'): dinp = dout · W, (B, OC) x (OC, C)
    k.gemm(this.dinp, dout, this.w.value, this.e.gemmScratch, B, this.inputs, this.outputs, 0, 0, 1, 0);
    return this.dinp;
  }

  spec(): LayerSpec {
    return { type: "dense", inputs: this.inputs, outputs: this.outputs };
  }
}
