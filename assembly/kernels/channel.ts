// Per-channel ops over (B, C, HW) (NCHW with the spatial axes merged; HW = 1 for (B, C) features):
//  - channel_affine: out = inp * scale[c] + shift[c] (BatchNorm at inference, folded as
//    scale = gamma / sqrt(var + eps), shift = beta - mean * scale; shift = 0 means no shift);
//  - prelu: out = inp > 0 ? inp : slope[c] * inp (ONNX PRelu with a per-channel slope, (C));
//    a single shared slope is C = 1 with HW = C*H*W.
// scale, shift, slope, dscale, dshift, dslope are (C). Forward WRITES out (may alias inp); backward ADDS
// into dinp, dscale, dshift, dslope; a zero pointer skips that gradient.
import { at, hsum, madd } from "./util";

export function channel_affine_forward(out: usize, inp: usize, scale: usize, shift: usize, B: i32, C: i32, HW: i32): void {
  // out[b, c, p] = inp[b, c, p] * scale[c] + shift[c]
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (b * C + c) * HW, x = at(inp, o), y = at(out, o);
    const s = load<f32>(at(scale, c)), t: f32 = shift != 0 ? load<f32>(at(shift, c)) : 0;
    const vs = f32x4.splat(s), vt = f32x4.splat(t);
    let p = 0;
    for (; p + 4 <= HW; p += 4) v128.store(at(y, p), madd(v128.load(at(x, p)), vs, vt));
    for (; p < HW; p++) store<f32>(at(y, p), f32x4.extract_lane(madd(v128.load32_splat(at(x, p)), vs, vt), 0));
  }
}

export function channel_affine_backward(dinp: usize, dscale: usize, dshift: usize, dout: usize, inp: usize, scale: usize,
                                        B: i32, C: i32, HW: i32): void {
  // forward was: out[b, c, p] = inp[b, c, p] * scale[c] + shift[c]
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (b * C + c) * HW, x = at(inp, o), g = at(dout, o), dx = at(dinp, o);
    const s = load<f32>(at(scale, c)), vs = f32x4.splat(s);
    let gs = f32x4.splat(0), gx = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= HW; p += 4) {
      const vg = v128.load(at(g, p));
      gs = f32x4.add(gs, vg);
      gx = madd(vg, v128.load(at(x, p)), gx);
      if (dinp != 0) v128.store(at(dx, p), madd(vg, vs, v128.load(at(dx, p))));
    }
    let sg = hsum(gs), sgx = hsum(gx);
    for (; p < HW; p++) {
      const vg = load<f32>(at(g, p));
      sg += vg;
      sgx += vg * load<f32>(at(x, p));
      if (dinp != 0) store<f32>(at(dx, p), f32x4.extract_lane(madd(f32x4.splat(vg), vs, v128.load32_splat(at(dx, p))), 0));
    }
    if (dscale != 0) store<f32>(at(dscale, c), load<f32>(at(dscale, c)) + sgx); // dscale[c] += sum dout * inp
    if (dshift != 0) store<f32>(at(dshift, c), load<f32>(at(dshift, c)) + sg);  // dshift[c] += sum dout
  }
}

export function prelu_forward(out: usize, inp: usize, slope: usize, B: i32, C: i32, HW: i32): void {
  // out[b, c, p] = x > 0 ? x : slope[c] * x
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (b * C + c) * HW, x = at(inp, o), y = at(out, o);
    const a = load<f32>(at(slope, c)), va = f32x4.splat(a);
    let p = 0;
    for (; p + 4 <= HW; p += 4) {
      const v = v128.load(at(x, p));
      v128.store(at(y, p), v128.bitselect(v, f32x4.mul(va, v), f32x4.gt(v, zero)));
    }
    for (; p < HW; p++) { const v = load<f32>(at(x, p)); store<f32>(at(y, p), v > 0 ? v : a * v); }
  }
}

export function prelu_backward(dinp: usize, dslope: usize, dout: usize, inp: usize, slope: usize, B: i32, C: i32, HW: i32): void {
  // forward was: out = x > 0 ? x : slope[c] * x, so dinp += x > 0 ? dout : slope[c] * dout and
  // dslope[c] += sum over x <= 0 of dout * x
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const o = (b * C + c) * HW, x = at(inp, o), g = at(dout, o), dx = at(dinp, o);
    const a = load<f32>(at(slope, c)), va = f32x4.splat(a);
    let acc = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= HW; p += 4) {
      const v = v128.load(at(x, p)), vg = v128.load(at(g, p)), pos = f32x4.gt(v, zero);
      acc = f32x4.add(acc, v128.andnot(f32x4.mul(vg, v), pos)); // dout * x where x <= 0
      if (dinp != 0) v128.store(at(dx, p), f32x4.add(v128.load(at(dx, p)), v128.bitselect(vg, f32x4.mul(va, vg), pos)));
    }
    let s = hsum(acc);
    for (; p < HW; p++) {
      const v = load<f32>(at(x, p)), vg = load<f32>(at(g, p));
      if (v <= 0) s += vg * v;
      if (dinp != 0) store<f32>(at(dx, p), load<f32>(at(dx, p)) + (v > 0 ? vg : a * vg));
    }
    if (dslope != 0) store<f32>(at(dslope, c), load<f32>(at(dslope, c)) + s);
  }
}
