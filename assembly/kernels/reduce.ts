// Reductions: column sums of (B, N) (bias gradients), row argmax of (B, C) (predictions, accuracy),
// and whole-buffer sums over (N) (L2 / L1 terms, input validation). labels and argmax outputs are
// (B) i32. col_sum ACCUMULATES into out; the f64 sums are computed in f64 lanes in a fixed order.
import { at } from "./util";

export function col_sum(out: usize, inp: usize, B: i32, N: i32): void {
  // out (N), inp (B, N): out[n] += sum_b inp[b, n]
  // row by row, so inp streams through memory once and out stays in cache
  for (let b = 0; b < B; b++) {
    const inp_b = at(inp, b * N);
    let i = 0;
    for (; i + 4 <= N; i += 4) v128.store(at(out, i), f32x4.add(v128.load(at(out, i)), v128.load(at(inp_b, i))));
    for (; i < N; i++) store<f32>(at(out, i), load<f32>(at(out, i)) + load<f32>(at(inp_b, i)));
  }
}

/**
 * The first index of row's largest value (ties go to the lowest index, so results are deterministic;
 * NaN never compares greater, so it wins only at index 0). Scalar on purpose: rows are ~10 long.
 */
// @ts-ignore: decorator
@inline function argmax(row: usize, C: i32): i32 {
  let best = load<f32>(row);
  let k = 0;
  for (let c = 1; c < C; c++) {
    const v = load<f32>(at(row, c));
    if (v > best) { best = v; k = c; }
  }
  return k;
}

export function row_argmax(out: usize, inp: usize, B: i32, C: i32): void {
  // out (B) i32, inp (B, C): out[b] = argmax_c inp[b, c]
  assert(C >= 1, "row_argmax: C must be >= 1");
  for (let b = 0; b < B; b++) store<i32>(at(out, b), argmax(at(inp, b * C), C));
}

export function count_argmax_equal(inp: usize, labels: usize, B: i32, C: i32): i32 {
  // #{b : argmax_c inp[b, c] == labels[b]}: the number of correct predictions in a batch
  assert(C >= 1, "count_argmax_equal: C must be >= 1");
  let n = 0;
  for (let b = 0; b < B; b++) n += i32(argmax(at(inp, b * C), C) == load<i32>(at(labels, b)));
  return n;
}

/** Lanes 2 and 3 of v moved down to lanes 0 and 1, so promote_low can widen them. */
// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

export function sum_squares(x: usize, N: i32): f64 {
  // sum_i x[i]^2, in f64: the square of an f32 is exact in f64, so only the additions round
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const v = v128.load(at(x, i));
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(high(v));
    acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
    acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
  }
  let s = (f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1))
        + (f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1));
  for (; i < N; i++) {
    const v = <f64>load<f32>(at(x, i));
    s += v * v;
  }
  return s;
}

export function sum_abs(x: usize, N: i32): f64 {
  // sum_i |x[i]|, in f64
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const v = f32x4.abs(v128.load(at(x, i)));
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(high(v)));
  }
  let s = (f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1))
        + (f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1));
  for (; i < N; i++) s += <f64>abs(load<f32>(at(x, i)));
  return s;
}

const EXP_MASK: i32 = 0x7f800000;

export function count_nonfinite(x: usize, N: i32): i32 {
  // #{i : x[i] is NaN or +-Inf}, i.e. its exponent bits are all ones
  const em = i32x4.splat(EXP_MASK);
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= N; i += 4) {
    const bad = i32x4.eq(v128.and(v128.load(at(x, i)), em), em); // -1 lanes where non-finite
    acc = i32x4.sub(acc, bad);
  }
  let n = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1)
        + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < N; i++) n += i32((load<i32>(at(x, i)) & EXP_MASK) == EXP_MASK);
  return n;
}
