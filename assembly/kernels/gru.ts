// GRU step, pointwise part (the GEMMs stay gemm's); the gate layout convention is lstm.ts's:
// the caller says where each gate's block of H sits in the rows of xg, hg, act (B, 3H):
//   ONNX zrh: gz 0, gr 1, gh 2     PyTorch rzn: gr 0, gz 1, gh 2
// xg = x W^T + Wb and hg = hprev R^T + Rb are kept apart because the candidate's recurrent part is gated
// by r. hprev = 0 means the zero state. Forward WRITES; backward ADDS into dxg, dhg, dhprev (0: skipped).
import { at } from "./util";
import { sigmoid4, tanh4 } from "./vmath";
import { ld, ldz, st, acc, dsig, dtanh } from "./lanes";

// GRU (ONNX): z = sigma(xz + hz), r = sigma(xr + hr), n = tanh(xh + (lbr ? r hh : hh)), h = (1 - z) n + z hprev,
// with xg, hg (B, 3H). linear_before_reset = 1 (PyTorch's GRU): hg's h block hh = hprev Rh^T + Rbh from
// the start; call gru_gates_forward, then gru_cell_forward. linear_before_reset = 0: gru_gates_forward also
// writes rh = r hprev (B, H); the caller sets hg's h block = rh Rh^T + Rbh, then calls gru_cell_forward.
// act (B, 3H) keeps z, r, n for backward.

// @ts-ignore: decorator
@inline function gru_gates(act: usize, rh: usize, xg: usize, hg: usize, hp: usize, H: i32, gz: i32, gr: i32, j: i32, one: bool): void {
  const z = sigmoid4(f32x4.add(ld(xg, gz * H + j, one), ld(hg, gz * H + j, one)));
  const r = sigmoid4(f32x4.add(ld(xg, gr * H + j, one), ld(hg, gr * H + j, one)));
  st(act, gz * H + j, z, one); st(act, gr * H + j, r, one);
  if (rh != 0) st(rh, j, f32x4.mul(r, ldz(hp, j, one)), one);
}

export function gru_gates_forward(act: usize, rh: usize, xg: usize, hg: usize, hprev: usize, B: i32, H: i32, gz: i32, gr: i32): void {
  for (let b = 0; b < B; b++) {
    const o3 = 3 * b * H, o1 = b * H, ab = at(act, o3), xb = at(xg, o3), hb = at(hg, o3);
    const rb = rh != 0 ? at(rh, o1) : 0, pb = hprev != 0 ? at(hprev, o1) : 0;
    let j = 0;
    for (; j + 4 <= H; j += 4) gru_gates(ab, rb, xb, hb, pb, H, gz, gr, j, false);
    for (; j < H; j++) gru_gates(ab, rb, xb, hb, pb, H, gz, gr, j, true);
  }
}

// @ts-ignore: decorator
@inline function gru_cell(h: usize, act: usize, xg: usize, hg: usize, hp: usize, H: i32, gz: i32, gr: i32, gh: i32, lbr: i32, j: i32, one: bool): void {
  const hh = ld(hg, gh * H + j, one), z = ld(act, gz * H + j, one);
  const n = tanh4(f32x4.add(ld(xg, gh * H + j, one), lbr ? f32x4.mul(ld(act, gr * H + j, one), hh) : hh));
  st(act, gh * H + j, n, one);
  st(h, j, f32x4.add(n, f32x4.mul(z, f32x4.sub(ldz(hp, j, one), n))), one); // (1 - z) n + z hprev
}

export function gru_cell_forward(h: usize, act: usize, xg: usize, hg: usize, hprev: usize, B: i32, H: i32,
                                 gz: i32, gr: i32, gh: i32, linear_before_reset: i32): void {
  // h, hprev (B, H); act, xg, hg (B, 3H): act's z, r blocks from gru_gates_forward; writes its n block and h
  for (let b = 0; b < B; b++) {
    const o3 = 3 * b * H, o1 = b * H, ab = at(act, o3), xb = at(xg, o3), hb = at(hg, o3), pb = hprev != 0 ? at(hprev, o1) : 0;
    let j = 0;
    for (; j + 4 <= H; j += 4) gru_cell(at(h, o1), ab, xb, hb, pb, H, gz, gr, gh, linear_before_reset, j, false);
    for (; j < H; j++) gru_cell(at(h, o1), ab, xb, hb, pb, H, gz, gr, gh, linear_before_reset, j, true);
  }
}

// @ts-ignore: decorator
@inline function gru_bwd(dxg: usize, dhg: usize, dhp: usize, dh: usize, act: usize, hg: usize, hp: usize, H: i32,
                         gz: i32, gr: i32, gh: i32, lbr: i32, j: i32, one: bool): void {
  // forward was: h = n + z (hprev - n), n = tanh(xh + (lbr ? r hh : hh)), z = sigma(.), r = sigma(.)
  const z = ld(act, gz * H + j, one), r = ld(act, gr * H + j, one), n = ld(act, gh * H + j, one), vdh = ld(dh, j, one);
  const dn = f32x4.mul(f32x4.mul(vdh, f32x4.sub(f32x4.splat(1), z)), dtanh(n)); // dL/d(n's pre-activation)
  const dz = f32x4.mul(f32x4.mul(vdh, f32x4.sub(ldz(hp, j, one), n)), dsig(z));
  acc(dhp, j, f32x4.mul(vdh, z), one);
  acc(dxg, gh * H + j, dn, one); acc(dxg, gz * H + j, dz, one); acc(dhg, gz * H + j, dz, one);
  if (lbr) {
    const dr = f32x4.mul(f32x4.mul(dn, ld(hg, gh * H + j, one)), dsig(r));
    acc(dhg, gh * H + j, f32x4.mul(dn, r), one); acc(dxg, gr * H + j, dr, one); acc(dhg, gr * H + j, dr, one);
  } else {
    acc(dhg, gh * H + j, dn, one);
  }
}

export function gru_cell_backward(dxg: usize, dhg: usize, dhprev: usize, dh: usize, act: usize, hg: usize, hprev: usize,
                                  B: i32, H: i32, gz: i32, gr: i32, gh: i32, linear_before_reset: i32): void {
  // dxg, dhg, act, hg (B, 3H); dhprev, dh, hprev (B, H). With linear_before_reset = 0 the r blocks are
  // left to gru_reset_backward, after the caller's GEMM turns dhg's h block into drh = dhh Rh.
  for (let b = 0; b < B; b++) {
    const o3 = 3 * b * H, o1 = b * H, dx = dxg != 0 ? at(dxg, o3) : 0, dg = dhg != 0 ? at(dhg, o3) : 0, ab = at(act, o3), hb = at(hg, o3);
    const dp = dhprev != 0 ? at(dhprev, o1) : 0, pb = hprev != 0 ? at(hprev, o1) : 0, db = at(dh, o1);
    let j = 0;
    for (; j + 4 <= H; j += 4) gru_bwd(dx, dg, dp, db, ab, hb, pb, H, gz, gr, gh, linear_before_reset, j, false);
    for (; j < H; j++) gru_bwd(dx, dg, dp, db, ab, hb, pb, H, gz, gr, gh, linear_before_reset, j, true);
  }
}

// @ts-ignore: decorator
@inline function gru_reset_bwd(dxg: usize, dhg: usize, dhp: usize, drh: usize, act: usize, hp: usize, H: i32, gr: i32, j: i32, one: bool): void {
  // forward was: rh = r hprev
  const r = ld(act, gr * H + j, one), d = ld(drh, j, one), dr = f32x4.mul(f32x4.mul(d, ldz(hp, j, one)), dsig(r));
  acc(dxg, gr * H + j, dr, one); acc(dhg, gr * H + j, dr, one); acc(dhp, j, f32x4.mul(d, r), one);
}

export function gru_reset_backward(dxg: usize, dhg: usize, dhprev: usize, drh: usize, act: usize, hprev: usize, B: i32, H: i32, gr: i32): void {
  // linear_before_reset = 0 only: drh (B, H) = dL/d(r hprev); adds the r blocks of dxg, dhg and r drh into dhprev
  for (let b = 0; b < B; b++) {
    const o3 = 3 * b * H, o1 = b * H, dx = dxg != 0 ? at(dxg, o3) : 0, dg = dhg != 0 ? at(dhg, o3) : 0, ab = at(act, o3);
    const dp = dhprev != 0 ? at(dhprev, o1) : 0, pb = hprev != 0 ? at(hprev, o1) : 0, dr = at(drh, o1);
    let j = 0;
    for (; j + 4 <= H; j += 4) gru_reset_bwd(dx, dg, dp, dr, ab, pb, H, gr, j, false);
    for (; j < H; j++) gru_reset_bwd(dx, dg, dp, dr, ab, pb, H, gr, j, true);
  }
}
