// Small inline helpers shared by every kernel. Pointers are byte addresses (usize) into linear memory;
// sizes are element counts (i32). Nothing here allocates, and nothing here is exported to JS.

/** Byte address of element i of the f32 (or i32) buffer at p. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** a + b + c + d for v = [a, b, c, d], always summed in this order (determinism). */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)
       + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** a * b + c per lane: one FMA in the relaxed build, mul then add in the plain one. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** a * b + c for scalars, rounded the way madd rounds one lane (fused in the relaxed build). */
// @ts-ignore: decorator
@inline export function fmadd(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  }
  return a * b + c;
}

/** sum_i x[i] * y[i] over n values: four lanes at a time, then a scalar tail. */
// @ts-ignore: decorator
@inline export function dot(x: usize, y: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = madd(v128.load(at(x, i)), v128.load(at(y, i)), acc);
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(at(x, i)) * load<f32>(at(y, i));
  return s;
}

/** y[i] += a * x[i] over n values. */
// @ts-ignore: decorator
@inline export function axpy_inline(y: usize, a: f32, x: usize, n: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), madd(va, v128.load(at(x, i)), v128.load(at(y, i))));
  for (; i < n; i++) store<f32>(at(y, i), fmadd(a, load<f32>(at(x, i)), load<f32>(at(y, i))));
}
