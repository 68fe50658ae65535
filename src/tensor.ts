/**
 * A small handle over a buffer in the engine's memory: a pointer, a shape, and views that stay valid
 * across memory growth (rebuilt when the engine's generation changes).
 */
import type { Engine, Ptr } from "./wasm/engine.js";

/** A shape: dimensions, outermost first (row-major). */
export type Shape = readonly number[];

/** The number of elements a shape holds. */
export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws unless every dimension is a positive integer. */
export function checkShape(shape: Shape, what = "shape"): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`simdnet: ${what} must be a list of positive integers, got [${String(shape)}]`);
  }
}

/** f32 values in wasm memory with a shape. Create with {@link Tensor.alloc} or {@link Tensor.from}. */
export class Tensor {
  private view: Float32Array | null = null;
  private viewGeneration = -1;

  private constructor(
    readonly engine: Engine,
    readonly ptr: Ptr,
    readonly shape: Shape,
  ) {}

  /** A zero-filled tensor of this shape. */
  static alloc(engine: Engine, shape: Shape): Tensor {
    checkShape(shape);
    return new Tensor(engine, engine.alloc(sizeOf(shape)), [...shape]);
  }

  /** A tensor of this shape holding a copy of values (which must have exactly that many elements). */
  static from(engine: Engine, shape: Shape, values: ArrayLike<number>): Tensor {
    const t = Tensor.alloc(engine, shape);
    t.write(values);
    return t;
  }

  /** Wraps memory the caller already allocated (a layer's activations, a parameter slice). */
  static view(engine: Engine, ptr: Ptr, shape: Shape): Tensor {
    checkShape(shape);
    engine.assertF32(ptr, sizeOf(shape), "Tensor.view");
    return new Tensor(engine, ptr, [...shape]);
  }

  /** Element count. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** A live view of the values (rebuilt after memory growth; don't keep it across allocations). */
  get data(): Float32Array {
    if (this.view === null || this.viewGeneration !== this.engine.generation) {
      this.view = this.engine.f32(this.ptr, this.size);
      this.viewGeneration = this.engine.generation;
    }
    return this.view;
  }

  /** A copy of the values, safe to keep. */
  read(): Float32Array {
    return this.data.slice();
  }

  /** Copies values in; their count must equal the tensor's size. */
  write(values: ArrayLike<number>): this {
    if (values.length !== this.size) {
      throw new RangeError(`simdnet: writing ${values.length} values into a tensor of shape [${this.shape}] (${this.size} values)`);
    }
    this.data.set(values);
    return this;
  }

  /** Sets every element to value. */
  fill(value: number): this {
    this.engine.k.fill(this.ptr, this.size, value);
    return this;
  }

  /** The same memory seen with another shape of the same size. */
  reshape(shape: Shape): Tensor {
    checkShape(shape);
    if (sizeOf(shape) !== this.size) {
      throw new RangeError(`simdnet: cannot reshape [${this.shape}] (${this.size} values) to [${shape}] (${sizeOf(shape)})`);
    }
    return new Tensor(this.engine, this.ptr, [...shape]);
  }
}
