// 2-D convolution (chapter 6's local receptive fields with shared weights), NCHW per example.
// inp (B, C, H, W), weight (F, C, k, k), bias (F), out (B, F, OH, OW); stride s; `pad` zero rows and
// columns before the image (top and left). OH and OW are passed in, so "same" padding may also pad
// after the image (bottom, right) with pad + (OH - 1) * s + k - H - pad zeros there: every input
// position outside [0, H) x [0, W) reads as zero.
//
// Two implementations, both tested against a float64 reference and benchmarked per shape:
//  - conv2d_forward / conv2d_backward: im2col + the packed GEMM, per example. With K = C*k*k and
//    P = OH*OW, col_b (K, P) holds col_b[(c, ki, kj), (oy, ox)] = inp[b, c, oy*s + ki - pad, ox*s + kj - pad];
//    out_b (F, P) = W (F, K) . col_b, and backward is dW += dout_b . col_b^T and
//    dcol = W^T . dout_b folded back by col2im. col_b is never stored: im2col.ts gathers its panels
//    straight into the GEMM's packed layout (a stored col_b measured ~25% slower on the book's
//    second layer: 18 us of im2col per example, then the GEMM packing it again). dcol holds K*P.
//  - conv2d_direct_forward / conv2d_direct_backward: the loops over (f, c, ki, kj, oy) with SIMD
//    along ox at stride 1; no scratch.
// Forward WRITES out; backward ADDS into dw, dbias and (when dinp != 0) dinp.
import { at, fmadd, dot, axpy_inline } from "./util";
import { gemm } from "./gemm";
import { gemm_blocked, geom_of } from "./gemm_blocks";
import { set_geometry } from "./im2col";

/** First output index o with o*s + off >= 0, i.e. the first o whose input index is inside the image. */
// @ts-ignore: decorator
@inline function first_inside(off: i32, s: i32): i32 {
  return off >= 0 ? 0 : (-off + s - 1) / s;
}

/** One past the last output index o (< n_out) with o*s + off < n_in. */
// @ts-ignore: decorator
@inline function end_inside(off: i32, s: i32, n_in: i32, n_out: i32): i32 {
  if (n_in - 1 - off < 0) return 0;
  return min(n_out, (n_in - 1 - off) / s + 1);
}

/** The adjoint of im2col: img (C, H, W) += each entry of col (C*k*k, OH*OW) at the input position it was read from. */
function col2im_add(img: usize, col: usize, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32): void {
  const P = OH * OW;
  let row = col;
  for (let c = 0; c < C; c++) {
    const plane = at(img, c * H * W);
    for (let ki = 0; ki < k; ki++) {
      for (let kj = 0; kj < k; kj++) {
        const xoff = kj - pad;
        const x0 = first_inside(xoff, s), x1 = end_inside(xoff, s, W, OW);
        const y0 = first_inside(ki - pad, s), y1 = end_inside(ki - pad, s, H, OH);
        for (let oy = y0; oy < y1; oy++) {
          const src = at(row, oy * OW), dst = at(plane, (oy * s + ki - pad) * W + xoff);
          let ox = x0;
          if (s == 1) {
            for (; ox + 4 <= x1; ox += 4) {
              v128.store(at(dst, ox), f32x4.add(v128.load(at(dst, ox)), v128.load(at(src, ox))));
            }
            for (; ox < x1; ox++) store<f32>(at(dst, ox), load<f32>(at(dst, ox)) + load<f32>(at(src, ox)));
          } else {
            for (; ox < x1; ox++) store<f32>(at(dst, ox * s), load<f32>(at(dst, ox * s)) + load<f32>(at(src, ox)));
          }
        }
        row = at(row, P);
      }
    }
  }
}

/** The sum of n values (one feature map's gradient: the shared bias collects every position's). */
function map_sum(x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= n; p += 4) acc = f32x4.add(acc, v128.load(at(x, p)));
  let t = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; p < n; p++) t += load<f32>(at(x, p));
  return t;
}

/** out (F, P) += bias[f] on every row f. */
function add_channel_bias(out: usize, bias: usize, F: i32, P: i32): void {
  for (let f = 0; f < F; f++) {
    const row = at(out, f * P), bf = load<f32>(at(bias, f)), v = f32x4.splat(bf);
    let p = 0;
    for (; p + 4 <= P; p += 4) v128.store(at(row, p), f32x4.add(v128.load(at(row, p)), v));
    for (; p < P; p++) store<f32>(at(row, p), load<f32>(at(row, p)) + bf);
  }
}

export function conv2d_forward(out: usize, inp: usize, w: usize, bias: usize, scratch: usize,
                               B: i32, C: i32, H: i32, W: i32, F: i32, k: i32, s: i32, pad: i32,
                               OH: i32, OW: i32): void {
  // out[b, f, oy, ox] = bias[f] + sum_{c,ki,kj} w[f, c, ki, kj] * inp[b, c, oy*s + ki - pad, ox*s + kj - pad]
  // per example: out_b (F, P) = W (F, K) . col_b (K, P) + bias, col_b packed from the image by im2col.ts
  assert(B >= 0 && C >= 1 && F >= 1 && k >= 1 && s >= 1 && pad >= 0 && OH >= 1 && OW >= 1, "conv2d_forward: bad shape");
  const K = C * k * k, P = OH * OW, g = geom_of(scratch);
  set_geometry(g, C, H, W, k, s, pad, OH, OW, 0);
  for (let b = 0; b < B; b++) {
    const out_b = at(out, b * F * P);
    gemm_blocked(out_b, w, at(inp, b * C * H * W), scratch, F, P, K, P, K, 1, 0, 0, 1, 0, g);
    add_channel_bias(out_b, bias, F, P);
  }
}

export function conv2d_backward(dinp: usize, dw: usize, dbias: usize, dout: usize, inp: usize, w: usize,
                                dcol: usize, scratch: usize, B: i32, C: i32, H: i32, W: i32, F: i32, k: i32,
                                s: i32, pad: i32, OH: i32, OW: i32): void {
  // per example, with col_b the im2col matrix of inp_b (packed from the image again, never stored):
  //   dw (F, K) += dout_b (F, P) . col_b^T;  dbias[f] += sum_p dout_b[f, p]
  //   when dinp != 0: dcol (K, P) = W^T . dout_b, and dinp_b += col2im(dcol)
  assert(B >= 0 && C >= 1 && F >= 1 && k >= 1 && s >= 1 && pad >= 0 && OH >= 1 && OW >= 1, "conv2d_backward: bad shape");
  const K = C * k * k, P = OH * OW, g = geom_of(scratch);
  set_geometry(g, C, H, W, k, s, pad, OH, OW, 1);
  for (let b = 0; b < B; b++) {
    const dout_b = at(dout, b * F * P);
    gemm_blocked(dw, dout_b, at(inp, b * C * H * W), scratch, F, K, P, K, P, 1, 0, 0, 1, 1, g);
    for (let f = 0; f < F; f++) store<f32>(at(dbias, f), load<f32>(at(dbias, f)) + map_sum(at(dout_b, f * P), P));
    if (dinp == 0) continue;
    gemm(dcol, w, dout_b, scratch, K, P, F, 1, 0, 1, 0);
    col2im_add(at(dinp, b * C * H * W), dcol, C, H, W, k, s, pad, OH, OW);
  }
}

export function conv2d_direct_forward(out: usize, inp: usize, w: usize, bias: usize,
                                      B: i32, C: i32, H: i32, W: i32, F: i32, k: i32, s: i32, pad: i32,
                                      OH: i32, OW: i32): void {
  // the same sum as conv2d_forward, as one multiply-add of a weight into a run of an output row
  assert(B >= 0 && C >= 1 && F >= 1 && k >= 1 && s >= 1 && pad >= 0 && OH >= 1 && OW >= 1, "conv2d_direct_forward: bad shape");
  const P = OH * OW;
  for (let b = 0; b < B; b++) {
    const img = at(inp, b * C * H * W);
    for (let f = 0; f < F; f++) {
      const o = at(out, (b * F + f) * P), bf = load<f32>(at(bias, f)), vb = f32x4.splat(bf);
      let p = 0;
      for (; p + 4 <= P; p += 4) v128.store(at(o, p), vb);
      for (; p < P; p++) store<f32>(at(o, p), bf);
      for (let c = 0; c < C; c++) {
        const plane = at(img, c * H * W);
        for (let ki = 0; ki < k; ki++) {
          const y0 = first_inside(ki - pad, s), y1 = end_inside(ki - pad, s, H, OH);
          for (let kj = 0; kj < k; kj++) {
            const wv = load<f32>(at(w, ((f * C + c) * k + ki) * k + kj));
            const xoff = kj - pad, x0 = first_inside(xoff, s), x1 = end_inside(xoff, s, W, OW);
            if (x1 <= x0) continue;
            for (let oy = y0; oy < y1; oy++) {
              const orow = at(o, oy * OW), irow = at(plane, (oy * s + ki - pad) * W + xoff);
              if (s == 1) axpy_inline(at(orow, x0), wv, at(irow, x0), x1 - x0);
              else for (let ox = x0; ox < x1; ox++) store<f32>(at(orow, ox), fmadd(wv, load<f32>(at(irow, ox * s)), load<f32>(at(orow, ox))));
            }
          }
        }
      }
    }
  }
}

export function conv2d_direct_backward(dinp: usize, dw: usize, dbias: usize, dout: usize, inp: usize, w: usize,
                                       B: i32, C: i32, H: i32, W: i32, F: i32, k: i32, s: i32, pad: i32,
                                       OH: i32, OW: i32): void {
  // dw[f,c,ki,kj] += sum_{oy,ox} dout[b,f,oy,ox] inp[b,c,iy,ix]; dbias[f] += sum dout[b,f];
  // dinp[b,c,iy,ix] += sum w[f,c,ki,kj] dout[b,f,oy,ox] (when dinp != 0), iy = oy*s+ki-pad, ix = ox*s+kj-pad
  assert(B >= 0 && C >= 1 && F >= 1 && k >= 1 && s >= 1 && pad >= 0 && OH >= 1 && OW >= 1, "conv2d_direct_backward: bad shape");
  const P = OH * OW;
  for (let b = 0; b < B; b++) {
    const img = at(inp, b * C * H * W);
    for (let f = 0; f < F; f++) {
      const d = at(dout, (b * F + f) * P);
      store<f32>(at(dbias, f), load<f32>(at(dbias, f)) + map_sum(d, P));
      for (let c = 0; c < C; c++) {
        const plane = at(img, c * H * W);
        const dplane: usize = dinp == 0 ? <usize>0 : at(dinp, (b * C + c) * H * W);
        for (let ki = 0; ki < k; ki++) {
          const y0 = first_inside(ki - pad, s), y1 = end_inside(ki - pad, s, H, OH);
          for (let kj = 0; kj < k; kj++) {
            const wi = at(w, ((f * C + c) * k + ki) * k + kj), dwi = at(dw, ((f * C + c) * k + ki) * k + kj);
            const wv = load<f32>(wi);
            const xoff = kj - pad, x0 = first_inside(xoff, s), x1 = end_inside(xoff, s, W, OW);
            if (x1 <= x0) continue;
            let g: f32 = 0;
            for (let oy = y0; oy < y1; oy++) {
              const drow = at(d, oy * OW), off = (oy * s + ki - pad) * W + xoff;
              const irow = at(plane, off);
              if (s == 1) {
                g += dot(at(drow, x0), at(irow, x0), x1 - x0);
                if (dplane) axpy_inline(at(at(dplane, off), x0), wv, at(drow, x0), x1 - x0);
              } else {
                for (let ox = x0; ox < x1; ox++) {
                  const dv = load<f32>(at(drow, ox));
                  g += dv * load<f32>(at(irow, ox * s));
                  if (dplane) {
                    const q = at(at(dplane, off), ox * s);
                    store<f32>(q, fmadd(wv, dv, load<f32>(q)));
                  }
                }
              }
            }
            store<f32>(dwi, load<f32>(dwi) + g);
          }
        }
      }
    }
  }
}
