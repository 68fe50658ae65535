/**
 * The only source of randomness in simdnet: xoshiro128** seeded by splitmix32, with its state in the
 * engine's memory so the kernels draw from it directly (initialisation, dropout masks, shuffles) and
 * every runtime gives the same stream bit for bit. `Math.random` never appears in src/.
 */
import type { Engine, Ptr } from "./wasm/engine.js";

/** Throws unless seed is a finite number (the generator uses its low 32 bits). */
export function checkSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new TypeError(`simdnet: a seed must be a finite number, got ${seed}`);
}

/** A seeded generator whose 16 bytes of state live in wasm memory. */
export class Rng {
  /** Byte offset of the 4 u32 of xoshiro128** state. */
  readonly state: Ptr;

  /** Seeds a generator whose state lives at `state` (4 u32 the caller allocated), or in a fresh allocation. */
  constructor(
    private readonly e: Engine,
    seed: number,
    state?: Ptr,
  ) {
    checkSeed(seed);
    this.state = state ?? e.alloc(4);
    e.k.rng_seed(this.state, seed >>> 0);
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextU32(): number {
    return this.e.k.rng_next_u32(this.state) >>> 0;
  }

  /** An integer uniform in [0, n), without modulo bias. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) throw new RangeError(`simdnet: below(n) needs an integer n in [1, 2^31), got ${n}`);
    return this.e.k.rng_below(this.state, n);
  }

  /** Fills n f32 at ptr with N(mean, std²). */
  fillNormal(ptr: Ptr, n: number, mean = 0, std = 1): void {
    this.e.k.rng_normal(this.state, ptr, n, mean, std);
  }

  /** Fills n f32 at ptr uniformly from [lo, hi). */
  fillUniform(ptr: Ptr, n: number, lo = 0, hi = 1): void {
    this.e.k.rng_uniform(this.state, ptr, n, lo, hi);
  }

  /** Inverted-dropout mask: each of n values is 1/keep with probability keep, else 0. */
  fillDropoutMask(ptr: Ptr, n: number, keep: number): void {
    this.e.k.rng_dropout_mask(this.state, ptr, n, keep);
  }

  /** Shuffles n i32 at ptr in place (Fisher–Yates). */
  shuffle(ptr: Ptr, n: number): void {
    this.e.k.rng_shuffle(this.state, ptr, n);
  }

  /** A copy of the generator's state (for checkpoints). */
  getState(): Uint32Array {
    return new Uint32Array(this.e.i32(this.state, 4));
  }

  /** Restores a state saved with {@link getState}. */
  setState(s: ArrayLike<number>): void {
    if (s.length !== 4) throw new RangeError(`simdnet: an Rng state is 4 u32, got ${s.length}`);
    this.e.i32(this.state, 4).set(Int32Array.from(s, (v) => v | 0));
  }
}
