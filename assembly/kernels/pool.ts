// Pooling over p x p regions with stride s, plane by plane: inp (N, H, W) with N = B*C planes,
// out (N, OH, OW) with OH = (H - p) / s + 1 and OW = (W - p) / s + 1 (regions inside the image only).
//  - max pooling keeps, per output, the flat index (y * W + x) of the maximum inside its plane in
//    arg (N, OH, OW) i32, the first one in row-major order on ties, so backward routes each
//    gradient to exactly one input and the result is deterministic;
//  - L2 pooling is sqrt(sum of squares) over the region, with d out / d a = a / out (0 when out = 0).
// Forward WRITES out (and arg); backward ADDS into dinp.
import { at } from "./util";

export function maxpool2d_forward(out: usize, arg: usize, inp: usize, N: i32, H: i32, W: i32, p: i32, s: i32): void {
  // out[n, oy, ox] = max_{i,j < p} inp[n, oy*s + i, ox*s + j]; arg[n, oy, ox] = its y * W + x
  assert(N >= 0 && p >= 1 && s >= 1 && p <= H && p <= W, "maxpool2d_forward: bad shape");
  const OH = (H - p) / s + 1, OW = (W - p) / s + 1;
  if (p == 2 && s == 2) { // the book's 2x2: SIMD over four outputs at a time
    maxpool2x2(out, arg, inp, N, H, W, OH, OW);
    return;
  }
  for (let n = 0; n < N; n++) {
    const plane = at(inp, n * H * W), o = n * OH * OW;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let bi = oy * s * W + ox * s;
        let best = load<f32>(at(plane, bi));
        for (let i = 0; i < p; i++) {
          for (let j = 0; j < p; j++) {
            const idx = (oy * s + i) * W + ox * s + j, v = load<f32>(at(plane, idx));
            if (v > best) { best = v; bi = idx; }
          }
        }
        store<f32>(at(out, o + oy * OW + ox), best);
        store<i32>(at(arg, o + oy * OW + ox), bi);
      }
    }
  }
}

/**
 * 2x2 stride 2 with the scalar loop's tie rule: candidates are compared in the order (0,0), (0,1),
 * (1,0), (1,1) and a later one wins only when strictly greater. Four outputs come from two rows of
 * eight inputs, deinterleaved into even and odd columns.
 */
function maxpool2x2(out: usize, arg: usize, inp: usize, N: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const lane = i32x4(0, 2, 4, 6), one = i32x4.splat(1), wv = i32x4.splat(W);
  for (let n = 0; n < N; n++) {
    const plane = at(inp, n * H * W), o = n * OH * OW;
    for (let oy = 0; oy < OH; oy++) {
      const r0 = at(plane, 2 * oy * W), r1 = at(r0, W);
      const orow = at(out, o + oy * OW), arow = at(arg, o + oy * OW);
      const base = i32x4.splat(2 * oy * W);
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const a0 = v128.load(at(r0, 2 * ox)), a1 = v128.load(at(r0, 2 * ox + 4));
        const b0 = v128.load(at(r1, 2 * ox)), b1 = v128.load(at(r1, 2 * ox + 4));
        const e0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), o0 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const e1 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), o1 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        let idx = i32x4.add(base, i32x4.add(lane, i32x4.splat(2 * ox)));
        let best = e0, bi = idx;
        let gt = f32x4.gt(o0, best);
        best = v128.bitselect(o0, best, gt); bi = v128.bitselect(i32x4.add(idx, one), bi, gt);
        gt = f32x4.gt(e1, best);
        best = v128.bitselect(e1, best, gt); bi = v128.bitselect(i32x4.add(idx, wv), bi, gt);
        gt = f32x4.gt(o1, best);
        best = v128.bitselect(o1, best, gt); bi = v128.bitselect(i32x4.add(idx, i32x4.add(wv, one)), bi, gt);
        v128.store(at(orow, ox), best);
        v128.store(at(arow, ox), bi);
      }
      for (; ox < OW; ox++) {
        let bi = 2 * oy * W + 2 * ox;
        let best = load<f32>(at(plane, bi));
        const c1 = bi + 1, c2 = bi + W, c3 = bi + W + 1;
        let v = load<f32>(at(plane, c1)); if (v > best) { best = v; bi = c1; }
        v = load<f32>(at(plane, c2)); if (v > best) { best = v; bi = c2; }
        v = load<f32>(at(plane, c3)); if (v > best) { best = v; bi = c3; }
        store<f32>(at(orow, ox), best);
        store<i32>(at(arow, ox), bi);
      }
    }
  }
}

export function maxpool2d_backward(dinp: usize, arg: usize, dout: usize, N: i32, H: i32, W: i32, p: i32, s: i32): void {
  // dinp[n, arg[n, o]] += dout[n, o]: the whole gradient goes to the input that was the maximum
  assert(N >= 0 && p >= 1 && s >= 1 && p <= H && p <= W, "maxpool2d_backward: bad shape");
  const OH = (H - p) / s + 1, OW = (W - p) / s + 1, P = OH * OW;
  if (p == 2 && s == 2) { // the book's 2x2: SIMD over four outputs at a time
    maxpool2x2_backward(dinp, arg, dout, N, H, W, OH, OW);
    return;
  }
  for (let n = 0; n < N; n++) {
    const plane = at(dinp, n * H * W), o = n * P;
    for (let i = 0; i < P; i++) {
      const q = at(plane, load<i32>(at(arg, o + i)));
      store<f32>(q, load<f32>(q) + load<f32>(at(dout, o + i)));
    }
  }
}

export function l2pool2d_forward(out: usize, inp: usize, N: i32, H: i32, W: i32, p: i32, s: i32): void {
  // out[n, oy, ox] = sqrt(sum_{i,j < p} inp[n, oy*s + i, ox*s + j]^2)
  assert(N >= 0 && p >= 1 && s >= 1 && p <= H && p <= W, "l2pool2d_forward: bad shape");
  const OH = (H - p) / s + 1, OW = (W - p) / s + 1;
  for (let n = 0; n < N; n++) {
    const plane = at(inp, n * H * W), o = at(out, n * OH * OW);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let acc: f32 = 0;
        for (let i = 0; i < p; i++) {
          const row = at(plane, (oy * s + i) * W + ox * s);
          for (let j = 0; j < p; j++) { const v = load<f32>(at(row, j)); acc += v * v; }
        }
        store<f32>(at(o, oy * OW + ox), sqrt<f32>(acc));
      }
    }
  }
}

export function l2pool2d_backward(dinp: usize, inp: usize, out: usize, dout: usize, N: i32, H: i32, W: i32, p: i32, s: i32): void {
  // dinp[n, y, x] += dout[n, o] * inp[n, y, x] / out[n, o] for every region o holding (y, x)
  const OH = (H - p) / s + 1, OW = (W - p) / s + 1;
  for (let n = 0; n < N; n++) {
    const plane = at(inp, n * H * W), dplane = at(dinp, n * H * W), o = n * OH * OW;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const norm = load<f32>(at(out, o + oy * OW + ox));
        if (norm == 0) continue; // every input of the region is 0: the subgradient 0
        const g = load<f32>(at(dout, o + oy * OW + ox)) / norm;
        for (let i = 0; i < p; i++) {
          const off = (oy * s + i) * W + ox * s;
          for (let j = 0; j < p; j++) {
            const q = at(dplane, off + j);
            store<f32>(q, load<f32>(q) + g * load<f32>(at(plane, off + j)));
          }
        }
      }
    }
  }
}

/**
 * 2x2 stride 2: four outputs at a time, each gradient masked into the one of its four window
 * positions that holds the arg-max, interleaved back into two input rows and added there.
 */
function maxpool2x2_backward(dinp: usize, arg: usize, dout: usize, N: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const lane = i32x4(0, 2, 4, 6), one = i32x4.splat(1), wv = i32x4.splat(W);
  for (let n = 0; n < N; n++) {
    const plane = at(dinp, n * H * W), o = n * OH * OW;
    for (let oy = 0; oy < OH; oy++) {
      const r0 = at(plane, 2 * oy * W), r1 = at(r0, W);
      const grow = at(dout, o + oy * OW), arow = at(arg, o + oy * OW);
      const base = i32x4.splat(2 * oy * W);
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const g = v128.load(at(grow, ox)), a = v128.load(at(arow, ox));
        const tl = i32x4.add(base, i32x4.add(lane, i32x4.splat(2 * ox)));
        const v00 = v128.and(g, i32x4.eq(a, tl)), v01 = v128.and(g, i32x4.eq(a, i32x4.add(tl, one)));
        const v10 = v128.and(g, i32x4.eq(a, i32x4.add(tl, wv))), v11 = v128.and(g, i32x4.eq(a, i32x4.add(tl, i32x4.add(wv, one))));
        const p0 = at(r0, 2 * ox), p1 = at(r1, 2 * ox);
        v128.store(p0, f32x4.add(v128.load(p0), v128.shuffle<f32>(v00, v01, 0, 4, 1, 5)));
        v128.store(p0, f32x4.add(v128.load(p0, 16), v128.shuffle<f32>(v00, v01, 2, 6, 3, 7)), 16);
        v128.store(p1, f32x4.add(v128.load(p1), v128.shuffle<f32>(v10, v11, 0, 4, 1, 5)));
        v128.store(p1, f32x4.add(v128.load(p1, 16), v128.shuffle<f32>(v10, v11, 2, 6, 3, 7)), 16);
      }
      for (; ox < OW; ox++) {
        const q = at(plane, load<i32>(at(arow, ox)));
        store<f32>(q, load<f32>(q) + load<f32>(at(grow, ox)));
      }
    }
  }
}
