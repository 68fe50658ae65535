// Kernels the worker pool splits work with (only in the threads build, assembly/threads.ts).
// gemm_rows computes rows [i0, i1) of gemm's C(M,N) = alpha * op(A) op(B) + beta * C, with gemm's
// layouts: A is (M,K), or stored (K,M) when transA = 1; B is (K,N), or stored (N,K) when transB = 1.
// Each thread passes its own scratch (gemm_scratch_floats() f32): packing buffers are never shared.
// A row's value depends only on K's blocking, not on which rows share its call, so the same partition
// gives the same bits; different partitions may differ in the last bits (edge tiles round beta * C
// like the full ones, but MC blocks start elsewhere).
import { at } from "./util";
import { gemm_blocked } from "./gemm_blocks";

export function gemm_rows(c: usize, a: usize, b: usize, scratch: usize, M: i32, N: i32, K: i32,
                          transA: i32, transB: i32, alpha: f32, beta: f32, i0: i32, i1: i32): void {
  assert(0 <= i0 && i0 <= i1 && i1 <= M && N >= 0 && K >= 0, "gemm_rows: bad row range");
  const rows = i1 - i0;
  if (rows == 0 || N == 0) return;
  const c0 = at(c, i0 * N);
  if (K == 0 || alpha == 0) { // nothing to add: C rows = beta * C rows (beta = 0 never reads C)
    const n = rows * N;
    for (let i = 0; i < n; i++) store<f32>(at(c0, i), beta == 0 ? 0 : beta * load<f32>(at(c0, i)));
    return;
  }
  // op(A)(i,k) is element i * ars + k * aks of a; op(B)(k,j) is element j * brs + k * bks of b
  const ars = transA ? 1 : K, aks = transA ? M : 1;
  gemm_blocked(c0, at(a, i0 * ars), b, scratch, rows, N, K, ars, aks, transB ? K : 1, transB ? 1 : N, alpha, beta, 0);
}
