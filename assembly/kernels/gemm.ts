// GEMM: C(M,N) = alpha * op(A) op(B) + beta * C, every matrix row-major and contiguous.
// A is (M,K), or stored (K,M) when transA = 1; B is (K,N), or stored (N,K) when transB = 1.
// beta = 0 never reads C (it may hold NaN garbage); alpha = 0 or K = 0 never reads A or B.
// gemm is GotoBLAS/BLIS (gemm_blocks.ts): op(B) is packed in KC x NC blocks of 8-column panels, op(A)
// in MC x KC blocks of MR-row panels (the transposes happen while packing), and an MR x 8
// register-blocked micro-kernel multiplies one A panel by one B panel. gemm_simple is the unpacked SIMD loop, kept as
// the baseline the benchmark (bench/gemm.ts) compares against.
import { at, dot, hsum, madd, fmadd, axpy_inline } from "./util";
import { SCRATCH_FLOATS, gemm_blocked } from "./gemm_blocks";

/** Floats of scratch gemm needs: the packed A block, the packed B block, one MR x NR edge tile (and conv's geometry record). */
export function gemm_scratch_floats(): i32 {
  return SCRATCH_FLOATS;
}

export function gemm(c: usize, a: usize, b: usize, scratch: usize, M: i32, N: i32, K: i32,
                     transA: i32, transB: i32, alpha: f32, beta: f32): void {
  assert(M >= 0 && N >= 0 && K >= 0, "gemm: negative size");
  assert((transA | transB) >>> 1 == 0, "gemm: transA and transB must be 0 or 1");
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0) { // nothing to add: C = beta * C
    scale(c, M * N, beta);
    return;
  }
  // One or two rows times Bᵀ (inference on a single example: x · Wᵀ) is a row of dot products over
  // contiguous rows of both operands; packing B would cost more than the multiply itself.
  if (M <= 2 && transA == 0 && transB == 1) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const cij = at(c, i * N + j);
        const v = alpha * dot4(at(a, i * K), at(b, j * K), K);
        store<f32>(cij, beta == 0 ? v : v + beta * load<f32>(cij));
      }
    }
    return;
  }
  // op(A)(i,k) is element i * ars + k * aks of a; op(B)(k,j) is element j * brs + k * bks of b.
  gemm_blocked(c, a, b, scratch, M, N, K, N, transA ? 1 : K, transA ? M : 1, transB ? K : 1, transB ? 1 : N, alpha, beta, 0);
}

/** sum_k x[k] * y[k] with four independent accumulators (one would wait on FMA latency). */
function dot4(x: usize, y: usize, K: i32): f32 {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    a0 = madd(v128.load(at(x, k)), v128.load(at(y, k)), a0);
    a1 = madd(v128.load(at(x, k + 4)), v128.load(at(y, k + 4)), a1);
    a2 = madd(v128.load(at(x, k + 8)), v128.load(at(y, k + 8)), a2);
    a3 = madd(v128.load(at(x, k + 12)), v128.load(at(y, k + 12)), a3);
  }
  for (; k + 4 <= K; k += 4) a0 = madd(v128.load(at(x, k)), v128.load(at(y, k)), a0);
  let s = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (; k < K; k++) s += load<f32>(at(x, k)) * load<f32>(at(y, k));
  return s;
}

/** x[i] = beta * x[i] over n values; beta = 0 writes zeros without reading x (it may be NaN). */
function scale(x: usize, n: i32, beta: f32): void {
  if (beta == 1) return;
  const vb = f32x4.splat(beta);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(at(x, i), beta == 0 ? f32x4.splat(0) : f32x4.mul(vb, v128.load(at(x, i))));
  }
  for (; i < n; i++) store<f32>(at(x, i), beta == 0 ? 0 : beta * load<f32>(at(x, i)));
}

export function gemm_simple(c: usize, a: usize, b: usize, M: i32, N: i32, K: i32,
                            transA: i32, transB: i32, alpha: f32, beta: f32): void {
  assert(M >= 0 && N >= 0 && K >= 0, "gemm_simple: negative size");
  assert((transA | transB) >>> 1 == 0, "gemm_simple: transA and transB must be 0 or 1");
  if (alpha == 0) { // like gemm: A and B are not read
    scale(c, M * N, beta);
    return;
  }
  for (let i = 0; i < M; i++) {
    const c_i = at(c, i * N);
    scale(c_i, N, beta);
    if (!transB) {
      // row i of C += alpha * op(A)[i,k] * row k of B, for every k: SIMD runs along N
      for (let k = 0; k < K; k++) {
        axpy_inline(c_i, alpha * load<f32>(at(a, transA ? k * M + i : i * K + k)), at(b, k * N), N);
      }
    } else {
      // C[i,j] += alpha * op(A)[i,:] . B[j,:]: SIMD runs along K when row i of op(A) is contiguous,
      // a scalar loop when both are transposed (a rare case; gemm handles it at full speed)
      for (let j = 0; j < N; j++) {
        const b_j = at(b, j * K);
        let s: f32 = 0;
        if (!transA) s = dot(at(a, i * K), b_j, K);
        else for (let k = 0; k < K; k++) s += load<f32>(at(a, k * M + i)) * load<f32>(at(b_j, k));
        store<f32>(at(c_i, j), fmadd(alpha, s, load<f32>(at(c_i, j))));
      }
    }
  }
}
