// LSTM step, pointwise part (the GEMMs stay gemm's): gates = x W^T + hprev R^T + Wb + Rb (B, 4H)
// pre-activations, one block of H per gate in each row; the caller says where each gate's block sits
// (its index gk: the block at gk*H), so one kernel serves both layouts:
//   ONNX iofc: gi 0, go 1, gf 2, gc 3      PyTorch ifgo: gi 0, gf 1, gc 2 (its "g"), go 3
// cprev = 0 means the zero state. ONNX's peepholes (P), clip and non-default activations are not here.
// Forward WRITES h, c, act; backward ADDS into dgates and dcprev (skipped when 0).
import { at } from "./util";
import { sigmoid4, tanh4 } from "./vmath";
import { ld, ldz, st, acc, dsig, dtanh } from "./lanes";

// @ts-ignore: decorator
@inline function lstm_fwd(h: usize, c: usize, act: usize, gates: usize, cprev: usize, H: i32, gi: i32, go: i32, gf: i32, gc: i32, j: i32, one: bool): void {
  // act = sigma(i, o, f) and tanh(g); c = f cprev + i g; h = o tanh(c)
  const i = sigmoid4(ld(gates, gi * H + j, one)), o = sigmoid4(ld(gates, go * H + j, one));
  const f = sigmoid4(ld(gates, gf * H + j, one)), g = tanh4(ld(gates, gc * H + j, one));
  st(act, gi * H + j, i, one); st(act, go * H + j, o, one); st(act, gf * H + j, f, one); st(act, gc * H + j, g, one);
  const cv = f32x4.add(f32x4.mul(f, ldz(cprev, j, one)), f32x4.mul(i, g));
  st(c, j, cv, one);
  st(h, j, f32x4.mul(o, tanh4(cv)), one);
}

export function lstm_cell_forward(h: usize, c: usize, act: usize, gates: usize, cprev: usize, B: i32, H: i32,
                                  gi: i32, go: i32, gf: i32, gc: i32): void {
  // h, c, cprev (B, H); gates, act (B, 4H) (act may alias gates)
  for (let b = 0; b < B; b++) {
    const hb = at(h, b * H), cb = at(c, b * H), ab = at(act, 4 * b * H), gb = at(gates, 4 * b * H);
    const pb = cprev != 0 ? at(cprev, b * H) : 0;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstm_fwd(hb, cb, ab, gb, pb, H, gi, go, gf, gc, j, false);
    for (; j < H; j++) lstm_fwd(hb, cb, ab, gb, pb, H, gi, go, gf, gc, j, true);
  }
}

// @ts-ignore: decorator
@inline function lstm_bwd(dg: usize, dcp: usize, dh: usize, dc: usize, act: usize, c: usize, cp: usize, H: i32,
                          gi: i32, go: i32, gf: i32, gc: i32, j: i32, one: bool): void {
  // forward was: c = f cprev + i g, h = o tanh(c)
  const i = ld(act, gi * H + j, one), o = ld(act, go * H + j, one), f = ld(act, gf * H + j, one), g = ld(act, gc * H + j, one);
  const t = tanh4(ld(c, j, one)), vdh = ld(dh, j, one);
  const dct = f32x4.add(ldz(dc, j, one), f32x4.mul(f32x4.mul(vdh, o), dtanh(t))); // dL/dc, both paths
  acc(dg, go * H + j, f32x4.mul(f32x4.mul(vdh, t), dsig(o)), one);
  acc(dg, gi * H + j, f32x4.mul(f32x4.mul(dct, g), dsig(i)), one);
  acc(dg, gf * H + j, f32x4.mul(f32x4.mul(dct, ldz(cp, j, one)), dsig(f)), one);
  acc(dg, gc * H + j, f32x4.mul(f32x4.mul(dct, i), dtanh(g)), one);
  acc(dcp, j, f32x4.mul(dct, f), one);
}

export function lstm_cell_backward(dgates: usize, dcprev: usize, dh: usize, dc: usize, act: usize, c: usize, cprev: usize,
                                   B: i32, H: i32, gi: i32, go: i32, gf: i32, gc: i32): void {
  // dgates, act (B, 4H); dcprev, dh, dc, c, cprev (B, H). dh = dL/dh_t, dc = dL/dc_t from step t+1 (0: none).
  for (let b = 0; b < B; b++) {
    const o4 = 4 * b * H, o1 = b * H;
    const dg = dgates != 0 ? at(dgates, o4) : 0, ab = at(act, o4), dcp = dcprev != 0 ? at(dcprev, o1) : 0;
    const dcb = dc != 0 ? at(dc, o1) : 0, cp = cprev != 0 ? at(cprev, o1) : 0;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstm_bwd(dg, dcp, at(dh, o1), dcb, ab, at(c, o1), cp, H, gi, go, gf, gc, j, false);
    for (; j < H; j++) lstm_bwd(dg, dcp, at(dh, o1), dcb, ab, at(c, o1), cp, H, gi, go, gf, gc, j, true);
  }
}

