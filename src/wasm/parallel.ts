/**
 * How kernels split across an engine's threads (src/wasm/pool.ts), declared once per kernel in
 * {@link SPLITS}. An engine with threads gets `engine.k` from {@link splitKernels}: the kernels in
 * SPLITS check whether the call is worth a dispatch and, if so, run it in parts on the pool; every
 * other kernel, and every call too small to split, is the plain export. With one thread `engine.k` is
 * the raw exports (no wrapper, no per-call cost). Callers never choose: they call `engine.k.*`.
 * Partitions depend only on the shapes and the thread count, and reductions run in a fixed order on
 * the calling thread, so a given thread count gives the same bits every run. Elementwise kernels split
 * by ranges, pooling and the mini-batch gather by planes (rows), GEMM by panels of C's rows or columns,
 * convolution by examples.
 */
import type { Engine } from "./engine.js";
import type { Kernels, Ptr } from "./kernels.js";
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

/** A kernel as JS calls it: numbers in (pointers, sizes, scalars), a number or nothing out. */
type Fn = (...a: number[]) => unknown;

/**
 * One kernel's split: from the engine (which has a pool), the export's name, its plain function and the
 * raw kernels, the function `engine.k` calls instead. That function runs the call in parts on the pool
 * when it pays and otherwise makes the plain call on the calling thread. (A maker per kind, so that the
 * GEMM and convolution entries take fixed parameters, which V8 calls faster than rest arguments.)
 */
type Split = (e: Engine, fn: string, whole: Fn, raw: Kernels) => Fn;

/**
 * kernel(p_0, …, p_{ptrs−1}, N, …scalars), elementwise over N values: ranges of multiples of 16 values
 * (so every range but the last is all SIMD, and the last has the whole call's scalar tail), each
 * pointer advanced to its range (a 0 pointer, an absent buffer, stays 0). Same bits on any thread count.
 */
function ranges(ptrs: number): Split {
  return (e, fn, whole) => (...a) => {
    const N = a[ptrs];
    const parts = N >= splitPolicy.minValues ? Math.min(e.threads, Math.floor(N / 16)) : 1;
    if (parts < 2) return whole(...a);
    const r = partition(N, parts, 16);
    e.pool!.run(r.slice(0, parts).map((lo, t) => ({
      fn, args: a.map((v, i) => (i < ptrs ? (v ? v + 4 * lo : 0) : i === ptrs ? r[t + 1] - lo : v)),
    })));
  };
}

/**
 * kernel(p_0, …, p_{k−1}, N, …sizes and scalars) over N independent planes or rows: pointer i advances
 * strides(a)[i] values per plane (0: shared by every plane); split when N × values(a) (per plane)
 * reaches splitPolicy.minValues. Each plane's bits are the same on any thread count.
 */
function planes(k: number, values: (a: readonly number[]) => number, strides: (a: readonly number[]) => number[]): Split {
  return (e, fn, whole) => (...a) => {
    const N = a[k];
    const parts = N * values(a) >= splitPolicy.minValues ? Math.min(e.threads, N) : 1;
    if (parts < 2) return whole(...a);
    const r = partition(N, parts), step = strides(a);
    e.pool!.run(r.slice(0, parts).map((n0, t) => ({
      fn, args: a.map((v, i) => (i < k ? v + 4 * n0 * step[i] : i === k ? r[t + 1] - n0 : v)),
    })));
  };
}

/** Pooling, kernel(ptrs…, N, H, W, p, s) over N maps: each pointer steps by an input (H·W) or output (OH·OW) plane. */
function pool(...sides: ("in" | "out")[]): Split {
  const k = sides.length;
  return planes(k, (a) => a[k + 1] * a[k + 2], (a) => {
    const H = a[k + 1], W = a[k + 2], p = a[k + 3], s = a[k + 4];
    const P = (Math.floor((H - p) / s) + 1) * (Math.floor((W - p) / s) + 1);
    return sides.map((side) => (side === "in" ? H * W : P));
  });
}

/** gather_rows{,_u8}(out, src, idx, B, C, …): rows of out (C values) and of idx (1) per example; src is shared. */
const gatherRows = /* @__PURE__ */ planes(3, (a) => a[4], (a) => [a[4], 0, 1]);

/**
 * gemm(c, a, b, scratch, M, N, K, transA, transB, alpha, beta) as gemm_part calls over blocks of C.
 * Every thread packs its own copy of the operand it shares with the others, in its own scratch
 * (engine.scratches[t]): split by rows (multiples of 8), each thread packs all of op(B) (K·N); by
 * columns (multiples of 8, the micro-kernel's width), all of op(A) (M·K). Rows unless C is more than
 * twice as wide as tall: for the MLP's weight gradient (100 × 784, K = 64) columns pack 6,400 floats
 * twice instead of 50,176 (150 → 108 µs on 2 threads); for its forward pass (64 × 100, K = 784) rows
 * measured faster (150 vs 180 µs) though they pack more, the column halves ending in narrow edge tiles.
 */
const gemmPanels: Split = (e, _fn, whole) => (c, a, b, scratch, M, N, K, transA, transB, alpha, beta) => {
  const byRows = N <= 2 * M;
  const parts = Math.min(e.threads, Math.floor((byRows ? M : N) / 8));
  const minFlops = M >= 16 && N >= 16 ? Math.min(splitPolicy.minFlops, splitPolicy.minFlopsTiled) : splitPolicy.minFlops;
  // x·Wᵀ with M ≤ 2 (batch-1 inference) takes gemm's dot-product path, which gemm_part would replace by packing
  const dots = M <= 2 && transA === 0 && transB === 1;
  if (parts < 2 || dots || 2 * M * N * K < minFlops) return whole(c, a, b, scratch, M, N, K, transA, transB, alpha, beta);
  const r = partition(byRows ? M : N, parts, 8);
  const tasks: Task[] = [];
  for (let t = 0; t < parts; t++) {
    const block = byRows ? [r[t], r[t + 1], 0, N] : [0, M, r[t], r[t + 1]];
    tasks.push({ fn: "gemm_part", args: [c, a, b, e.scratches[t], M, N, K, transA, transB, alpha, beta, ...block] });
  }
  e.pool!.run(tasks);
};

/** Threads for a batch of B examples of `flops` each: 1 unless it pays. */
function batchParts(e: Engine, B: number, flops: number): number {
  return B * flops >= splitPolicy.minFlops ? Math.min(e.threads, B) : 1;
}

/** conv2d_forward(out, inp, w, bias, scratch, B, C, H, W, F, k, s, pad, OH, OW), examples split (each example's bits are the same as on one thread). */
const convExamples: Split = (e, fn, whole) => (out, inp, w, bias, scratch, B, C, H, W, F, k, s, pad, OH, OW) => {
  const parts = batchParts(e, B, 2 * F * C * k * k * OH * OW);
  if (parts < 2) return whole(out, inp, w, bias, scratch, B, C, H, W, F, k, s, pad, OH, OW);
  const r = partition(B, parts);
  e.pool!.run(r.slice(0, parts).map((b0, t) => ({
    fn, args: [out + 4 * b0 * F * OH * OW, inp + 4 * b0 * C * H * W, w, bias, e.scratches[t], r[t + 1] - b0, C, H, W, F, k, s, pad, OH, OW],
  })));
};

/** Floats rounded up to a multiple of 4 (16 bytes), so every per-thread buffer stays aligned. */
const quad = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * The f32 a Conv2D's `dcol` must hold for conv2d_backward to split on this engine: one im2col gradient
 * buffer (C·k·k, OH·OW) per thread, then the partial weight (F·C·k·k) and bias (F) gradients of threads
 * 1 … n−1. With one thread, just the one dcol.
 */
export function convScratchFloats(e: Engine, C: number, k: number, F: number, OH: number, OW: number): number {
  const n = e.threads;
  return n * quad(C * k * k * OH * OW) + (n - 1) * (quad(F * C * k * k) + quad(F));
}

/**
 * conv2d_backward(dinp, dw, dbias, dout, inp, w, dcol, scratch, B, C, H, W, F, k, s, pad, OH, OW): ADDS
 * into dw, dbias and, when dinp ≠ 0, dinp, examples split across threads. Thread 0 adds into dw and
 * dbias, thread t > 0 into its zeroed partial sums in dcol's tail (see {@link convScratchFloats}),
 * which are then added in the order t = 1, 2, … on the calling thread. Needs dcol ≠ 0.
 */
const convBackwardExamples: Split = (e, fn, whole, raw) => (dinp, dw, dbias, dout, inp, w, dcol, scratch, B, C, H, W, F, k, s, pad, OH, OW) => {
  const K = C * k * k, P = OH * OW, n = e.threads;
  const parts = dcol ? batchParts(e, B, (dinp ? 4 : 2) * F * K * P) : 1;
  if (parts < 2) return whole(dinp, dw, dbias, dout, inp, w, dcol, scratch, B, C, H, W, F, k, s, pad, OH, OW);
  const at = (floats: number): Ptr => dcol + 4 * floats;
  const partialDw = (t: number) => at(n * quad(K * P) + (t - 1) * quad(F * K));
  const partialDb = (t: number) => at(n * quad(K * P) + (n - 1) * quad(F * K) + (t - 1) * quad(F));
  const r = partition(B, parts);
  const tasks: Task[] = [];
  for (let t = 0; t < parts; t++) {
    const b0 = r[t];
    if (t > 0) {
      raw.fill(partialDw(t), F * K, 0);
      raw.fill(partialDb(t), F, 0);
    }
    tasks.push({ fn, args: [dinp ? dinp + 4 * b0 * C * H * W : 0, t === 0 ? dw : partialDw(t), t === 0 ? dbias : partialDb(t),
      dout + 4 * b0 * F * P, inp + 4 * b0 * C * H * W, w, at(t * quad(K * P)), e.scratches[t], r[t + 1] - b0, C, H, W, F, k, s, pad, OH, OW] });
  }
  e.pool!.run(tasks);
  for (let t = 1; t < parts; t++) {
    raw.axpy(dw, partialDw(t), F * K, 1);
    raw.axpy(dbias, partialDb(t), F, 1);
  }
};

/**
 * Every kernel that splits across threads, and how; any kernel not listed always runs whole on the
 * calling thread. The argument order (outputs, inputs, sizes, then scalars) is what lets one rule
 * cover a family: ranges(n) and planes read their pointers first and the count right after them.
 * (The @__PURE__ marks let bundlers drop the table where nothing makes a threaded engine: simdnet/infer.)
 */
export const SPLITS: { readonly [K in keyof Kernels]?: Split } = {
  gemm: gemmPanels,
  fill: /* @__PURE__ */ ranges(1),
  gather_rows_u8: gatherRows,
  gather_rows: gatherRows,
  sigmoid_forward: /* @__PURE__ */ ranges(2),
  sigmoid_backward: /* @__PURE__ */ ranges(3),
  tanh_forward: /* @__PURE__ */ ranges(2),
  tanh_backward: /* @__PURE__ */ ranges(3),
  relu_forward: /* @__PURE__ */ ranges(2),
  relu_backward: /* @__PURE__ */ ranges(3),
  step_forward: /* @__PURE__ */ ranges(2),
  sgd_update: /* @__PURE__ */ ranges(3),
  conv2d_forward: convExamples,
  conv2d_backward: convBackwardExamples,
  maxpool2d_forward: /* @__PURE__ */ pool("out", "out", "in"),
  maxpool2d_backward: /* @__PURE__ */ pool("in", "out", "out"),
  l2pool2d_forward: /* @__PURE__ */ pool("out", "in"),
  l2pool2d_backward: /* @__PURE__ */ pool("in", "in", "out", "out"),
  adam_update: /* @__PURE__ */ ranges(4),
  rmsprop_update: /* @__PURE__ */ ranges(3),
  adagrad_update: /* @__PURE__ */ ranges(3),
  // ONNX / issue-19 kernels: activations by ranges; average and global pooling by planes; depthwise
  // convolution, channel affine and PReLU forward by examples (weight and bias shared). Their backward
  // kernels that sum a weight gradient over the batch do not split.
  leaky_relu_forward: /* @__PURE__ */ ranges(2), leaky_relu_prime: /* @__PURE__ */ ranges(2), leaky_relu_backward: /* @__PURE__ */ ranges(3),
  elu_forward: /* @__PURE__ */ ranges(2), elu_prime: /* @__PURE__ */ ranges(2), elu_backward: /* @__PURE__ */ ranges(3),
  hard_sigmoid_forward: /* @__PURE__ */ ranges(2), hard_sigmoid_prime: /* @__PURE__ */ ranges(2), hard_sigmoid_backward: /* @__PURE__ */ ranges(3),
  hard_swish_forward: /* @__PURE__ */ ranges(2), hard_swish_prime: /* @__PURE__ */ ranges(2), hard_swish_backward: /* @__PURE__ */ ranges(3),
  clip_forward: /* @__PURE__ */ ranges(2), clip_prime: /* @__PURE__ */ ranges(2), clip_backward: /* @__PURE__ */ ranges(3),
  gelu_forward: /* @__PURE__ */ ranges(2), gelu_prime: /* @__PURE__ */ ranges(2), gelu_backward: /* @__PURE__ */ ranges(3),
  gelu_tanh_forward: /* @__PURE__ */ ranges(2), gelu_tanh_prime: /* @__PURE__ */ ranges(2), gelu_tanh_backward: /* @__PURE__ */ ranges(3),
  // avgpool2d_*(p0, p1, N, H, W, OH, OW, …): input planes H·W, output planes OH·OW
  avgpool2d_forward: /* @__PURE__ */ planes(2, (a) => a[3] * a[4], (a) => [a[5] * a[6], a[3] * a[4]]),
  avgpool2d_backward: /* @__PURE__ */ planes(2, (a) => a[3] * a[4], (a) => [a[3] * a[4], a[5] * a[6]]),
  global_avgpool_forward: /* @__PURE__ */ planes(2, (a) => a[3], (a) => [1, a[3]]),
  global_avgpool_backward: /* @__PURE__ */ planes(2, (a) => a[3], (a) => [a[3], 1]),
  global_maxpool_forward: /* @__PURE__ */ planes(3, (a) => a[4], (a) => [1, 1, a[4]]),
  global_maxpool_backward: /* @__PURE__ */ planes(3, (a) => a[4], (a) => [a[4], 1, 1]),
  // dwconv2d_forward(out, inp, weight, bias, B, C, H, W, OH, OW, kh, kw, …): C·OH·OW·kh·kw madds per example
  dwconv2d_forward: /* @__PURE__ */ planes(4, (a) => a[5] * a[8] * a[9] * a[10] * a[11], (a) => [a[5] * a[8] * a[9], a[5] * a[6] * a[7], 0, 0]),
  channel_affine_forward: /* @__PURE__ */ planes(4, (a) => a[5] * a[6], (a) => [a[5] * a[6], a[5] * a[6], 0, 0]),
  prelu_forward: /* @__PURE__ */ planes(3, (a) => a[4] * a[5], (a) => [a[4] * a[5], a[4] * a[5], 0]),
};

/**
 * The `engine.k` of an engine with a pool: a flat copy of the raw exports (lookups through a prototype
 * measured slower), with each kernel in {@link SPLITS} replaced by its split entry.
 */
export function splitKernels(e: Engine, raw: Kernels): Kernels {
  const k = { ...raw } as Record<string, unknown>;
  for (const [fn, split] of Object.entries(SPLITS) as [keyof Kernels, Split][]) {
    // the module's own function where @assemblyscript/loader wrapped it (in a rest-arguments closure)
    const exported = raw[fn] as Fn & { original?: Fn };
    k[fn] = split(e, fn, exported.original ?? exported, raw);
  }
  return k as unknown as Kernels;
}
