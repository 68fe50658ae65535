// Naive float64 references for assembly/kernels/broadcast.ts: NumPy broadcasting of a op b written as
// four nested loops over the output with each input's element strides (0 on broadcast axes).

export type BinOp = "add" | "sub" | "mul" | "div";
const OPS: Record<BinOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y,
};

/** out[i0, i1, i2, i3] = a[Σ i_k sa_k] op b[Σ i_k sb_k] over out's shape D (length 4). */
export function broadcastRef(op: BinOp, a: ArrayLike<number>, b: ArrayLike<number>, D: number[], sa: number[], sb: number[]): Float64Array {
  const out = new Float64Array(D[0] * D[1] * D[2] * D[3]);
  let o = 0;
  for (let i0 = 0; i0 < D[0]; i0++) for (let i1 = 0; i1 < D[1]; i1++) for (let i2 = 0; i2 < D[2]; i2++) for (let i3 = 0; i3 < D[3]; i3++) {
    const ia = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3], ib = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3];
    out[o++] = OPS[op](a[ia], b[ib]);
  }
  return out;
}

/** NumPy-style contiguous strides of `shape` laid over the rank-4 output shape D (0 where shape has 1 and D does not). */
export function broadcastStrides(shape: number[], D: number[]): number[] {
  const s = [1, 1, 1, 1].map((_, k) => (k < 4 - shape.length ? 1 : shape[k - (4 - shape.length)]));
  const strides = [0, 0, 0, 0];
  let acc = 1;
  for (let k = 3; k >= 0; k--) {
    strides[k] = s[k] === 1 && D[k] !== 1 ? 0 : acc;
    acc *= s[k];
  }
  return strides;
}
