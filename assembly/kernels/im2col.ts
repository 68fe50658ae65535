// im2col without the columns: packs panels of a convolution's im2col matrix straight from the image
// into gemm_blocked's packed-B layout, so a convolution runs as one GEMM per example with no
// C*k*k x OH*OW buffer written and read back (the columns of the book's second layer are 128 KB per
// example, more than the whole image stack).
//
// The image is one example, (C, H, W). col[(c, ki, kj), (oy, ox)] = img[c, oy*s + ki - pad, ox*s + kj - pad],
// zero outside the image. A geometry record (GEOM_FLOATS i32 in the GEMM scratch) says which matrix
// B is: col itself (K = C*k*k rows by P = OH*OW columns: the forward pass, W . col) or its transpose
// (P rows by K columns: the weight gradient, dout . col^T).
import { at } from "./util";

export const GEOM_FLOATS: i32 = 48;
// record layout, in i32 slots
const G_C = 0, G_H = 1, G_W = 2, G_K = 3, G_S = 4, G_PAD = 5, G_OH = 6, G_OW = 7, G_T = 8;
const G_A = 16, G_B = 24, G_D = 32; // per-panel tables, NR entries each

// @ts-ignore: decorator
@inline function gi(g: usize, slot: i32): i32 {
  return load<i32>(g + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline function gset(g: usize, slot: i32, v: i32): void {
  store<i32>(g + (<usize>slot << 2), v);
}

/** Writes the geometry record: B is col (transposed = 0) or col^T (transposed = 1) of a (C, H, W) image. */
export function set_geometry(g: usize, C: i32, H: i32, W: i32, k: i32, s: i32, pad: i32, OH: i32, OW: i32, transposed: i32): void {
  gset(g, G_C, C); gset(g, G_H, H); gset(g, G_W, W); gset(g, G_K, k); gset(g, G_S, s);
  gset(g, G_PAD, pad); gset(g, G_OH, OH); gset(g, G_OW, OW); gset(g, G_T, transposed);
}

/** img[c, y, x], or 0 outside the image. */
// @ts-ignore: decorator
@inline function pixel(img: usize, plane: i32, y: i32, x: i32, H: i32, W: i32): f32 {
  return (<u32>y < <u32>H && <u32>x < <u32>W) ? load<f32>(at(img, plane + y * W + x)) : 0;
}

/**
 * Packs rows [k0, k0 + kc) and columns [j0, j0 + nc) of B into 8-wide panels, as pack() in
 * gemm_blocks.ts does for a stored matrix: dst[panel][kk * 8 + r] = B[k0 + kk, j0 + panel*8 + r],
 * columns past nc repeating the last real one.
 */
export function pack_im2col(dst: usize, img: usize, g: usize, k0: i32, kc: i32, j0: i32, nc: i32): void {
  if (gi(g, G_T)) pack_cols_t(dst, img, g, k0, kc, j0, nc);
  else pack_cols(dst, img, g, k0, kc, j0, nc);
}

/** B = col: rows are kernel taps (c, ki, kj), columns output positions (oy, ox). */
function pack_cols(dst: usize, img: usize, g: usize, k0: i32, kc: i32, j0: i32, nc: i32): void {
  const H = gi(g, G_H), W = gi(g, G_W), k = gi(g, G_K), s = gi(g, G_S), pad = gi(g, G_PAD), OW = gi(g, G_OW);
  const kk2 = k * k, HW = H * W;
  for (let p = 0; p < nc; p += 8) {
    let d = at(dst, p * kc);
    const n = min(8, nc - p), j = j0 + p;
    const oy = j / OW, ox = j - oy * OW;
    let c = k0 / kk2, ki = (k0 - c * kk2) / k, kj = k0 - c * kk2 - ki * k;
    if (s == 1 && n == 8 && ox + 8 <= OW) { // eight neighbours along one output row: one run of the input row
      for (let t = 0; t < kc; t++) {
        const iy = oy + ki - pad, ix = ox + kj - pad, plane = c * HW;
        if (<u32>iy < <u32>H && ix >= 0 && ix + 8 <= W) {
          const src = at(img, plane + iy * W + ix);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        } else {
          for (let r = 0; r < 8; r++) store<f32>(at(d, r), pixel(img, plane, iy, ix + r, H, W));
        }
        d += 32;
        if (++kj == k) { kj = 0; if (++ki == k) { ki = 0; c++; } }
      }
      continue;
    }
    // any stride, a panel across output rows, or the last panel: each column's window origin once
    for (let r = 0; r < 8; r++) {
      const jj = j + min(r, n - 1), y = jj / OW;
      gset(g, G_A + r, y * s - pad);
      gset(g, G_B + r, (jj - y * OW) * s - pad);
    }
    for (let t = 0; t < kc; t++) {
      const plane = c * HW;
      for (let r = 0; r < 8; r++) store<f32>(at(d, r), pixel(img, plane, gi(g, G_A + r) + ki, gi(g, G_B + r) + kj, H, W));
      d += 32;
      if (++kj == k) { kj = 0; if (++ki == k) { ki = 0; c++; } }
    }
  }
}

/** B = col^T: rows are output positions (oy, ox), columns kernel taps (c, ki, kj). */
function pack_cols_t(dst: usize, img: usize, g: usize, k0: i32, kc: i32, j0: i32, nc: i32): void {
  const H = gi(g, G_H), W = gi(g, G_W), k = gi(g, G_K), s = gi(g, G_S), pad = gi(g, G_PAD), OW = gi(g, G_OW);
  const kk2 = k * k, HW = H * W;
  for (let p = 0; p < nc; p += 8) {
    let d = at(dst, p * kc);
    const n = min(8, nc - p);
    // the panel's eight taps: offset in the image from a window origin, and (ki, kj) for bounds
    for (let r = 0; r < 8; r++) {
      const tap = j0 + p + min(r, n - 1), c = tap / kk2, ki = (tap - c * kk2) / k, kj = tap - c * kk2 - ki * k;
      gset(g, G_A + r, c * HW + ki * W + kj);
      gset(g, G_B + r, ki);
      gset(g, G_D + r, kj);
    }
    const o0 = gi(g, G_A), o1 = gi(g, G_A + 1), o2 = gi(g, G_A + 2), o3 = gi(g, G_A + 3);
    const o4 = gi(g, G_A + 4), o5 = gi(g, G_A + 5), o6 = gi(g, G_A + 6), o7 = gi(g, G_A + 7);
    let oy = k0 / OW, ox = k0 - oy * OW;
    for (let t = 0; t < kc; t++) {
      const y0 = oy * s - pad, x0 = ox * s - pad;
      if (s == 1 && t + 4 <= kc && ox + 4 <= OW && y0 >= 0 && y0 + k <= H && x0 >= 0 && x0 + 3 + k <= W) {
        // four neighbouring positions at once: each tap's four values are one run of the input row,
        // loaded as a vector and transposed 4x4 into the panel's position-major layout
        const base = at(img, y0 * W + x0);
        transpose_store(d, v128.load(at(base, o0)), v128.load(at(base, o1)), v128.load(at(base, o2)), v128.load(at(base, o3)));
        transpose_store(d + 16, v128.load(at(base, o4)), v128.load(at(base, o5)), v128.load(at(base, o6)), v128.load(at(base, o7)));
        d += 128;
        t += 3;
        ox += 4;
        if (ox == OW) { ox = 0; oy++; }
        continue;
      }
      if (y0 >= 0 && y0 + k <= H && x0 >= 0 && x0 + k <= W) { // the whole window inside: no bounds checks
        const base = at(img, y0 * W + x0);
        let v = f32x4.splat(load<f32>(at(base, o0)));
        v = f32x4.replace_lane(v, 1, load<f32>(at(base, o1)));
        v = f32x4.replace_lane(v, 2, load<f32>(at(base, o2)));
        v = f32x4.replace_lane(v, 3, load<f32>(at(base, o3)));
        let u = f32x4.splat(load<f32>(at(base, o4)));
        u = f32x4.replace_lane(u, 1, load<f32>(at(base, o5)));
        u = f32x4.replace_lane(u, 2, load<f32>(at(base, o6)));
        u = f32x4.replace_lane(u, 3, load<f32>(at(base, o7)));
        v128.store(d, v);
        v128.store(d, u, 16);
      } else {
        for (let r = 0; r < 8; r++) {
          const y = y0 + gi(g, G_B + r), x = x0 + gi(g, G_D + r);
          store<f32>(at(d, r), (<u32>y < <u32>H && <u32>x < <u32>W) ? load<f32>(at(img, gi(g, G_A + r) - gi(g, G_B + r) * W - gi(g, G_D + r) + y * W + x)) : 0);
        }
      }
      d += 32;
      if (++ox == OW) { ox = 0; oy++; }
    }
  }
}

/** Rows r0..r3 (tap x four positions) stored as four position vectors of four taps, 32 bytes apart. */
// @ts-ignore: decorator
@inline function transpose_store(d: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
  v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
  v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
}
