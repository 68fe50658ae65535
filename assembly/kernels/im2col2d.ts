// im2col for the general 2-D convolution (ONNX Conv: rectangular kernels, per-axis strides and
// dilations, asymmetric pads, groups): one image img (C, H, W) to col (C*kh*kw, OH*OW) with
// col[(c, i, j), (oy, ox)] = img[c, oy*sh + i*dh - pt, ox*sw + j*dw - pl], zero outside the image.
// pt / pl pad before the image; the caller's OH / OW imply the pads after it (pb, pr):
// OH = floor((H + pt + pb - dh*(kh - 1) - 1) / sh) + 1, likewise OW. A convolution is then
// out (F, OH*OW) = weight (F, C*kh*kw) . col with the existing gemm; a grouped one calls this per group
// with img at the group's first channel and C = channels per group, then one GEMM per group.
// im2col2d_forward WRITES col; im2col2d_backward (col2im) ADDS each entry of dcol into dimg at the
// position it was read from (entries read from the padding are dropped). Rows run 4 lanes at a time at
// sw = 1 and 2, one at a time at other strides.
import { at } from "./util";
import { first_in, end_in, load_even, add_even } from "./window";

export function im2col2d_forward(col: usize, img: usize, C: i32, H: i32, W: i32, OH: i32, OW: i32, kh: i32, kw: i32,
                                 sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): void {
  assert(C >= 1 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 && OH >= 1 && OW >= 1, "im2col2d_forward: bad shape");
  const P = OH * OW;
  let row = col;
  for (let c = 0; c < C; c++) {
    const plane = at(img, c * H * W);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // row (OH, OW) = the image shifted by (i*dh - pt, j*dw - pl) and subsampled by (sh, sw)
        const off = j * dw - pl, x0 = min(first_in(off, sw), OW), x1 = max(x0, end_in(off, sw, W, OW));
        for (let oy = 0; oy < OH; oy++) {
          const dst = at(row, oy * OW), iy = oy * sh + i * dh - pt;
          if (iy < 0 || iy >= H) { memory.fill(dst, 0, <usize>OW << 2); continue; }
          const src = at(plane, iy * W);
          memory.fill(dst, 0, <usize>x0 << 2);
          let ox = x0;
          if (sw == 1) {
            for (; ox + 4 <= x1; ox += 4) v128.store(at(dst, ox), v128.load(at(src, ox + off)));
          } else if (sw == 2) { // while the 8 values read stay in the row
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) v128.store(at(dst, ox), load_even(at(src, 2 * ox + off)));
          }
          for (; ox < x1; ox++) store<f32>(at(dst, ox), load<f32>(at(src, ox * sw + off)));
          memory.fill(at(dst, x1), 0, <usize>(OW - x1) << 2);
        }
        row = at(row, P);
      }
    }
  }
}

export function im2col2d_backward(dimg: usize, dcol: usize, C: i32, H: i32, W: i32, OH: i32, OW: i32, kh: i32, kw: i32,
                                  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): void {
  assert(C >= 1 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 && OH >= 1 && OW >= 1, "im2col2d_backward: bad shape");
  // forward was: col[(c, i, j), (oy, ox)] = img[c, iy, ix], so dimg[c, iy, ix] += dcol[(c, i, j), (oy, ox)]
  const P = OH * OW;
  let row = dcol;
  for (let c = 0; c < C; c++) {
    const plane = at(dimg, c * H * W);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j * dw - pl, x0 = first_in(off, sw), x1 = end_in(off, sw, W, OW);
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh + i * dh - pt;
          if (iy < 0 || iy >= H) continue;
          const src = at(row, oy * OW), dst = at(plane, iy * W);
          let ox = x0;
          if (sw == 1) {
            for (; ox + 4 <= x1; ox += 4) v128.store(at(dst, ox + off), f32x4.add(v128.load(at(dst, ox + off)), v128.load(at(src, ox))));
          } else if (sw == 2) {
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) add_even(at(dst, 2 * ox + off), v128.load(at(src, ox)));
          }
          for (; ox < x1; ox++) store<f32>(at(dst, ox * sw + off), load<f32>(at(dst, ox * sw + off)) + load<f32>(at(src, ox)));
        }
        row = at(row, P);
      }
    }
  }
}
