/**
 * A typed mirror of assembly/index.ts: the whole ABI between TS and the WebAssembly kernels, checked
 * against every built module's exports by test/wasm/exports.test.ts. Pointers are byte offsets into
 * the engine's one memory (`Ptr`); sizes are element counts. Arguments come in one order: outputs,
 * inputs, sizes, then scalars. Shape letters, project-wide: B batch, C input features/channels, OC
 * output features, N element count, M/N/K for GEMM. Kernels never allocate; backward kernels ADD into
 * their outputs. Which kernels split across an engine's threads, and how, is declared once in
 * src/wasm/parallel.ts's SPLITS; callers always call `engine.k.*`.
 */

/** A byte offset into the engine's WebAssembly memory. */
export type Ptr = number;

export interface Kernels {
  heap_base(): Ptr;
  relaxed_simd(): number;
  debug_build(): number;

  // gemm.ts: C(M,N) = alpha * op(A) * op(B) + beta * C, all row-major and contiguous.
  // A is (M,K), or (K,M) when transA; B is (K,N), or (N,K) when transB. scratch holds
  // gemm_scratch_floats() f32 for the packed panels. beta = 0 never reads C (NaN-safe).
  gemm(c: Ptr, a: Ptr, b: Ptr, scratch: Ptr, M: number, N: number, K: number,
       transA: number, transB: number, alpha: number, beta: number): void;
  gemm_scratch_floats(): number;
  /** The straightforward SIMD ikj loop (no packing): kept as the benchmarked baseline. */
  gemm_simple(c: Ptr, a: Ptr, b: Ptr, M: number, N: number, K: number,
              transA: number, transB: number, alpha: number, beta: number): void;

  // elementwise.ts
  fill(out: Ptr, N: number, value: number): void;
  copy(out: Ptr, inp: Ptr, N: number): void;
  /** out = alpha * inp. */
  scale(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  /** y += alpha * x. */
  axpy(y: Ptr, x: Ptr, N: number, alpha: number): void;
  hadamard(out: Ptr, a: Ptr, b: Ptr, N: number): void;
  bias_add(out: Ptr, bias: Ptr, B: number, N: number): void;
  u8_to_f32(out: Ptr, inp: Ptr, N: number, scale: number): void;
  gather_rows_u8(out: Ptr, src: Ptr, idx: Ptr, B: number, C: number, scale: number): void;
  gather_rows(out: Ptr, src: Ptr, idx: Ptr, B: number, C: number): void;
  one_hot(out: Ptr, labels: Ptr, B: number, C: number): void;

  // activation.ts: forward out = f(inp); backward dinp += dout * f'(.) from the forward output;
  // *_prime out = f'(inp) (the book's sigma_prime(z)).
  sigmoid_forward(out: Ptr, inp: Ptr, N: number): void;
  sigmoid_backward(dinp: Ptr, out: Ptr, dout: Ptr, N: number): void;
  sigmoid_prime(out: Ptr, inp: Ptr, N: number): void;
  tanh_forward(out: Ptr, inp: Ptr, N: number): void;
  tanh_backward(dinp: Ptr, out: Ptr, dout: Ptr, N: number): void;
  tanh_prime(out: Ptr, inp: Ptr, N: number): void;
  relu_forward(out: Ptr, inp: Ptr, N: number): void;
  relu_backward(dinp: Ptr, out: Ptr, dout: Ptr, N: number): void;
  relu_prime(out: Ptr, inp: Ptr, N: number): void;
  step_forward(out: Ptr, inp: Ptr, N: number): void;

  // softmax.ts: rows of (B, C)
  softmax_forward(out: Ptr, inp: Ptr, B: number, C: number): void;
  log_softmax_forward(out: Ptr, inp: Ptr, B: number, C: number): void;
  softmax_backward(dinp: Ptr, out: Ptr, dout: Ptr, B: number, C: number): void;

  // cost.ts: a and y are (B, C); costs return the sum over the batch (the caller divides by n);
  // deltas WRITE delta = scale * dC/d(.) (they seed backprop, so there is nothing to add to).
  quadratic_cost(a: Ptr, y: Ptr, B: number, C: number): number;
  cross_entropy_cost(a: Ptr, y: Ptr, B: number, C: number): number;
  log_likelihood_cost(a: Ptr, y: Ptr, B: number, C: number): number;
  cost_diff(delta: Ptr, a: Ptr, y: Ptr, N: number, scale: number): void;
  cross_entropy_grad(delta: Ptr, a: Ptr, y: Ptr, N: number, scale: number): void;

  // reduce.ts
  col_sum(out: Ptr, inp: Ptr, B: number, N: number): void;
  row_argmax(out: Ptr, inp: Ptr, B: number, C: number): void;
  count_argmax_equal(inp: Ptr, labels: Ptr, B: number, C: number): number;
  sum_squares(x: Ptr, N: number): number;
  sum_abs(x: Ptr, N: number): number;
  count_nonfinite(x: Ptr, N: number): number;

  // sgd.ts: one fused pass; vel = 0 means no momentum buffer.
  sgd_update(param: Ptr, grad: Ptr, vel: Ptr, N: number, lr: number, l2: number, l1: number,
             momentum: number, nesterov: number): void;

  // rng.ts: xoshiro128** with its 4 u32 of state at `state`.
  rng_seed(state: Ptr, seed: number): void;
  rng_next_u32(state: Ptr): number;
  rng_below(state: Ptr, n: number): number;
  rng_uniform(state: Ptr, out: Ptr, N: number, lo: number, hi: number): void;
  rng_normal(state: Ptr, out: Ptr, N: number, mean: number, std: number): void;
  rng_dropout_mask(state: Ptr, out: Ptr, N: number, keep: number): void;
  rng_shuffle(state: Ptr, idx: Ptr, N: number): void;

  // conv.ts: inp (B, C, H, W), w (F, C, k, k), bias (F), out (B, F, OH, OW), stride s, `pad` zeros
  // before the image (top/left; OH/OW given, so "same" may pad after it too). The im2col pair needs
  // the GEMM scratch and, for the input gradient, dcol (C*k*k, OH*OW); the direct pair needs nothing.
  // On a threaded engine conv2d_backward splits only when dcol holds convScratchFloats(...) f32
  // (src/wasm/parallel.ts: every thread's dcol and partial sums). Forward writes out; backward ADDS
  // into dw, dbias and dinp (skipped when dinp = 0).
  conv2d_forward(out: Ptr, inp: Ptr, w: Ptr, bias: Ptr, scratch: Ptr, B: number, C: number,
                 H: number, W: number, F: number, k: number, s: number, pad: number, OH: number, OW: number): void;
  conv2d_backward(dinp: Ptr, dw: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, w: Ptr, dcol: Ptr, scratch: Ptr,
                  B: number, C: number, H: number, W: number, F: number, k: number, s: number, pad: number,
                  OH: number, OW: number): void;
  conv2d_direct_forward(out: Ptr, inp: Ptr, w: Ptr, bias: Ptr, B: number, C: number, H: number, W: number,
                        F: number, k: number, s: number, pad: number, OH: number, OW: number): void;
  conv2d_direct_backward(dinp: Ptr, dw: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, w: Ptr, B: number, C: number,
                         H: number, W: number, F: number, k: number, s: number, pad: number, OH: number, OW: number): void;

  // pool.ts: N = B*C planes of (H, W), p x p regions at stride s, OH = (H - p) / s + 1. arg is
  // (N, OH, OW) i32: the max's flat index in its plane (first on ties). Backward ADDS into dinp.
  maxpool2d_forward(out: Ptr, arg: Ptr, inp: Ptr, N: number, H: number, W: number, p: number, s: number): void;
  maxpool2d_backward(dinp: Ptr, arg: Ptr, dout: Ptr, N: number, H: number, W: number, p: number, s: number): void;
  l2pool2d_forward(out: Ptr, inp: Ptr, N: number, H: number, W: number, p: number, s: number): void;
  l2pool2d_backward(dinp: Ptr, inp: Ptr, out: Ptr, dout: Ptr, N: number, H: number, W: number, p: number, s: number): void;

  // optim.ts: one fused pass each, decay g' = grad + l2 w + l1 sign(w) as in sgd_update; m, v (N) state.
  // Adam: c1 = 1 / (1 - beta1^t), c2 = 1 / (1 - beta2^t) (bias corrections from the caller).
  adam_update(param: Ptr, grad: Ptr, m: Ptr, v: Ptr, N: number, lr: number, l2: number, l1: number,
              beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
  rmsprop_update(param: Ptr, grad: Ptr, v: Ptr, N: number, lr: number, l2: number, l1: number, rho: number, eps: number): void;
  adagrad_update(param: Ptr, grad: Ptr, v: Ptr, N: number, lr: number, l2: number, l1: number, eps: number): void;
  /** grad += l2 param + l1 sign(param). */
  add_decay(grad: Ptr, param: Ptr, N: number, l2: number, l1: number): void;
  /** Σ x·y in f64. */
  dot_f64(x: Ptr, y: Ptr, N: number): number;
  /** dinp += f''(z) ⊙ rz ⊙ dout with f'' from the output a = f(z); fn 0 sigmoid, 1 tanh. */
  activation_second(dinp: Ptr, out: Ptr, rz: Ptr, dout: Ptr, N: number, fn: number): void;

  // rnn.ts: time-major sequences x (T, B, C), states (T, B, H), masks (T, B) f32 in {0, 1}; a masked
  // step carries the state (h_t = h_{t-1}). These WRITE their outputs.
  seq_transpose(out: Ptr, inp: Ptr, B: number, T: number, C: number): void;
  rnn_carry(h: Ptr, hprev: Ptr, mask: Ptr, B: number, H: number): void;
  rnn_mask_backward(dpre: Ptr, dh: Ptr, mask: Ptr, B: number, H: number): void;
  row_scale(x: Ptr, s: Ptr, B: number, C: number): void;
  mask_from_ids(mask: Ptr, ids: Ptr, N: number): number;
  count_argmax_equal_masked(inp: Ptr, labels: Ptr, mask: Ptr, B: number, C: number): number;

  // ---- ONNX operators and issue-19 layers (branch onnxk; assembly/kernels/{broadcast,channel,
  // activation_ext,avgpool,depthwise,im2col2d,layout,lstm,gru,batchnorm}.ts). Forward kernels WRITE,
  // backward kernels ADD; a gradient pointer of 0 skips that gradient where the comment says so.

  // broadcast.ts: out (D0,D1,D2,D3) contiguous = a op b, a read at Σ i_k sa_k, b at Σ i_k sb_k (element
  // strides over out's shape, 0 on broadcast axes). Backward: da/db (a's/b's layouts) += dout · ∂op, summed
  // over stride-0 axes; da or db = 0 skips it.
  add_broadcast_forward(out: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  sub_broadcast_forward(out: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  mul_broadcast_forward(out: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  div_broadcast_forward(out: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  add_broadcast_backward(da: Ptr, db: Ptr, dout: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  sub_broadcast_backward(da: Ptr, db: Ptr, dout: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  mul_broadcast_backward(da: Ptr, db: Ptr, dout: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;
  div_broadcast_backward(da: Ptr, db: Ptr, dout: Ptr, a: Ptr, b: Ptr, D0: number, D1: number, D2: number, D3: number, sa0: number, sa1: number, sa2: number, sa3: number, sb0: number, sb1: number, sb2: number, sb3: number): void;

  // channel.ts, over (B, C, HW): out = inp·scale[c] + shift[c] (shift 0: none); prelu out = x > 0 ? x : slope[c]·x.
  channel_affine_forward(out: Ptr, inp: Ptr, scale: Ptr, shift: Ptr, B: number, C: number, HW: number): void;
  channel_affine_backward(dinp: Ptr, dscale: Ptr, dshift: Ptr, dout: Ptr, inp: Ptr, scale: Ptr, B: number, C: number, HW: number): void;
  prelu_forward(out: Ptr, inp: Ptr, slope: Ptr, B: number, C: number, HW: number): void;
  prelu_backward(dinp: Ptr, dslope: Ptr, dout: Ptr, inp: Ptr, slope: Ptr, B: number, C: number, HW: number): void;

  // activation_ext.ts: forward out = f(inp); backward dinp += dout·f'(inp) from the forward INPUT; prime out = f'(inp).
  leaky_relu_forward(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  leaky_relu_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number, alpha: number): void;
  leaky_relu_prime(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  elu_forward(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  elu_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number, alpha: number): void;
  elu_prime(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  hard_sigmoid_forward(out: Ptr, inp: Ptr, N: number, alpha: number, beta: number): void;
  hard_sigmoid_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number, alpha: number, beta: number): void;
  hard_sigmoid_prime(out: Ptr, inp: Ptr, N: number, alpha: number, beta: number): void;
  hard_swish_forward(out: Ptr, inp: Ptr, N: number): void;
  hard_swish_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number): void;
  hard_swish_prime(out: Ptr, inp: Ptr, N: number): void;
  clip_forward(out: Ptr, inp: Ptr, N: number, lo: number, hi: number): void;
  clip_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number, lo: number, hi: number): void;
  clip_prime(out: Ptr, inp: Ptr, N: number, lo: number, hi: number): void;
  gelu_forward(out: Ptr, inp: Ptr, N: number): void;
  gelu_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number): void;
  gelu_prime(out: Ptr, inp: Ptr, N: number): void;
  gelu_tanh_forward(out: Ptr, inp: Ptr, N: number): void;
  gelu_tanh_backward(dinp: Ptr, inp: Ptr, dout: Ptr, N: number): void;
  gelu_tanh_prime(out: Ptr, inp: Ptr, N: number): void;

  // avgpool.ts: planes inp (N, H, W) → out (N, OH, OW), kh×kw windows at strides sh, sw, pads pt, pl, pb, pr;
  // global pooling out (N) over planes of HW, global max's arg (N) i32.
  avgpool2d_forward(out: Ptr, inp: Ptr, N: number, H: number, W: number, OH: number, OW: number, kh: number, kw: number,
                    sh: number, sw: number, pt: number, pl: number, pb: number, pr: number, count_include_pad: number): void;
  avgpool2d_backward(dinp: Ptr, dout: Ptr, N: number, H: number, W: number, OH: number, OW: number, kh: number, kw: number,
                     sh: number, sw: number, pt: number, pl: number, pb: number, pr: number, count_include_pad: number): void;
  global_avgpool_forward(out: Ptr, inp: Ptr, N: number, HW: number): void;
  global_avgpool_backward(dinp: Ptr, dout: Ptr, N: number, HW: number): void;
  global_maxpool_forward(out: Ptr, arg: Ptr, inp: Ptr, N: number, HW: number): void;
  global_maxpool_backward(dinp: Ptr, arg: Ptr, dout: Ptr, N: number, HW: number): void;

  // depthwise.ts: inp (B, C, H, W), weight (C, 1, kh, kw), bias (C) or 0, out (B, C, OH, OW); dilations dh, dw.
  dwconv2d_forward(out: Ptr, inp: Ptr, weight: Ptr, bias: Ptr, B: number, C: number, H: number, W: number, OH: number, OW: number,
                   kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, dh: number, dw: number): void;
  dwconv2d_backward(dinp: Ptr, dweight: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, weight: Ptr, B: number, C: number, H: number, W: number,
                    OH: number, OW: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, dh: number, dw: number): void;

  // im2col2d.ts: one image img (C, H, W) ↔ col (C·kh·kw, OH·OW); backward (col2im) ADDS into dimg.
  im2col2d_forward(col: Ptr, img: Ptr, C: number, H: number, W: number, OH: number, OW: number, kh: number, kw: number,
                   sh: number, sw: number, pt: number, pl: number, dh: number, dw: number): void;
  im2col2d_backward(dimg: Ptr, dcol: Ptr, C: number, H: number, W: number, OH: number, OW: number, kh: number, kw: number,
                    sh: number, sw: number, pt: number, pl: number, dh: number, dw: number): void;

  // layout.ts: out[Σ i_k os_k] (=|+=) inp[Σ i_k is_k] over the (D0, D1, D2, D3) block: Transpose, Concat, Slice, Expand.
  strided_copy(out: Ptr, inp: Ptr, D0: number, D1: number, D2: number, D3: number, os0: number, os1: number, os2: number, os3: number,
               is0: number, is1: number, is2: number, is3: number): void;
  strided_add(out: Ptr, inp: Ptr, D0: number, D1: number, D2: number, D3: number, os0: number, os1: number, os2: number, os3: number,
              is0: number, is1: number, is2: number, is3: number): void;

  // lstm.ts / gru.ts: pointwise cell steps; gate block indices in the caller's layout (ONNX iofc / zrh,
  // PyTorch ifgo / rzn). States (B, H), gates (B, 4H) / (B, 3H); cprev / hprev = 0: the zero state.
  lstm_cell_forward(h: Ptr, c: Ptr, act: Ptr, gates: Ptr, cprev: Ptr, B: number, H: number, gi: number, go: number, gf: number, gc: number): void;
  lstm_cell_backward(dgates: Ptr, dcprev: Ptr, dh: Ptr, dc: Ptr, act: Ptr, c: Ptr, cprev: Ptr, B: number, H: number,
                     gi: number, go: number, gf: number, gc: number): void;
  gru_gates_forward(act: Ptr, rh: Ptr, xg: Ptr, hg: Ptr, hprev: Ptr, B: number, H: number, gz: number, gr: number): void;
  gru_cell_forward(h: Ptr, act: Ptr, xg: Ptr, hg: Ptr, hprev: Ptr, B: number, H: number, gz: number, gr: number, gh: number,
                   linear_before_reset: number): void;
  gru_cell_backward(dxg: Ptr, dhg: Ptr, dhprev: Ptr, dh: Ptr, act: Ptr, hg: Ptr, hprev: Ptr, B: number, H: number,
                    gz: number, gr: number, gh: number, linear_before_reset: number): void;
  gru_reset_backward(dxg: Ptr, dhg: Ptr, dhprev: Ptr, drh: Ptr, act: Ptr, hprev: Ptr, B: number, H: number, gr: number): void;

  // batchnorm.ts, over (B, C, HW), training mode: batch mean and rstd = 1/sqrt(var + eps) per channel.
  batchnorm_forward(out: Ptr, mean: Ptr, rstd: Ptr, inp: Ptr, gamma: Ptr, beta: Ptr, B: number, C: number, HW: number, eps: number): void;
  batchnorm_backward(dinp: Ptr, dgamma: Ptr, dbeta: Ptr, dout: Ptr, inp: Ptr, mean: Ptr, rstd: Ptr, gamma: Ptr,
                     B: number, C: number, HW: number): void;
  batchnorm_running_update(rmean: Ptr, rvar: Ptr, mean: Ptr, rstd: Ptr, C: number, M: number, momentum: number, eps: number): void;
}

/** The threads build (assembly/threads.ts): every kernel, plus what the pool splits GEMM with. */
export interface ThreadKernels extends Kernels {
  /** The block [i0, i1) x [j0, j1) of gemm's C, with this thread's own packing scratch. */
  gemm_part(c: Ptr, a: Ptr, b: Ptr, scratch: Ptr, M: number, N: number, K: number, transA: number, transB: number,
            alpha: number, beta: number, i0: number, i1: number, j0: number, j1: number): void;
}

/**
 * The kernels of the inference-only build, the one list both ends derive from: scripts/infer-exports.ts
 * writes assembly/infer.ts's exports from it (`npm run asbuild:infer`), and src/infer.ts refuses a module
 * that lacks one of them. Forward passes only: no backward, cost, optimizer, data or RNG kernel (a
 * loaded model is never randomly initialised).
 */
export const INFER_KERNELS = [
  "heap_base", "relaxed_simd", "debug_build", "gemm", "gemm_scratch_floats", "fill", "copy", "bias_add",
  "sigmoid_forward", "tanh_forward", "relu_forward", "step_forward", "softmax_forward", "row_argmax",
  "count_nonfinite", "conv2d_forward", "conv2d_direct_forward", "maxpool2d_forward", "l2pool2d_forward",
  // ONNX models ("simdnet/onnx") also call these
  "hadamard", "axpy", "log_softmax_forward",
  // ONNX operators (branch onnxk)
  "add_broadcast_forward", "sub_broadcast_forward", "mul_broadcast_forward", "div_broadcast_forward",
  "channel_affine_forward", "prelu_forward", "leaky_relu_forward", "elu_forward", "hard_sigmoid_forward",
  "hard_swish_forward", "clip_forward", "gelu_forward", "gelu_tanh_forward", "avgpool2d_forward",
  "global_avgpool_forward", "global_maxpool_forward", "dwconv2d_forward", "im2col2d_forward", "strided_copy",
  "lstm_cell_forward", "gru_gates_forward", "gru_cell_forward",
] as const satisfies readonly (keyof Kernels)[];
