/**
 * Gemm and MatMul on the engine's packed GEMM (`e.k.gemm`, which a threaded engine splits: src/wasm/parallel.ts).
 * Gemm: Y = alpha · op(A) · op(B) + beta · C, C broadcast to (M, N). MatMul: numpy matmul semantics
 * (1-D operands promoted, batch dims broadcast); a 2-D right operand folds the batch into M, one call.
 */
import { broadcastShapes, broadcastStrides, numel, requireFloat, stridesOf, type Builder } from "../op.js";

export const GEMM: Record<string, Builder> = {
  Gemm(c) {
    requireFloat(c, [0, 1, 2]);
    const a = c.input(0).shape, b = c.input(1).shape;
    if (a.length !== 2 || b.length !== 2) c.fail(`A and B must be 2-D, got [${a.join(", ")}] and [${b.join(", ")}]`);
    const tA = c.attrs.int("transA", 0) ? 1 : 0, tB = c.attrs.int("transB", 0) ? 1 : 0;
    const alpha = c.attrs.float("alpha", 1), beta = c.attrs.float("beta", 1);
    const [M, K] = tA ? [a[1], a[0]] : a;
    const [K2, N] = tB ? [b[1], b[0]] : b;
    if (K !== K2) c.fail(`inner dimensions differ: op(A) is ${M}×${K}, op(B) is ${K2}×${N}`);
    const cs = c.ins[2]?.shape;
    if (cs && broadcastShapes(cs, [M, N])?.join() !== [M, N].join()) c.fail(`C [${cs.join(", ")}] does not broadcast to [${M}, ${N}]`);
    const useC = !!cs && beta !== 0;
    const st = cs ? broadcastStrides(cs, [M, N]) : [0, 0];
    return {
      out: [[M, N]],
      run(e, [x, w, bias], [y]) {
        if (useC) {
          const h = e.heapF32, yi = y >> 2, ci = bias >> 2;
          for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) h[yi + i * N + j] = h[ci + i * st[0] + j * st[1]];
        }
        e.k.gemm(y, x, w, e.gemmScratch, M, N, K, tA, tB, alpha, useC ? beta : 0);
      },
    };
  },

  MatMul(c) {
    requireFloat(c, [0, 1]);
    let a = c.input(0).shape, b = c.input(1).shape;
    if (a.length === 0 || b.length === 0) c.fail("MatMul operands must have rank ≥ 1");
    const dropM = a.length === 1, dropN = b.length === 1;
    if (dropM) a = [1, a[0]];
    if (dropN) b = [b[0], 1];
    const [M, K] = a.slice(-2), [K2, N] = b.slice(-2);
    if (K !== K2) c.fail(`inner dimensions differ: [${c.input(0).shape.join(", ")}] × [${c.input(1).shape.join(", ")}]`);
    const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2)) ?? c.fail(`batch dims of [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    const out = [...batch, ...(dropM ? [] : [M]), ...(dropN ? [] : [N])];
    const nb = numel(batch);
    if (b.length === 2 && !dropN) {
      // x (…, M, K) · W (K, N): one GEMM with the batch folded into the rows
      const rows = numel(a.slice(0, -1)) * (nb / Math.max(numel(a.slice(0, -2)), 1));
      return { out: [out], run: (e, [x, w], [y]) => e.k.gemm(y, x, w, e.gemmScratch, rows, N, K, 0, 0, 1, 0) };
    }
    const sa = broadcastStrides(a.slice(0, -2), batch), sb = broadcastStrides(b.slice(0, -2), batch), so = stridesOf(batch);
    return {
      out: [out],
      run(e, [x, w], [y]) {
        for (let i = 0; i < nb; i++) {
          let oa = 0, ob = 0, r = i;
          for (let d = 0; d < batch.length; d++) {
            const q = Math.floor(r / so[d]);
            r -= q * so[d];
            oa += q * sa[d];
            ob += q * sb[d];
          }
          e.k.gemm(y + 4 * i * M * N, x + 4 * oa * M * K, w + 4 * ob * K * N, e.gemmScratch, M, N, K, 0, 0, 1, 0);
        }
      },
    };
  },
};
