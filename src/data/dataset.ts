/**
 * A data set in JS memory, and its resident copy in wasm memory from which mini-batches are gathered
 * by kernels (no JS loop over examples on the training path). Pixels may stay u8 (4x smaller; the
 * gather kernel scales them to [0, 1]).
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Shape } from "../tensor.js";

/** Examples with either class labels (classification) or float targets (anything else), or both. */
export interface DataSet {
  /** Number of examples. */
  readonly n: number;
  /** Per-example input shape: [784] for an MLP, [1, 28, 28] for a conv net. */
  readonly inputShape: Shape;
  /** n · size(inputShape) values, example-major. */
  readonly inputs: Float32Array | Uint8Array;
  /** Multiplier applied to u8 inputs (default 1/255); ignored for f32. */
  readonly scale?: number;
  /** Class of each example, in [0, classes). */
  readonly labels?: Int32Array | Uint8Array;
  /** n · outputs float targets (used instead of one-hot labels when given). */
  readonly targets?: Float32Array;
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/** Checks a data set against a network's input size and output count; throws a clear error. */
export function validateDataSet(d: DataSet, inputSize: number, outputs: number, what = "data"): void {
  if (!d || typeof d !== "object") fail(`${what} must be a DataSet object`);
  if (!Number.isInteger(d.n) || d.n < 1) fail(`${what} is empty (n = ${d.n}); expected at least one example`);
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  if (size !== inputSize) fail(`${what} has ${size} inputs per example (shape [${d.inputShape}]) but the network expects ${inputSize}`);
  if (d.inputs.length !== d.n * size) fail(`${what}.inputs holds ${d.inputs.length} values; expected n · ${size} = ${d.n * size}`);
  if (d.inputs instanceof Float32Array) {
    for (let i = 0; i < d.inputs.length; i++) {
      if (!Number.isFinite(d.inputs[i])) fail(`${what}.inputs[${i}] is ${d.inputs[i]} (example ${Math.floor(i / size)}); inputs must be finite`);
    }
  }
  if (!d.labels && !d.targets) fail(`${what} has neither labels nor targets`);
  if (d.labels) {
    if (d.labels.length !== d.n) fail(`${what}.labels holds ${d.labels.length} values; expected ${d.n}`);
    for (let i = 0; i < d.n; i++) {
      const l = d.labels[i];
      if (!Number.isInteger(l) || l < 0 || l >= outputs) fail(`${what}.labels[${i}] is ${l}; expected an integer class in [0, ${outputs})`);
    }
  }
  if (d.targets) {
    if (d.targets.length !== d.n * outputs) fail(`${what}.targets holds ${d.targets.length} values; expected n · ${outputs} = ${d.n * outputs}`);
    for (let i = 0; i < d.targets.length; i++) {
      if (!Number.isFinite(d.targets[i])) fail(`${what}.targets[${i}] is ${d.targets[i]}; targets must be finite`);
    }
  }
}

/** The first `count` examples of a data set (views, no copy). */
export function head(d: DataSet, count: number): DataSet {
  const n = Math.min(count, d.n);
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  const outputs = d.targets ? d.targets.length / d.n : 0;
  return {
    n,
    inputShape: d.inputShape,
    inputs: d.inputs.subarray(0, n * size),
    scale: d.scale,
    labels: d.labels?.subarray(0, n),
    targets: d.targets?.subarray(0, n * outputs),
  };
}

/** A data set uploaded into wasm memory once, with kernels that assemble mini-batches from it. */
export class ResidentData {
  readonly n: number;
  private readonly inputs: Ptr;
  private readonly u8: boolean;
  private readonly scale: number;
  private readonly labels: Ptr;
  private readonly targets: Ptr;
  /** 0, 1, …, n−1 (i32): evaluation reads examples in order through it. */
  readonly iota: Ptr;
  /** A working copy of the example order that the trainer shuffles each epoch (i32, n). */
  readonly order: Ptr;

  constructor(
    private readonly e: Engine,
    readonly data: DataSet,
    private readonly inputSize: number,
    private readonly outputs: number,
  ) {
    this.n = data.n;
    this.u8 = data.inputs instanceof Uint8Array;
    this.scale = this.u8 ? (data.scale ?? 1 / 255) : 1;
    this.inputs = this.u8 ? e.allocBytes(data.inputs.length) : e.alloc(data.inputs.length);
    this.labels = data.labels ? e.alloc(data.n) : 0;
    this.targets = data.targets ? e.alloc(data.targets.length) : 0;
    if (this.u8) e.u8(this.inputs, data.inputs.length).set(data.inputs);
    else e.f32(this.inputs, data.inputs.length).set(data.inputs);
    if (data.labels) e.i32(this.labels, data.n).set(data.labels);
    if (data.targets) e.f32(this.targets, data.targets.length).set(data.targets);
    this.iota = e.alloc(data.n);
    this.order = e.alloc(data.n);
    const iota = e.i32(this.iota, data.n);
    for (let i = 0; i < data.n; i++) iota[i] = i;
    this.resetOrder();
  }

  /** Puts the training order back to 0, 1, …, n−1 (so a run depends only on its seed). */
  resetOrder(): void {
    this.e.k.copy(this.order, this.iota, this.n);
  }

  /** True when examples carry class labels. */
  get hasLabels(): boolean {
    return this.labels !== 0;
  }

  /**
   * Gathers examples idx[0..B) into x (B, inputSize), their targets into y (B, outputs) (one-hot from
   * labels unless float targets were given) and their labels into lab (B) when labels exist.
   */
  gather(idx: Ptr, B: number, x: Ptr, y: Ptr, lab: Ptr): void {
    const k = this.e.k, D = this.inputSize;
    if (this.u8) k.gather_rows_u8(x, this.inputs, idx, B, D, this.scale);
    else k.gather_rows(x, this.inputs, idx, B, D);
    if (this.labels) k.gather_rows(lab, this.labels, idx, B, 1); // i32 bits copied as-is
    if (this.targets) k.gather_rows(y, this.targets, idx, B, this.outputs);
    else k.one_hot(y, lab, B, this.outputs);
  }
}
