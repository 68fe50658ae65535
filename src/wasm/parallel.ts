/**
 * The big kernels, split across the engine's threads (src/wasm/pool.ts) when it has more than one and
 * the work is worth a dispatch; otherwise exactly the single-threaded kernel call. Partitions depend only
 * on the shapes and the thread count, and reductions run in a fixed order on the calling thread, so a
 * given thread count gives the same bits every run. GEMM splits C by rows or columns, convolution by examples.
 */
import type { Engine, Kernels, Ptr } from "./engine.js";
import type { Task } from "./pool.js";

/**
 * Below this many flops a kernel stays on the calling thread. `npm run bench -- threads` splits every
 * size to find the crossover: on a quiet 2-core machine, with the worker awake, a split loses at
 * 0.07 MFLOP (0.9×) and already wins at 0.5 MFLOP (1.5×; 1.8× from 1.8 MFLOP). But a lone call has to
 * wake the worker, and batch-1 inference through FC 1000 layers (1 × 1000 × 1000 GEMMs, memory-bound)
 * measured slower split at 1 MFLOP (390 vs 335 µs per image): 4 MFLOP keeps such thin calls whole;
 * GEMMs with a squarer C have the lower {@link MIN_SPLIT_FLOPS_TILED}. Convolutions use this one.
 */
export const MIN_SPLIT_FLOPS = 4e6;

/**
 * The threshold for GEMMs whose C is at least 16 × 16 (compute-bound tiles, such as an RNN's per-step
 * 64 × 128 × 128 product): called back to back in a training step they find the worker awake, where
 * the sweep shows a split paying from 0.5 MFLOP (RNN training on 2 threads: 1.1× → 1.4×). A lone such
 * call after the pool has idled pays a worker's wake-up instead (README, Threads).
 */
export const MIN_SPLIT_FLOPS_TILED = 5e5;

/** Elementwise and pooling kernels over fewer values than this stay on the calling thread (~15 µs of ReLU). */
export const MIN_SPLIT_VALUES = 1 << 16;

/** The thresholds in force: tests lower them to 0 to split every kernel, however small. */
export const splitPolicy = { minFlops: MIN_SPLIT_FLOPS, minFlopsTiled: MIN_SPLIT_FLOPS_TILED, minValues: MIN_SPLIT_VALUES };

/** Boundaries of `parts` near-equal ranges of [0, count), inner boundaries at multiples of unit. */
export function partition(count: number, parts: number, unit = 1): number[] {
  const b = [0];
  for (let t = 1; t < parts; t++) b.push(Math.min(count, Math.round((count * t) / parts / unit) * unit));
  b.push(count);
  return b;
}

/**
 * gemm (see Kernels.gemm) on the engine's threads. Every thread packs its own copy of the operand it
 * shares with the others: split by rows (multiples of 8), each thread packs all of op(B) (K·N); by
 * columns (multiples of 8, the micro-kernel's width), all of op(A) (M·K). Rows unless C is more than
 * twice as wide as tall: for the MLP's weight gradient (100 × 784, K = 64) columns pack 6,400 floats
 * twice instead of 50,176 (150 → 108 µs on 2 threads); for its forward pass (64 × 100, K = 784) rows
 * measured faster (150 vs 180 µs) though they pack more, the column halves ending in narrow edge tiles.
 */
export function gemm(e: Engine, c: Ptr, a: Ptr, b: Ptr, M: number, N: number, K: number,
                     transA: number, transB: number, alpha: number, beta: number): void {
  const byRows = N <= 2 * M;

  const parts = e.pool ? Math.min(e.threads, Math.floor((byRows ? M : N) / 8)) : 1;
  const minFlops = M >= 16 && N >= 16 ? Math.min(splitPolicy.minFlops, splitPolicy.minFlopsTiled) : splitPolicy.minFlops;
  // x·Wᵀ with M ≤ 2 (batch-1 inference) takes gemm's dot-product path, which gemm_part would replace by packing
  const dots = M <= 2 && transA === 0 && transB === 1;
  if (parts < 2 || dots || 2 * M * N * K < minFlops) {
    e.k.gemm(c, a, b, e.gemmScratch, M, N, K, transA, transB, alpha, beta);
    return;
  }
  const r = partition(byRows ? M : N, parts, 8);
  const tasks: Task[] = [];
  for (let t = 0; t < parts; t++) {
    const block = byRows ? [r[t], r[t + 1], 0, N] : [0, M, r[t], r[t + 1]];
    tasks.push({ fn: "gemm_part", args: [c, a, b, e.scratches[t], M, N, K, transA, transB, alpha, beta, ...block] });
  }
  e.pool!.run(tasks);
}

/** Shape of a convolution: inp (B, C, H, W), weight (F, C, k, k), out (B, F, OH, OW). */
export interface ConvShape { C: number; H: number; W: number; F: number; k: number; s: number; pad: number; OH: number; OW: number }

/** Per-thread buffers for conv2dBackward: dcol (K·P) per thread, and dw (F·K), dbias (F) partial sums for threads 1..n-1. */
export interface ConvScratch { dcol: Ptr[]; dw: Ptr[]; dbias: Ptr[] }

/** Allocates conv2dBackward's per-thread buffers (one dcol and nothing else with one thread). */
export function allocConvScratch(e: Engine, g: ConvShape): ConvScratch {
  const K = g.C * g.k * g.k, P = g.OH * g.OW;
  const ws: ConvScratch = { dcol: [e.alloc(K * P)], dw: [], dbias: [] };
  for (let t = 1; t < e.threads; t++) {
    ws.dcol.push(e.alloc(K * P));
    ws.dw.push(e.alloc(g.F * K));
    ws.dbias.push(e.alloc(g.F));
  }
  return ws;
}

/** Threads for a batch of B examples of `flops` each: 1 unless the engine has a pool and it pays. */
function batchParts(e: Engine, B: number, flops: number): number {
  return e.pool && B * flops >= splitPolicy.minFlops ? Math.min(e.threads, B) : 1;
}

/** conv2d_forward, examples split across threads (each example's bits are the same as on one thread). */
export function conv2dForward(e: Engine, out: Ptr, inp: Ptr, w: Ptr, bias: Ptr, B: number, g: ConvShape): void {
  const { C, H, W, F, k, s, pad, OH, OW } = g;
  const parts = batchParts(e, B, 2 * F * C * k * k * OH * OW);
  if (parts < 2) {
    e.k.conv2d_forward(out, inp, w, bias, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
    return;
  }
  const r = partition(B, parts);
  const tasks: Task[] = [];
  for (let t = 0; t < parts; t++) {
    const b0 = r[t];
    tasks.push({ fn: "conv2d_forward", args: [out + 4 * b0 * F * OH * OW, inp + 4 * b0 * C * H * W, w, bias, e.scratches[t],
      r[t + 1] - b0, C, H, W, F, k, s, pad, OH, OW] });
  }
  e.pool!.run(tasks);
}

/**
 * conv2d_backward (ADDS into dw, dbias and, when dinp != 0, dinp), examples split across threads:
 * thread 0 adds into dw and dbias, thread t > 0 into its zeroed partial sums, which are then added in
 * the order t = 1, 2, … on the calling thread.
 */
export function conv2dBackward(e: Engine, ws: ConvScratch, dinp: Ptr, dw: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, w: Ptr,
                               B: number, g: ConvShape): void {
  const { C, H, W, F, k, s, pad, OH, OW } = g;
  const K = C * k * k, P = OH * OW;
  const parts = Math.min(batchParts(e, B, (dinp ? 4 : 2) * F * K * P), ws.dcol.length);
  if (parts < 2) {
    e.k.conv2d_backward(dinp, dw, dbias, dout, inp, w, ws.dcol[0], e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
    return;
  }
  const r = partition(B, parts);
  const tasks: Task[] = [];
  for (let t = 0; t < parts; t++) {
    const b0 = r[t];
    if (t > 0) {
      e.k.fill(ws.dw[t - 1], 0, F * K);
      e.k.fill(ws.dbias[t - 1], 0, F);
    }
    tasks.push({ fn: "conv2d_backward", args: [dinp ? dinp + 4 * b0 * C * H * W : 0, t === 0 ? dw : ws.dw[t - 1],
      t === 0 ? dbias : ws.dbias[t - 1], dout + 4 * b0 * F * P, inp + 4 * b0 * C * H * W, w, ws.dcol[t], e.scratches[t],
      r[t + 1] - b0, C, H, W, F, k, s, pad, OH, OW] });
  }
  e.pool!.run(tasks);
  for (let t = 1; t < parts; t++) {
    e.k.axpy(dw, 1, ws.dw[t - 1], F * K);
    e.k.axpy(dbias, 1, ws.dbias[t - 1], F);
  }
}

/**
 * kernel(p0, p1, …, N, ...rest) over N values, split into ranges (multiples of 16 values) across
 * threads, each pointer advanced to its range (a 0 pointer, an absent buffer, stays 0). Returns false,
 * having done nothing, when it does not split (one thread, or too little work): the caller then runs
 * the kernel itself. Elementwise: same bits on any thread count.
 */
export function splitRanges(e: Engine, fn: string, ptrs: readonly Ptr[], N: number, rest: readonly number[] = []): boolean {
  const parts = e.pool && N >= splitPolicy.minValues ? Math.min(e.threads, Math.floor(N / 16)) : 1;
  if (parts < 2) return false;
  const r = partition(N, parts, 16);
  e.pool!.run(r.slice(0, parts).map((lo, t) => ({ fn, args: [...ptrs.map((p) => (p ? p + 4 * lo : 0)), r[t + 1] - lo, ...rest] })));
  return true;
}

/**
 * kernel(p0, p1, …, N, ...rest) over N values: split by {@link splitRanges} when that pays, otherwise
 * one call on the calling thread. For elementwise kernels (activations, parameter updates).
 */
export function ranges(e: Engine, fn: keyof Kernels, ptrs: readonly Ptr[], N: number, rest: readonly number[] = []): void {
  if (!splitRanges(e, fn, ptrs, N, rest)) (e.k[fn] as (...a: number[]) => void)(...ptrs, N, ...rest);
}

/** fill(out, value, N) split like {@link splitRanges}; runs it on the calling thread when that does not split. */
export function fill(e: Engine, out: Ptr, value: number, N: number): void {
  const parts = e.pool && N >= splitPolicy.minValues ? Math.min(e.threads, Math.floor(N / 16)) : 1;
  if (parts < 2) {
    e.k.fill(out, value, N);
    return;
  }
  const r = partition(N, parts, 16);
  e.pool!.run(r.slice(0, parts).map((lo, t) => ({ fn: "fill", args: [out + 4 * lo, value, r[t + 1] - lo] })));
}

/**
 * A kernel kernel(p0, p1, …, N, ...rest) over N independent planes or rows (pooling, the mini-batch
 * gather), split by them: pointer i advances strides[i] floats per plane. Returns false when it does not split, as {@link splitRanges}.
 */
export function splitPlanes(e: Engine, fn: string, ptrs: readonly Ptr[], strides: readonly number[], N: number,
                            rest: readonly number[], valuesPerPlane: number): boolean {
  const parts = e.pool && N * valuesPerPlane >= splitPolicy.minValues ? Math.min(e.threads, N) : 1;
  if (parts < 2) return false;
  const r = partition(N, parts);
  e.pool!.run(r.slice(0, parts).map((n0, t) => ({ fn, args: [...ptrs.map((p, i) => p + 4 * n0 * strides[i]), r[t + 1] - n0, ...rest] })));
  return true;
}
