// Index ranges of sliding windows (pooling, depthwise convolution, im2col): which outputs o of a row
// read an input position o*s + off inside [0, n_in). Never exported to JS (index.ts does not list it).

/** First output index o with o*s + off >= 0. */
// @ts-ignore: decorator
@inline export function first_in(off: i32, s: i32): i32 {
  return off >= 0 ? 0 : (-off + s - 1) / s;
}

/** One past the last output index o (< n_out) with o*s + off < n_in (and >= first_in's). */
// @ts-ignore: decorator
@inline export function end_in(off: i32, s: i32, n_in: i32, n_out: i32): i32 {
  if (n_in - 1 - off < 0) return 0;
  return min(n_out, (n_in - 1 - off) / s + 1);
}
