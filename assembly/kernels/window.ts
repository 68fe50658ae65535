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

/** [p[0], p[2], p[4], p[6]]: a stride-2 row read as two loads and a shuffle (p[0..7] must all be in the row). */
// @ts-ignore: decorator
@inline export function load_even(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}

/** p[0], p[2], p[4], p[6] += v's lanes (p[1], p[3], ... unchanged): the adjoint of load_even. */
// @ts-ignore: decorator
@inline export function add_even(p: usize, v: v128): void {
  const z = f32x4.splat(0);
  v128.store(p, f32x4.add(v128.load(p), v128.shuffle<f32>(v, z, 0, 4, 1, 5)));
  v128.store(p, f32x4.add(v128.load(p, 16), v128.shuffle<f32>(v, z, 2, 6, 3, 7)), 16);
}
