// The naive GEMM in float64, the reference every gemm kernel is tested against (llm.c's
// matmul_forward_naive): C(M,N) = alpha * op(A) op(B) + beta * C with the layouts of assembly/kernels/gemm.ts.

/**
 * Returns alpha * op(A) op(B) + beta * C as a new float64 array, C, A, B row-major: A is (M,K), or
 * (K,M) when transA; B is (K,N), or (N,K) when transB. beta = 0 ignores C and alpha = 0 ignores A and B
 * entirely, NaN included (BLAS's rule).
 */
export function gemmRef(c: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>,
                        M: number, N: number, K: number, transA: boolean, transB: boolean,
                        alpha: number, beta: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        s += a[transA ? k * M + i : i * K + k] * b[transB ? j * K + k : k * N + j];
      }
      out[i * N + j] = (alpha === 0 ? 0 : alpha * s) + (beta === 0 ? 0 : beta * c[i * N + j]);
    }
  }
  return out;
}
