// Naive float64 references for assembly/kernels/lstm.ts and gru.ts: one step of each cell from the ONNX
// operator definitions, for one gate layout given as block indices (ONNX iofc / zrh, PyTorch ifgo / rzn).
// States (B, H); LSTM gates (B, 4H); GRU xg, hg (B, 3H). Backward references come from vjp.ts.

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** { h, c } of c = f·cprev + i·g, h = o·tanh(c) with i, o, f = σ(gates) and g = tanh(gates) at blocks gi, go, gf, gc. */
export function lstmRef(gates: ArrayLike<number>, cprev: ArrayLike<number> | null, B: number, H: number, [gi, go, gf, gc]: number[]): { h: Float64Array; c: Float64Array } {
  const h = new Float64Array(B * H), c = new Float64Array(B * H);
  for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
    const at = (k: number) => gates[b * 4 * H + k * H + j];
    const i = sig(at(gi)), o = sig(at(go)), f = sig(at(gf)), g = Math.tanh(at(gc));
    const cv = f * (cprev ? cprev[b * H + j] : 0) + i * g;
    c[b * H + j] = cv;
    h[b * H + j] = o * Math.tanh(cv);
  }
  return { h, c };
}

/**
 * h of one GRU step: z = σ(xz + hz), r = σ(xr + hr), n = tanh(xh + r·hh) (linear_before_reset = 1), or
 * for linear_before_reset = 0 n = tanh(xh + ((r ⊙ hprev) Rh^T)[j] + rbh[j]) with Rh (H, H) and rbh (H) given.
 */
export function gruRef(xg: ArrayLike<number>, hg: ArrayLike<number>, hprev: ArrayLike<number> | null, B: number, H: number,
                       [gz, gr, gh]: number[], lbr: number, Rh?: ArrayLike<number>, rbh?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const hp = (j: number) => (hprev ? hprev[b * H + j] : 0);
    const r = Array.from({ length: H }, (_, j) => sig(xg[b * 3 * H + gr * H + j] + hg[b * 3 * H + gr * H + j]));
    for (let j = 0; j < H; j++) {
      const z = sig(xg[b * 3 * H + gz * H + j] + hg[b * 3 * H + gz * H + j]);
      let rec: number;
      if (lbr) rec = r[j] * hg[b * 3 * H + gh * H + j];
      else {
        rec = rbh![j];
        for (let k = 0; k < H; k++) rec += r[k] * hp(k) * Rh![j * H + k];
      }
      const n = Math.tanh(xg[b * 3 * H + gh * H + j] + rec);
      out[b * H + j] = (1 - z) * n + z * hp(j);
    }
  }
  return out;
}
