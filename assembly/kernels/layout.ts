// Strided copies up to rank 4: ONNX Transpose, Concat, Slice, Expand, and their backward passes.
// Element (i0, i1, i2, i3) of the (D0, D1, D2, D3) block sits at out[i0*os0 + ... + i3*os3] and at
// inp[i0*is0 + ... + i3*is3] (element strides; lower ranks pad with leading size-1 axes). So:
//  - Transpose by perm: D = the output shape, os = its contiguous strides, is_k = the input's stride of
//    axis perm[k];
//  - Concat: one call per input, out pointing at the input's offset along the axis, os = the output's
//    strides, is = the input's contiguous strides;
//  - Slice: inp pointing at the first element, is_k = stride_k * step_k (negative steps give negative
//    strides), out contiguous;  Expand: is = 0 on broadcast axes.
// strided_copy WRITES out (out and inp must not overlap); strided_add ADDS (out += ...): the backward of
// any of these is strided_add with the two stride sets swapped (Expand's: out = dinp with stride 0
// on the broadcast axes, which sums them; or use add_broadcast_backward).
// Rows run 4 lanes at a time when both innermost strides are 1 (or inp's is 0: a splat); a 2-D transpose
// of the inner two axes (os3 = 1, is2 = 1: NCHW <-> NHWC once the caller merges axes) moves 4x4 blocks
// through registers; anything else is scalar.
import { at } from "./util";

/** c_k = [r0[k], r1[k], r2[k], r3[k]]: a 4x4 transpose, stored at q + k*qs (byte stride), added there when acc. */
// @ts-ignore: decorator
@inline function store4x4(acc: bool, q: usize, qs: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  const c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  const c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  v128.store(q, acc ? f32x4.add(v128.load(q), c0) : c0);
  v128.store(q + qs, acc ? f32x4.add(v128.load(q + qs), c1) : c1);
  v128.store(q + 2 * qs, acc ? f32x4.add(v128.load(q + 2 * qs), c2) : c2);
  v128.store(q + 3 * qs, acc ? f32x4.add(v128.load(q + 3 * qs), c3) : c3);
}

/** The inner 2-D block of a transpose (os3 = 1, is2 = 1) for 4 rows i2 .. i2+3 of out: 4x4 tiles, then a scalar tail. */
// @ts-ignore: decorator
@inline function rows4_transposed(acc: bool, po: usize, os2: i32, pi: usize, is3: i32, D3: i32): void {
  const qs = <usize>os2 << 2;
  let i3 = 0;
  for (; i3 + 4 <= D3; i3 += 4) {
    const p = at(pi, i3 * is3); // inp rows i3 .. i3+3, each 4 consecutive values along i2
    store4x4(acc, at(po, i3), qs, v128.load(p), v128.load(at(p, is3)), v128.load(at(p, 2 * is3)), v128.load(at(p, 3 * is3)));
  }
  for (; i3 < D3; i3++) {
    for (let k = 0; k < 4; k++) {
      const q = at(po, k * os2 + i3), x = load<f32>(at(pi, i3 * is3 + k));
      store<f32>(q, acc ? load<f32>(q) + x : x);
    }
  }
}

// @ts-ignore: decorator
@inline function strided(acc: bool, out: usize, inp: usize, D0: i32, D1: i32, D2: i32, D3: i32,
                         os0: i32, os1: i32, os2: i32, os3: i32, is0: i32, is1: i32, is2: i32, is3: i32): void {
  const tiles = os3 == 1 && is2 == 1 && is3 != 1 && is3 != 0;
  for (let i0 = 0; i0 < D0; i0++) for (let i1 = 0; i1 < D1; i1++) for (let i2 = 0; i2 < D2; i2++) {
    const po = at(out, i0 * os0 + i1 * os1 + i2 * os2), pi = at(inp, i0 * is0 + i1 * is1 + i2 * is2);
    if (tiles && i2 + 4 <= D2) { // out rows i2 .. i2+3 at once
      rows4_transposed(acc, po, os2, pi, is3, D3);
      i2 += 3;
      continue;
    }
    let i = 0;
    if (os3 == 1 && is3 == 1) {
      if (!acc) { memory.copy(po, pi, <usize>D3 << 2); continue; }
      for (; i + 4 <= D3; i += 4) v128.store(at(po, i), f32x4.add(v128.load(at(po, i)), v128.load(at(pi, i))));
    } else if (os3 == 1 && is3 == 0) {
      const v = v128.load32_splat(pi);
      for (; i + 4 <= D3; i += 4) v128.store(at(po, i), acc ? f32x4.add(v128.load(at(po, i)), v) : v);
    }
    for (; i < D3; i++) {
      const q = at(po, i * os3), x = load<f32>(at(pi, i * is3));
      store<f32>(q, acc ? load<f32>(q) + x : x);
    }
  }
}

export function strided_copy(out: usize, inp: usize, D0: i32, D1: i32, D2: i32, D3: i32,
                             os0: i32, os1: i32, os2: i32, os3: i32, is0: i32, is1: i32, is2: i32, is3: i32): void {
  // out[i . os] = inp[i . is] for every index i of the (D0, D1, D2, D3) block
  strided(false, out, inp, D0, D1, D2, D3, os0, os1, os2, os3, is0, is1, is2, is3);
}

export function strided_add(out: usize, inp: usize, D0: i32, D1: i32, D2: i32, D3: i32,
                            os0: i32, os1: i32, os2: i32, os3: i32, is0: i32, is1: i32, is2: i32, is3: i32): void {
  // out[i . os] += inp[i . is] for every index i of the (D0, D1, D2, D3) block (in row-major order of i)
  strided(true, out, inp, D0, D1, D2, D3, os0, os1, os2, os3, is0, is1, is2, is3);
}
