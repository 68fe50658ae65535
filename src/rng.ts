/**
 * The only source of randomness in simdnet: xoshiro128** seeded by splitmix32, with its state in the
 * engine's memory so the kernels draw from it directly (initialisation, dropout masks, shuffles) and
 * every runtime gives the same stream bit for bit. `Math.random` never appears in src/.
 *
 * {@link HostRng} is the same stream in plain TS for the few draws made before there is an engine (the
 * seeded data split at load time): bit for bit the kernels' `rng_*` functions, in integer arithmetic only.
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** floor(x·n / 2^32) for u32 x and n < 2^31, from 16-bit halves so every sum stays exact. */
function highWord(x: number, n: number): number {
  const a = (x >>> 16) * n; // < 2^47
  const b = (x & 0xffff) * n; // < 2^47
  return Math.floor((a + Math.floor(b / 0x10000)) / 0x10000);
}

/**
 * The {@link Rng} stream without an engine: xoshiro128** seeded by splitmix32 in plain TS (Math.imul,
 * >>>, exact sums below 2^53), bit for bit the kernels' `rng_seed` / `rng_next_u32` / `rng_below` /
 * `rng_shuffle`, so a seeded split made at load time is the same in every runtime.
 */
export class HostRng {
  private readonly s = new Uint32Array(4);

  // (the below(n) check repeats Rng's inline, so that bundles without HostRng stay as small)
  constructor(seed: number) {
    checkSeed(seed);
    let x = seed >>> 0;
    for (let k = 0; k < 4; k++) {
      // state[k] = the k-th output of splitmix32 started at seed
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[k] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** An integer uniform in [0, n), n in [1, 2^31): Lemire's multiply-and-reject, as `rng_below`. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) throw new RangeError(`simdnet: below(n) needs an integer n in [1, 2^31), got ${n}`);
    let x = this.nextU32();
    let low = Math.imul(x, n) >>> 0; // the low 32 bits of the 64-bit product x·n
    if (low < n) {
      const reject = (0x100000000 - n) % n; // 2^32 mod n
      while (low < reject) {
        x = this.nextU32();
        low = Math.imul(x, n) >>> 0;
      }
    }
    return highWord(x, n);
  }

  /** Shuffles a in place: Fisher–Yates exactly as the `rng_shuffle` kernel does it. */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
