// Average pooling (ONNX AveragePool, GlobalAveragePool) and global max pooling, plane by plane:
// inp (N, H, W) with N = B*C planes, out (N, OH, OW). Windows are kh x kw at strides sh, sw over the
// image padded by pt rows on top, pl columns on the left, pb below and pr on the right; the caller
// picks OH, OW (floor or ceil_mode) and every window must start inside the padded image. The divisor
// is the number of window positions inside the image (count_include_pad = 0) or inside the padded
// image (count_include_pad = 1; a ceil_mode window hanging past the padding is clipped, as in
// PyTorch); an empty window gives 0. Global pooling: out (N), one value per plane of HW; global max
// keeps arg (N) i32, the first maximum's index in its plane. Rows run 4 lanes at a time at sw = 1 and 2,
// one at a time at other strides. Forward WRITES; backward ADDS into dinp.
import { at, hsum } from "./util";
import { first_in, end_in, load_even, add_even } from "./window";

/** Window positions counted along one axis for windows starting at `start` (lanes), length k. */
// @ts-ignore: decorator
@inline function count4(start: v128, k: i32, lo: i32, hi: i32): v128 {
  return i32x4.sub(i32x4.min_s(i32x4.add(start, i32x4.splat(k)), i32x4.splat(hi)), i32x4.max_s(start, i32x4.splat(lo)));
}

/** The divisor of outputs ox .. ox+3 of a row whose windows cover cy rows (as f32, at least 1). */
// @ts-ignore: decorator
@inline function div4(ox: i32, cy: i32, sw: i32, kw: i32, pl: i32, lo: i32, hi: i32): v128 {
  const start = i32x4.sub(i32x4.mul(i32x4.add(i32x4.splat(ox), i32x4(0, 1, 2, 3)), i32x4.splat(sw)), i32x4.splat(pl));
  const c = i32x4.mul(count4(start, kw, lo, hi), i32x4.splat(cy));
  return f32x4.convert_i32x4_s(i32x4.max_s(c, i32x4.splat(1)));
}

export function avgpool2d_forward(out: usize, inp: usize, N: i32, H: i32, W: i32, OH: i32, OW: i32, kh: i32, kw: i32,
                                  sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32, count_include_pad: i32): void {
  assert(N >= 0 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && min(min(pt, pl), min(pb, pr)) >= 0 && OH >= 1 && OW >= 1, "avgpool2d_forward: bad shape");
  // out[n, oy, ox] = sum of inp[n, oy*sh - pt + i, ox*sw - pl + j] over the window inside the image / divisor
  const ylo = count_include_pad ? -pt : 0, yhi = count_include_pad ? H + pb : H;
  const xlo = count_include_pad ? -pl : 0, xhi = count_include_pad ? W + pr : W;
  for (let n = 0; n < N; n++) {
    const plane = at(inp, n * H * W);
    for (let oy = 0; oy < OH; oy++) {
      const orow = at(out, (n * OH + oy) * OW), y0 = oy * sh - pt;
      memory.fill(orow, 0, <usize>OW << 2);
      for (let iy = max(y0, 0); iy < min(y0 + kh, H); iy++) {
        const irow = at(plane, iy * W);
        for (let j = 0; j < kw; j++) {
          const off = j - pl, x1 = end_in(off, sw, W, OW);
          let ox = first_in(off, sw);
          if (sw == 1) {
            for (; ox + 4 <= x1; ox += 4) v128.store(at(orow, ox), f32x4.add(v128.load(at(orow, ox)), v128.load(at(irow, ox + off))));
          } else if (sw == 2) { // while the 8 values read stay in the row
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) v128.store(at(orow, ox), f32x4.add(v128.load(at(orow, ox)), load_even(at(irow, 2 * ox + off))));
          }
          for (; ox < x1; ox++) store<f32>(at(orow, ox), load<f32>(at(orow, ox)) + load<f32>(at(irow, ox * sw + off)));
        }
      }
      const cy = min(y0 + kh, yhi) - max(y0, ylo);
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) v128.store(at(orow, ox), f32x4.div(v128.load(at(orow, ox)), div4(ox, cy, sw, kw, pl, xlo, xhi)));
      for (; ox < OW; ox++) {
        const d = f32x4.extract_lane(div4(ox, cy, sw, kw, pl, xlo, xhi), 0);
        store<f32>(at(orow, ox), load<f32>(at(orow, ox)) / d);
      }
    }
  }
}

export function avgpool2d_backward(dinp: usize, dout: usize, N: i32, H: i32, W: i32, OH: i32, OW: i32, kh: i32, kw: i32,
                                   sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32, count_include_pad: i32): void {
  assert(N >= 0 && kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && min(min(pt, pl), min(pb, pr)) >= 0 && OH >= 1 && OW >= 1, "avgpool2d_backward: bad shape");
  // forward was: out[n, oy, ox] = sum over its window of inp / divisor, so each input position in
  // the window gets dinp += dout[n, oy, ox] / divisor
  const ylo = count_include_pad ? -pt : 0, yhi = count_include_pad ? H + pb : H;
  const xlo = count_include_pad ? -pl : 0, xhi = count_include_pad ? W + pr : W;
  for (let n = 0; n < N; n++) {
    const plane = at(dinp, n * H * W);
    for (let oy = 0; oy < OH; oy++) {
      const grow = at(dout, (n * OH + oy) * OW), y0 = oy * sh - pt;
      const cy = min(y0 + kh, yhi) - max(y0, ylo);
      for (let iy = max(y0, 0); iy < min(y0 + kh, H); iy++) {
        const drow = at(plane, iy * W);
        for (let j = 0; j < kw; j++) {
          const off = j - pl, x1 = end_in(off, sw, W, OW);
          let ox = first_in(off, sw);
          if (sw == 1) {
            for (; ox + 4 <= x1; ox += 4) {
              const g = f32x4.div(v128.load(at(grow, ox)), div4(ox, cy, sw, kw, pl, xlo, xhi));
              v128.store(at(drow, ox + off), f32x4.add(v128.load(at(drow, ox + off)), g));
            }
          } else if (sw == 2) {
            for (; ox + 4 <= x1 && 2 * ox + off + 8 <= W; ox += 4) {
              add_even(at(drow, 2 * ox + off), f32x4.div(v128.load(at(grow, ox)), div4(ox, cy, sw, kw, pl, xlo, xhi)));
            }
          }
          for (; ox < x1; ox++) {
            const g = load<f32>(at(grow, ox)) / f32x4.extract_lane(div4(ox, cy, sw, kw, pl, xlo, xhi), 0);
            store<f32>(at(drow, ox * sw + off), load<f32>(at(drow, ox * sw + off)) + g);
          }
        }
      }
    }
  }
}

export function global_avgpool_forward(out: usize, inp: usize, N: i32, HW: i32): void {
  // out[n] = sum_p inp[n, p] / HW
  for (let n = 0; n < N; n++) {
    const x = at(inp, n * HW);
    let acc = f32x4.splat(0), p = 0;
    for (; p + 4 <= HW; p += 4) acc = f32x4.add(acc, v128.load(at(x, p)));
    let s = hsum(acc);
    for (; p < HW; p++) s += load<f32>(at(x, p));
    store<f32>(at(out, n), s / <f32>HW);
  }
}

export function global_avgpool_backward(dinp: usize, dout: usize, N: i32, HW: i32): void {
  // forward was: out[n] = mean_p inp[n, p], so dinp[n, p] += dout[n] / HW
  for (let n = 0; n < N; n++) {
    const d = at(dinp, n * HW), g = load<f32>(at(dout, n)) / <f32>HW, vg = f32x4.splat(g);
    let p = 0;
    for (; p + 4 <= HW; p += 4) v128.store(at(d, p), f32x4.add(v128.load(at(d, p)), vg));
    for (; p < HW; p++) store<f32>(at(d, p), load<f32>(at(d, p)) + g);
  }
}

export function global_maxpool_forward(out: usize, arg: usize, inp: usize, N: i32, HW: i32): void {
  assert(N >= 0 && HW >= 1, "global_maxpool_forward: empty planes");
  // out[n] = max_p inp[n, p]; arg[n] = the first p holding it. SIMD finds the max, a scalar scan its
  // first position (a later NaN never wins: NaN > v is false, as in maxpool2d)
  for (let n = 0; n < N; n++) {
    const x = at(inp, n * HW);
    let m = v128.load32_splat(x), p = 0;
    for (; p + 4 <= HW; p += 4) m = f32x4.pmax(m, v128.load(at(x, p))); // m < v ? v : m per lane
    let best = f32x4.extract_lane(m, 0), v = f32x4.extract_lane(m, 1);
    if (v > best) best = v;
    v = f32x4.extract_lane(m, 2); if (v > best) best = v;
    v = f32x4.extract_lane(m, 3); if (v > best) best = v;
    for (; p < HW; p++) { v = load<f32>(at(x, p)); if (v > best) best = v; }
    let bi = 0;
    while (bi < HW && load<f32>(at(x, bi)) != best) bi++;
    if (bi == HW) bi = 0; // inp[n, 0] is NaN: it stays the max (as in maxpool2d), at index 0
    store<f32>(at(out, n), best);
    store<i32>(at(arg, n), bi);
  }
}

export function global_maxpool_backward(dinp: usize, arg: usize, dout: usize, N: i32, HW: i32): void {
  // dinp[n, arg[n]] += dout[n]: the whole gradient goes to the maximum
  for (let n = 0; n < N; n++) {
    const q = at(dinp, n * HW + load<i32>(at(arg, n)));
    store<f32>(q, load<f32>(q) + load<f32>(at(dout, n)));
  }
}
