// Naive float64 references for assembly/kernels/channel.ts over (B, C, HW).

/** out[b, c, p] = inp[b, c, p] · scale[c] + shift[c] (shift null: 0). */
export function channelAffineRef(inp: ArrayLike<number>, scale: ArrayLike<number>, shift: ArrayLike<number> | null, B: number, C: number, HW: number): Float64Array {
  return Float64Array.from(inp, (x, i) => {
    const c = Math.floor(i / HW) % C;
    return x * scale[c] + (shift ? shift[c] : 0);
  });
}

/** out = x > 0 ? x : slope[c] · x. */
export function preluRef(inp: ArrayLike<number>, slope: ArrayLike<number>, B: number, C: number, HW: number): Float64Array {
  return Float64Array.from(inp, (x, i) => (x > 0 ? x : slope[Math.floor(i / HW) % C] * x));
}
