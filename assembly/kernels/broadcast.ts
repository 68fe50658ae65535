// Binary ops with NumPy broadcasting up to rank 4 (ONNX Add / Sub / Mul / Div). out (D0, D1, D2, D3)
// is contiguous; a and b are read at a[i0*sa0 + i1*sa1 + i2*sa2 + i3*sa3] (element strides of each
// input laid over out's shape: 0 on a broadcast axis; lower ranks pad with leading size-1 axes). The
// innermost axis runs 4 lanes at a time when each input is contiguous (stride 1) or constant (stride 0)
// along it, else one value at a time: callers merge axes so that D3 is as long as possible.
// Forward WRITES out (out may alias an input of out's own shape). Backward ADDS into da and db, which
// have a's and b's layouts (same strides), so stride-0 axes are summed over; da or db = 0 skips it.
import { at, hsum } from "./util";

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

// @ts-ignore: decorator
@inline function op4(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

/** dL/da (wrt = 0) or dL/db (wrt = 1) of out = a op b, given g = dL/dout. */
// @ts-ignore: decorator
@inline function grad4(op: i32, wrt: i32, g: v128, x: v128, y: v128): v128 {
  if (op == ADD) return g;
  if (op == SUB) return wrt == 0 ? g : f32x4.neg(g);
  if (op == MUL) return f32x4.mul(g, wrt == 0 ? y : x);
  const gy = f32x4.div(g, y); // d(x/y)/dx = 1/y, d(x/y)/dy = -(x/y)/y
  return wrt == 0 ? gy : f32x4.neg(f32x4.mul(gy, f32x4.div(x, y)));
}

/** Lanes i..i+3 of a row with stride s in {0, 1}. */
// @ts-ignore: decorator
@inline function ld4(p: usize, s: i32, i: i32): v128 {
  return s == 0 ? v128.load32_splat(p) : v128.load(at(p, i));
}

// @ts-ignore: decorator
@inline function ld1(p: usize, s: i32, i: i32): v128 {
  return v128.load32_splat(at(p, i * s));
}

// @ts-ignore: decorator
@inline function binary(op: i32, out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
                        sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  // out[i0, i1, i2, i3] = a[i0*sa0 + ... + i3*sa3] op b[i0*sb0 + ... + i3*sb3]
  const simd = <u32>sa3 <= 1 && <u32>sb3 <= 1;
  let o = 0;
  for (let i0 = 0; i0 < D0; i0++) for (let i1 = 0; i1 < D1; i1++) for (let i2 = 0; i2 < D2; i2++) {
    const pa = at(a, i0 * sa0 + i1 * sa1 + i2 * sa2), pb = at(b, i0 * sb0 + i1 * sb1 + i2 * sb2), po = at(out, o);
    let i = 0;
    if (simd) {
      if (sa3 == 1 && sb3 == 1) {
        for (; i + 4 <= D3; i += 4) v128.store(at(po, i), op4(op, v128.load(at(pa, i)), v128.load(at(pb, i))));
      } else if (sb3 == 0) {
        const vb = v128.load32_splat(pb);
        for (; i + 4 <= D3; i += 4) v128.store(at(po, i), op4(op, ld4(pa, sa3, i), vb));
      } else {
        const va = v128.load32_splat(pa);
        for (; i + 4 <= D3; i += 4) v128.store(at(po, i), op4(op, va, v128.load(at(pb, i))));
      }
    }
    for (; i < D3; i++) store<f32>(at(po, i), f32x4.extract_lane(op4(op, ld1(pa, sa3, i), ld1(pb, sb3, i)), 0));
    o += D3;
  }
}

/** dx (x's layout, stride sx = sa or sb along the row) += the gradient wrt input `wrt` along one row of n outputs. */
// @ts-ignore: decorator
@inline function grad_row(op: i32, wrt: i32, dx: usize, sx: i32, g: usize, pa: usize, sa: i32, pb: usize, sb: i32, n: i32): void {
  let i = 0;
  if (<u32>sa <= 1 && <u32>sb <= 1) {
    if (sx == 0) { // a broadcast axis: reduce the row in 4 lanes, then add once
      let acc = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, grad4(op, wrt, v128.load(at(g, i)), ld4(pa, sa, i), ld4(pb, sb, i)));
      store<f32>(dx, load<f32>(dx) + hsum(acc));
    } else {
      for (; i + 4 <= n; i += 4) {
        const d = grad4(op, wrt, v128.load(at(g, i)), ld4(pa, sa, i), ld4(pb, sb, i));
        v128.store(at(dx, i), f32x4.add(v128.load(at(dx, i)), d));
      }
    }
  }
  for (; i < n; i++) {
    const d = f32x4.extract_lane(grad4(op, wrt, ld1(g, 1, i), ld1(pa, sa, i), ld1(pb, sb, i)), 0);
    store<f32>(at(dx, i * sx), load<f32>(at(dx, i * sx)) + d);
  }
}

// @ts-ignore: decorator
@inline function binary_grad(op: i32, da: usize, db: usize, dout: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
                             sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  // forward was: out[o] = a[ia(o)] op b[ib(o)], so da[ia(o)] += dout[o] d(op)/da and db[ib(o)] += dout[o] d(op)/db
  let o = 0;
  for (let i0 = 0; i0 < D0; i0++) for (let i1 = 0; i1 < D1; i1++) for (let i2 = 0; i2 < D2; i2++) {
    const ia = i0 * sa0 + i1 * sa1 + i2 * sa2, ib = i0 * sb0 + i1 * sb1 + i2 * sb2, g = at(dout, o);
    if (da != 0) grad_row(op, 0, at(da, ia), sa3, g, at(a, ia), sa3, at(b, ib), sb3, D3);
    if (db != 0) grad_row(op, 1, at(db, ib), sb3, g, at(a, ia), sa3, at(b, ib), sb3, D3);
    o += D3;
  }
}

export function add_broadcast_forward(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary(ADD, out, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function sub_broadcast_forward(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary(SUB, out, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function mul_broadcast_forward(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary(MUL, out, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function div_broadcast_forward(out: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary(DIV, out, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function add_broadcast_backward(da: usize, db: usize, dout: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary_grad(ADD, da, db, dout, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function sub_broadcast_backward(da: usize, db: usize, dout: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary_grad(SUB, da, db, dout, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function mul_broadcast_backward(da: usize, db: usize, dout: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary_grad(MUL, da, db, dout, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
export function div_broadcast_backward(da: usize, db: usize, dout: usize, a: usize, b: usize, D0: i32, D1: i32, D2: i32, D3: i32,
    sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32): void {
  binary_grad(DIV, da, db, dout, a, b, D0, D1, D2, D3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}
