/**
 * Seeded, runtime-independent splitting of data sets at load time (no wasm engine needed): the shuffle
 * draws from src/rng.ts's {@link HostRng}, the kernels' xoshiro128** stream in plain TS, so a split is
 * the same everywhere.
 */
import type { DataSet } from "./dataset.js";
import { HostRng } from "../rng.js";

/** A permutation of 0..n−1: Fisher–Yates exactly as the `rng_shuffle` kernel does it. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  new HostRng(seed).shuffle(idx);
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
