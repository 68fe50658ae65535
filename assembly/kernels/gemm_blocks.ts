// The pieces GEMM is built from, shared by gemm.ts and conv.ts and exported from neither: the
// block sizes, the packing routines, the MR x 8 micro-kernel and the blocked driver that ties them
// together (GotoBLAS/BLIS: op(B) packed in KC x NC blocks of 8-column panels, op(A) in MC x KC blocks
// of MR-row panels, one micro-kernel call per pair of panels).
import { at, madd, fmadd } from "./util";
import { pack_im2col, GEOM_FLOATS } from "./im2col";

// The micro-kernel holds an MR x 8 tile of C in 2*MR f32x4 registers; V8 gives wasm 15 xmm registers.
// TurboFan in Node 20 (V8 11.3) hoists every load of the loop body above the first madd, so the
// accumulators, both B vectors and all splats of A are live at once. Measured, 512^3 relaxed, GFLOP/s
// in Node 20 / Chromium 150: 6x8 38 / 57 (12 + 2 + 6 registers: spills in Node), 4x8 51-54 / 51,
// 5x8 with rows 0-3 shuffled out of one load 56-58 / 56 (10 + 2 + 3 fit). Without FMA, mul and add
// keep ports 0, 1 and 5 busy and shuffles would compete: 4x8 with splat-loads 42-44, 5x8 34-36.
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;
export const NR: i32 = 8;
export const KC: i32 = 256;                // an NR x KC panel of B (8 KB) stays in L1 while A panels stream by
export const MC: i32 = (96 / MR) * MR;     // an MC x KC block of A (~96 KB) stays in L2
export const NC: i32 = 1024;               // a KC x NC block of B (1 MB) stays in L2/L3

/** Floats of scratch the blocked driver needs: packed A block, packed B block, one edge tile, one im2col geometry record. */
export const SCRATCH_FLOATS: i32 = MC * KC + KC * NC + MR * NR + GEOM_FLOATS;

/** Where the im2col geometry record lives in a scratch buffer (after everything gemm_blocked packs). */
// @ts-ignore: decorator
@inline export function geom_of(scratch: usize): usize {
  return at(scratch, MC * KC + KC * NC + MR * NR);
}

/**
 * The blocked loops of gemm: C(M,N) = alpha * op(A) op(B) + beta * C with op(A)(i,k) at element
 * i * ars + k * aks of a and op(B)(k,j) at element j * brs + k * bks of b, C(i,j) at element
 * i * ldc + j of c (ldc > N for a block of columns of a wider C). When geom != 0, b is an
 * image and op(B) is its im2col matrix (or that matrix transposed), described by the geometry record
 * at geom and gathered straight into the packed panels (im2col.ts): convolution as GEMM without
 * ever storing the columns.
 */
export function gemm_blocked(c: usize, a: usize, b: usize, scratch: usize, M: i32, N: i32, K: i32, ldc: i32,
                             ars: i32, aks: i32, brs: i32, bks: i32, alpha: f32, beta: f32, geom: usize): void {
  const apack = scratch;
  const bpack = at(apack, MC * KC);
  const tile = at(bpack, KC * NC);
  // blocks of equal size, so no block is a sliver (K = 784 runs as 4 x 196, not 3 x 256 + 16)
  const nstep = step(N, NC, NR), kstep = step(K, KC, 1), mstep = step(M, MC, MR);
  for (let jc = 0; jc < N; jc += nstep) {
    const nc = min(nstep, N - jc);
    for (let pc = 0; pc < K; pc += kstep) {
      const kc = min(kstep, K - pc);
      const betac = pc == 0 ? beta : 1; // later K blocks add to what the first one wrote
      if (geom == 0) pack(bpack, at(b, jc * brs + pc * bks), brs, bks, nc, NR, kc);
      else pack_im2col(bpack, b, geom, pc, kc, jc, nc);
      for (let ic = 0; ic < M; ic += mstep) {
        const mc = min(mstep, M - ic);
        pack(apack, at(a, ic * ars + pc * aks), ars, aks, mc, MR, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          for (let ir = 0; ir < mc; ir += MR) {
            kernel(kc, at(apack, ir * kc), at(bpack, jr * kc), at(c, (ic + ir) * ldc + jc + jr), ldc,
                   min(MR, mc - ir), min(NR, nc - jr), alpha, betac, tile);
          }
        }
      }
    }
  }
}

/** The block size for n split into ceil(n / most) equal blocks, rounded up to a multiple of unit. */
// @ts-ignore: decorator
@inline export function step(n: i32, most: i32, unit: i32): i32 {
  const blocks = (n + most - 1) / most;
  const size = (n + blocks - 1) / blocks;
  return (size + unit - 1) / unit * unit;
}

/**
 * Packs `rows` x kc of a strided matrix into panels w wide: panel p holds dst[k * w + r] =
 * src[(p * w + r) * rs + k * ks], so the kernel reads both operands contiguously. The last panel's
 * rows past `rows` repeat its last real row: the kernel computes them, nothing writes them back.
 */
// @ts-ignore: decorator
@inline export function pack(dst: usize, src: usize, rs: i32, ks: i32, rows: i32, w: i32, kc: i32): void {
  for (let p = 0; p < rows; p += w) {
    const d = at(dst, p * kc), s = at(src, p * rs), n = min(w, rows - p);
    if (ks == 1) pack_rows(d, s, rs, n, w, kc);
    else pack_cols(d, s, ks, n, w, kc);
  }
}

/** One panel whose rows are contiguous along k (A, or B transposed): a transpose. */
// @ts-ignore: decorator
@inline function pack_rows(dst: usize, src: usize, rs: i32, rows: i32, w: i32, kc: i32): void {
  const last = rows - 1, dk = <usize>w << 2; // dst[k + 1, r] is dk bytes after dst[k, r]
  let r = 0;
  for (; r + 4 <= w; r += 4) { // 4 rows x 4 k at a time, transposed in registers
    const s0 = at(src, min(r, last) * rs), s1 = at(src, min(r + 1, last) * rs);
    const s2 = at(src, min(r + 2, last) * rs), s3 = at(src, min(r + 3, last) * rs);
    let d = at(dst, r), k = 0;
    for (; k + 4 <= kc; k += 4) {
      const v0 = v128.load(at(s0, k)), v1 = v128.load(at(s1, k));
      const v2 = v128.load(at(s2, k)), v3 = v128.load(at(s3, k));
      const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
      const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
      v128.store(d, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(d + dk, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * dk, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * dk, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
      d += 4 * dk;
    }
    for (; k < kc; k++) {
      store<f32>(d, load<f32>(at(s0, k))); store<f32>(d, load<f32>(at(s1, k)), 4);
      store<f32>(d, load<f32>(at(s2, k)), 8); store<f32>(d, load<f32>(at(s3, k)), 12);
      d += dk;
    }
  }
  if (r < w) { // w = MR = 5: the fifth row is a strided copy
    const s = at(src, min(r, last) * rs);
    for (let k = 0; k < kc; k++) store<f32>(at(dst, k * w + r), load<f32>(at(s, k)));
  }
}

/** One panel whose columns are contiguous runs of `rows` floats (B, or A transposed): a copy. */
// @ts-ignore: decorator
@inline function pack_cols(dst: usize, src: usize, ks: i32, rows: i32, w: i32, kc: i32): void {
  if (rows == w) {
    for (let k = 0; k < kc; k++) {
      const s = at(src, k * ks), d = at(dst, k * w);
      v128.store(d, v128.load(s));
      if (w == 8) v128.store(d, v128.load(s, 16), 16);
      if (w == 5) store<f32>(d, load<f32>(s, 16), 16);
    }
    return;
  }
  for (let k = 0; k < kc; k++) { // the last panel: copy what is there, repeat its last value
    const s = at(src, k * ks), d = at(dst, k * w);
    let r = 0;
    for (; r + 4 <= rows; r += 4) v128.store(at(d, r), v128.load(at(s, r)));
    for (; r < w; r++) store<f32>(at(d, r), load<f32>(at(s, min(r, rows - 1))));
  }
}

/**
 * C tile (mr x nr of at most MR x NR, row stride ldc) = alpha * Apanel Bpanel + beta * C tile.
 * Scalar meaning: acc[i][j] = sum_k ap[k * MR + i] * bp[k * NR + j]. One k per trip and no remainder
 * loop, so K needs no padding: a remainder loop made TurboFan spill accumulators in the main one
 * (STYLE.md), and unrolling k by 2 (K padded to even) spilled too, 53 -> 39 GFLOP/s in Node 20.
 */
export function kernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32,
                alpha: f32, beta: f32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = bp + (<usize>kc << 5);
  do {
    // row i of the tile += ap[k * MR + i] * bp[k * 8 .. + 8]: column j runs along the lanes
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let s0: v128, s1: v128, s2: v128, s3: v128;
    if (ASC_FEATURE_RELAXED_SIMD) { // one load, four shuffles (port 5, idle while FMAs run)
      const v = v128.load(ap);
      s0 = f32x4.shuffle(v, v, 0, 0, 0, 0); s1 = f32x4.shuffle(v, v, 1, 1, 1, 1);
      s2 = f32x4.shuffle(v, v, 2, 2, 2, 2); s3 = f32x4.shuffle(v, v, 3, 3, 3, 3);
    } else { // four splat-loads (load ports, idle while mul and add fill ports 0, 1 and 5)
      s0 = v128.load32_splat(ap); s1 = v128.load32_splat(ap, 4);
      s2 = v128.load32_splat(ap, 8); s3 = v128.load32_splat(ap, 12);
    }
    c00 = madd(s0, b0, c00); c01 = madd(s0, b1, c01);
    c10 = madd(s1, b0, c10); c11 = madd(s1, b1, c11);
    c20 = madd(s2, b0, c20); c21 = madd(s2, b1, c21);
    c30 = madd(s3, b0, c30); c31 = madd(s3, b1, c31);
    if (MR > 4) {
      const s4 = v128.load32_splat(ap, 16);
      c40 = madd(s4, b0, c40); c41 = madd(s4, b1, c41);
    }
    ap += <usize>MR << 2;
    bp += <usize>NR << 2;
  } while (bp < end);

  const ldb = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    const va = f32x4.splat(alpha), vb = f32x4.splat(beta);
    update(c, c00, c01, va, vb, beta); c += ldb;
    update(c, c10, c11, va, vb, beta); c += ldb;
    update(c, c20, c21, va, vb, beta); c += ldb;
    update(c, c30, c31, va, vb, beta);
    if (MR > 4) { c += ldb; update(c, c40, c41, va, vb, beta); }
    return;
  }
  // edge tile: park the accumulators in the scratch tile, then write back only the valid part
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  if (MR > 4) { v128.store(tile, c40, 128); v128.store(tile, c41, 144); }
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const t = alpha * load<f32>(at(tile, i * NR + j)), cij = at(c, i * ldc + j);
      store<f32>(cij, beta == 0 ? t : fmadd(beta, load<f32>(cij), t));
    }
  }
}

/** c[0..8] = alpha * [x, y] + beta * c[0..8], reading c only when beta != 0. */
// @ts-ignore: decorator
@inline function update(c: usize, x: v128, y: v128, va: v128, vb: v128, beta: f32): void {
  x = f32x4.mul(va, x);
  y = f32x4.mul(va, y);
  if (beta != 0) {
    x = madd(vb, v128.load(c), x);
    y = madd(vb, v128.load(c, 16), y);
  }
  v128.store(c, x);
  v128.store(c, y, 16);
}

