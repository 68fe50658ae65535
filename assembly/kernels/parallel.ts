// gemm_part computes the block [i0, i1) x [j0, j1) of gemm's C(M,N) = alpha * op(A) op(B) + beta * C,
// with gemm's layouts: A is (M,K), or stored (K,M) when transA = 1; B is (K,N), or stored (N,K) when
// transB = 1. The pool splits C by rows or by columns (src/wasm/parallel.ts), each thread passing its
// own scratch (gemm_scratch_floats() f32): packing buffers are never shared. An element's value
// depends only on K's blocking, not on which rows or columns share its call, so the same partition
// gives the same bits; different partitions may differ in the last bits (edge tiles round beta * C
// like the full ones, but blocks start elsewhere).
import { at } from "./util";
import { gemm_blocked } from "./gemm_blocks";

export function gemm_part(c: usize, a: usize, b: usize, scratch: usize, M: i32, N: i32, K: i32,
                          transA: i32, transB: i32, alpha: f32, beta: f32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  assert(0 <= i0 && i0 <= i1 && i1 <= M && 0 <= j0 && j0 <= j1 && j1 <= N && K >= 0, "gemm_part: bad block");
  const rows = i1 - i0, cols = j1 - j0;
  if (rows == 0 || cols == 0) return;
  const c0 = at(c, i0 * N + j0);
  if (K == 0 || alpha == 0) { // nothing to add: C block = beta * C block (beta = 0 never reads C)
    for (let i = 0; i < rows; i++) {
      const r = at(c0, i * N);
      for (let j = 0; j < cols; j++) store<f32>(at(r, j), beta == 0 ? 0 : beta * load<f32>(at(r, j)));
    }
    return;
  }
  // op(A)(i,k) is element i * ars + k * aks of a; op(B)(k,j) is element j * brs + k * bks of b
  const ars = transA ? 1 : K, aks = transA ? M : 1;
  const brs = transB ? K : 1, bks = transB ? 1 : N;
  gemm_blocked(c0, at(a, i0 * ars), at(b, j0 * brs), scratch, rows, cols, K, N, ars, aks, brs, bks, alpha, beta, 0);
}
