/**
 * Seeded, runtime-independent splitting of data sets at load time, in plain TS (no wasm engine needed).
 * The generator is xoshiro128** seeded by splitmix32, the same stream as assembly/kernels/rng.ts, in
 * integer arithmetic only (Math.imul, >>>, exact sums below 2^53), so a split is the same everywhere.
 */
import type { DataSet } from "./dataset.js";

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** xoshiro128** (Blackman & Vigna) seeded by splitmix32: bit for bit the kernels' `rng_*` stream. */
export class SplitRng {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`simdnet: a seed must be a finite number, got ${seed}`);
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
}

/** floor(x·n / 2^32) for u32 x and n < 2^31, from 16-bit halves so every sum stays exact. */
function highWord(x: number, n: number): number {
  const a = (x >>> 16) * n; // < 2^47
  const b = (x & 0xffff) * n; // < 2^47
  return Math.floor((a + Math.floor(b / 0x10000)) / 0x10000);
}

/** A permutation of 0..n−1: Fisher–Yates exactly as the `rng_shuffle` kernel does it. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rng = new SplitRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/** A copy of the examples at `indices`, in that order (inputs, labels and targets alike). */
export function subset(d: DataSet, indices: ArrayLike<number>): DataSet {
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  const outputs = d.targets ? d.targets.length / d.n : 0;
  const n = indices.length;
  const inputs = d.inputs instanceof Uint8Array ? new Uint8Array(n * size) : new Float32Array(n * size);
  const labels = d.labels ? (d.labels instanceof Uint8Array ? new Uint8Array(n) : new Int32Array(n)) : undefined;
  const targets = d.targets ? new Float32Array(n * outputs) : undefined;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= d.n) throw new RangeError(`simdnet: subset index ${i} (position ${k}) is outside [0, ${d.n})`);
    inputs.set(d.inputs.subarray(i * size, (i + 1) * size), k * size);
    if (labels) labels[k] = d.labels![i];
    if (targets) targets.set(d.targets!.subarray(i * outputs, (i + 1) * outputs), k * outputs);
  }
  return { n, inputShape: d.inputShape, inputs, scale: d.scale, labels, targets };
}

/**
 * Shuffles the examples with `seed`, then cuts consecutive parts of the given sizes (each a copy).
 * The sizes may add up to less than d.n (the rest is dropped), never to more.
 */
export function splitDataSet(d: DataSet, sizes: readonly number[], seed = 0): DataSet[] {
  let total = 0;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`simdnet: split sizes must be non-negative integers, got [${sizes}]`);
    total += s;
  }
  if (total > d.n) throw new RangeError(`simdnet: split sizes [${sizes}] add up to ${total}, but there are only ${d.n} examples`);
  const order = shuffledIndices(d.n, seed);
  const parts: DataSet[] = [];
  let start = 0;
  for (const s of sizes) {
    parts.push(subset(d, order.subarray(start, start + s)));
    start += s;
  }
  return parts;
}
