// Depthwise 2-D convolution (ONNX Conv with group = C, one filter per channel; MobileNet's 3x3
// layers), NCHW: inp (B, C, H, W), weight (C, 1, kh, kw), bias (C) or 0, out (B, C, OH, OW).
// out[b, c, oy, ox] = bias[c] + sum_{i, j} weight[c, i, j] * inp[b, c, oy*sh + i*dh - pt, ox*sw + j*dw - pl],
// reading zero outside the image: pt / pl pad before it, and the caller's OH / OW imply the padding after
// it (OH = floor((H + pt + pb - dh*(kh - 1) - 1) / sh) + 1). SIMD along ox at strides sw = 1 and 2 (even
// lanes of two loads), scalar at other strides. Forward WRITES out; backward ADDS into dinp (skipped when
// 0), dweight and dbias (when != 0).
import { at, hsum, madd, fmadd } from "./util";
import { first_in, end_in, load_even, add_even } from "./window";

export function dwconv2d_forward(out: usize, inp: usize, weight: usize, bias: usize, B: i32, C: i32, H: i32, W: i32,
                                 OH: i32, OW: i32, kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): void {
  assert(B >= 0 && C >= 1 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 && OH >= 1 && OW >= 1, "dwconv2d_forward: bad shape");
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const plane = at(inp, (b * C + c) * H * W), wc = at(weight, c * kh * kw);
    const bv: f32 = bias != 0 ? load<f32>(at(bias, c)) : 0;
    for (let oy = 0; oy < OH; oy++) {
      const orow = at(out, ((b * C + c) * OH + oy) * OW);
      const vb = f32x4.splat(bv);
      let x = 0;
      for (; x + 4 <= OW; x += 4) v128.store(at(orow, x), vb);
      for (; x < OW; x++) store<f32>(at(orow, x), bv);
      for (let i = 0; i < kh; i++) {
        const iy = oy * sh + i * dh - pt;
        if (iy < 0 || iy >= H) continue;
        const irow = at(plane, iy * W);
        for (let j = 0; j < kw; j++) {
          // orow[ox] += w[c, i, j] * irow[ox*sw + off] over the ox that read inside the image
          const off = j * dw - pl, x1 = end_in(off, sw, W, OW), wv = load<f32>(at(wc, i * kw + j));
          let ox = first_in(off, sw);
          if (sw == 1) {
            const vw = f32x4.splat(wv);
            for (; ox + 4 <= x1; ox += 4) v128.store(at(orow, ox), madd(vw, v128.load(at(irow, ox + off)), v128.load(at(orow, ox))));
          } else if (sw == 2) { // while the 8 values read, irow[2*ox + off ..][0..7], stay in the row
            const vw = f32x4.splat(wv);
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) {
              v128.store(at(orow, ox), madd(vw, load_even(at(irow, 2 * ox + off)), v128.load(at(orow, ox))));
            }
          }
          for (; ox < x1; ox++) store<f32>(at(orow, ox), fmadd(wv, load<f32>(at(irow, ox * sw + off)), load<f32>(at(orow, ox))));
        }
      }
    }
  }
}

export function dwconv2d_backward(dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize,
                                  B: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32, kh: i32, kw: i32,
                                  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): void {
  assert(B >= 0 && C >= 1 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 && OH >= 1 && OW >= 1, "dwconv2d_backward: bad shape");
  // forward was: out[b, c, oy, ox] = bias[c] + sum_{i,j} w[c, i, j] * inp[b, c, iy, ix], so
  // dbias[c] += dout, dw[c, i, j] += dout * inp[b, c, iy, ix], dinp[b, c, iy, ix] += dout * w[c, i, j]
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) {
    const plane = at(inp, (b * C + c) * H * W), dplane = at(dinp, (b * C + c) * H * W);
    const wc = at(weight, c * kh * kw), dwc = at(dweight, c * kh * kw);
    let bsum = f32x4.splat(0);
    let bs: f32 = 0;
    for (let oy = 0; oy < OH; oy++) {
      const grow = at(dout, ((b * C + c) * OH + oy) * OW);
      let x = 0;
      for (; x + 4 <= OW; x += 4) bsum = f32x4.add(bsum, v128.load(at(grow, x)));
      for (; x < OW; x++) bs += load<f32>(at(grow, x));
      for (let i = 0; i < kh; i++) {
        const iy = oy * sh + i * dh - pt;
        if (iy < 0 || iy >= H) continue;
        const irow = at(plane, iy * W), drow = at(dplane, iy * W);
        for (let j = 0; j < kw; j++) {
          const off = j * dw - pl, x1 = end_in(off, sw, W, OW), wv = load<f32>(at(wc, i * kw + j)), vw = f32x4.splat(wv);
          let ox = first_in(off, sw);
          let acc = f32x4.splat(0);
          if (sw == 1) {
            for (; ox + 4 <= x1; ox += 4) {
              const g = v128.load(at(grow, ox));
              acc = madd(g, v128.load(at(irow, ox + off)), acc);
              if (dinp != 0) v128.store(at(drow, ox + off), madd(vw, g, v128.load(at(drow, ox + off))));
            }
          } else if (sw == 2) {
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) {
              const g = v128.load(at(grow, ox));
              acc = madd(g, load_even(at(irow, 2 * ox + off)), acc);
              if (dinp != 0) add_even(at(drow, 2 * ox + off), f32x4.mul(vw, g));
            }
          }
          let s = hsum(acc);
          for (; ox < x1; ox++) {
            const g = load<f32>(at(grow, ox)), q = ox * sw + off;
            s += g * load<f32>(at(irow, q));
            if (dinp != 0) store<f32>(at(drow, q), fmadd(wv, g, load<f32>(at(drow, q))));
          }
          if (dweight != 0) store<f32>(at(dwc, i * kw + j), load<f32>(at(dwc, i * kw + j)) + s);
        }
      }
    }
    bs += hsum(bsum);
    if (dbias != 0) store<f32>(at(dbias, c), load<f32>(at(dbias, c)) + bs);
  }
}
