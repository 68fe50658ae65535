// Elementwise and batch-assembly kernels. f32 buffers are (N) or row-major (B, N) / (B, C); idx and
// labels are (B) i32; u8 buffers are bytes. Every kernel WRITES its output, except axpy and bias_add,
// which add into theirs. out may alias an input wherever the operation is elementwise.
import { at, madd, fmadd } from "./util";

export function fill(out: usize, N: i32, value: f32): void {
  // out[i] = value
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), v);
  for (; i < N; i++) store<f32>(at(out, i), value);
}

export function copy(out: usize, inp: usize, N: i32): void {
  // out[i] = inp[i]; memory.copy has memmove semantics, so overlapping ranges are fine too
  memory.copy(out, inp, <usize>N << 2);
}

export function scale(out: usize, inp: usize, N: i32, alpha: f32): void {
  // out[i] = alpha * inp[i]
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), f32x4.mul(va, v128.load(at(inp, i))));
  for (; i < N; i++) store<f32>(at(out, i), alpha * load<f32>(at(inp, i)));
}

export function axpy(y: usize, x: usize, N: i32, alpha: f32): void {
  // y[i] += alpha * x[i]
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(y, i), madd(va, v128.load(at(x, i)), v128.load(at(y, i))));
  for (; i < N; i++) store<f32>(at(y, i), fmadd(alpha, load<f32>(at(x, i)), load<f32>(at(y, i))));
}

export function hadamard(out: usize, a: usize, b: usize, N: i32): void {
  // out[i] = a[i] * b[i] (the book's elementwise product)
  let i = 0;
  for (; i + 4 <= N; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < N; i++) store<f32>(at(out, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

export function bias_add(out: usize, bias: usize, B: i32, N: i32): void {
  // out (B, N), bias (N): out[b, n] += bias[n]
  for (let b = 0; b < B; b++) {
    const out_b = at(out, b * N);
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      v128.store(at(out_b, i), f32x4.add(v128.load(at(out_b, i)), v128.load(at(bias, i))));
    }
    for (; i < N; i++) store<f32>(at(out_b, i), load<f32>(at(out_b, i)) + load<f32>(at(bias, i)));
  }
}

/** out[i] = f32(inp[i]) * scale for n bytes at inp: 16 pixels per step, widened u8 -> u16 -> u32 -> f32. */
// @ts-ignore: decorator
@inline function u8_row(out: usize, inp: usize, n: i32, scale: f32): void {
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const b = v128.load(inp + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(b);
    const hi = i16x8.extend_high_i8x16_u(b);
    v128.store(at(out, i), f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), vs));
    v128.store(at(out, i + 4), f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), vs));
    v128.store(at(out, i + 8), f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), vs));
    v128.store(at(out, i + 12), f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), vs));
  }
  for (; i + 4 <= n; i += 4) {
    const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(inp + <usize>i)));
    v128.store(at(out, i), f32x4.mul(f32x4.convert_i32x4_u(w), vs));
  }
  for (; i < n; i++) store<f32>(at(out, i), <f32>load<u8>(inp + <usize>i) * scale);
}

export function u8_to_f32(out: usize, inp: usize, N: i32, scale: f32): void {
  // out (N) f32, inp (N) u8: out[i] = inp[i] * scale (one rounding: pass scale = 1/255 for pixels)
  u8_row(out, inp, N, scale);
}

export function gather_rows(out: usize, src: usize, idx: usize, B: i32, C: i32): void {
  // out (B, C), src (rows, C), idx (B) i32: out[b, :] = src[idx[b], :]
  for (let b = 0; b < B; b++) {
    const row = load<i32>(at(idx, b));
    assert(row >= 0, "gather_rows: negative row index");
    memory.copy(at(out, b * C), at(src, row * C), <usize>C << 2);
  }
}

export function gather_rows_u8(out: usize, src: usize, idx: usize, B: i32, C: i32, scale: f32): void {
  // out (B, C) f32, src (rows, C) u8, idx (B) i32: out[b, c] = src[idx[b], c] * scale
  // (mini-batch assembly straight from a u8 data set such as MNIST's pixels)
  for (let b = 0; b < B; b++) {
    const row = load<i32>(at(idx, b));
    assert(row >= 0, "gather_rows_u8: negative row index");
    u8_row(at(out, b * C), src + <usize>row * <usize>C, C, scale);
  }
}

export function one_hot(out: usize, labels: usize, B: i32, C: i32): void {
  // out (B, C), labels (B) i32: out[b, c] = c == labels[b] ? 1 : 0. A label outside [0, C) leaves
  // its row all zero (and fails the assert in the debug build) rather than writing out of bounds.
  memory.fill(out, 0, <usize>B * <usize>C << 2);
  for (let b = 0; b < B; b++) {
    const label = load<i32>(at(labels, b));
    assert(<u32>label < <u32>C, "one_hot: label outside [0, C)");
    if (<u32>label < <u32>C) store<f32>(at(out, b * C + label), 1);
  }
}
