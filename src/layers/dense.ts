/**
 * Fully connected layer: out = inp · Wᵀ + b, with W (OC, C) as in network.py (w[j][k] joins input k to
 * output j) and the whole mini-batch in one GEMM (BP1–BP4 in matrix form). Kernels: gemm.ts, reduce.ts.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import { Layer, initWeightAndBias, type InitScheme, type LayerSpec, type Mode, type Param, type ParamSpec, type RPass } from "./layer.js";

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

  /** Dense has an exact R-operator everywhere. */
  override rOpUnsupported(): null {
    return null;
  }

  override rForward(r: RPass, out: Ptr, rout: Ptr, inp: Ptr, rinp: Ptr): void {
    const { e, B } = r, k = e.k, W = this.w.value, C = this.inputs, OC = this.outputs;
    k.gemm(out, inp, W, e.gemmScratch, B, OC, C, 0, 1, 1, 0);
    k.bias_add(out, this.b.value, B, OC);
    k.gemm(rout, inp, r.at(r.v, W), e.gemmScratch, B, OC, C, 0, 1, 1, 0); // R{z} = a V_Wᵀ + V_b + R{a} Wᵀ
    k.bias_add(rout, r.at(r.v, this.b.value), B, OC);
    if (rinp) k.gemm(rout, rinp, W, e.gemmScratch, B, OC, C, 0, 1, 1, 1);
  }

  override rBackward(r: RPass, dinp: Ptr, rdinp: Ptr, dout: Ptr, rdout: Ptr, _out: Ptr, inp: Ptr, rinp: Ptr, needDinp: boolean): void {
    const { e, B } = r, k = e.k, W = this.w.value, C = this.inputs, OC = this.outputs, RW = r.at(r.out, W);
    // forward was z = a Wᵀ + b: ∂W = δᵀa, so R{∂W} = R{δ}ᵀa + δᵀR{a}; R{∂b} = Σ_b R{δ}
    k.gemm(RW, rdout, inp, e.gemmScratch, OC, C, B, 1, 0, 1, 1);
    if (rinp) k.gemm(RW, dout, rinp, e.gemmScratch, OC, C, B, 1, 0, 1, 1);
    k.col_sum(r.at(r.out, this.b.value), rdout, B, OC);
    if (!needDinp) return;
    // δ_in = δ W; R{δ_in} = R{δ} W + δ V_W
    k.gemm(dinp, dout, W, e.gemmScratch, B, C, OC, 0, 0, 1, 0);
    k.gemm(rdinp, rdout, W, e.gemmScratch, B, C, OC, 0, 0, 1, 0);
    k.gemm(rdinp, dout, r.at(r.v, W), e.gemmScratch, B, C, OC, 0, 0, 1, 1);
  }
}
