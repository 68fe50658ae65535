// assembly/kernels/lstm.ts and gru.ts against test/reference/cells.ts (forward) and central differences
// of it (backward), for both builds, in ONNX's and PyTorch's gate layouts, with and without an initial
// state, GRU with linear_before_reset 1 and 0 (the latter through the caller's GEMM), and hidden sizes
// around the 4-lane width; and one step of each against PyTorch (test/reference/torch_cells.ts).
import { describe, expect, it } from "vitest";
import { engine, expectClose, RefRng, VARIANTS, scoped } from "../helpers.js";
import { gruRef, lstmRef } from "../reference/cells.js";
import { TORCH_CELLS } from "../reference/torch_cells.js";
import { plus, vjpRef } from "../reference/vjp.js";

const HS = [1, 3, 4, 5, 8, 17];
const LSTM_LAYOUTS: [string, number[]][] = [["ONNX iofc", [0, 1, 2, 3]], ["PyTorch ifgo", [0, 3, 1, 2]]];
const GRU_LAYOUTS: [string, number[]][] = [["ONNX zrh", [0, 1, 2]], ["PyTorch rzn", [1, 0, 2]]];
const sig = (x: number) => 1 / (1 + Math.exp(-x));

describe.each(VARIANTS)("recurrent cell kernels, %s build", (variant) => {
  it.each(LSTM_LAYOUTS)("lstm_cell forward and backward match the reference (%s)", async (_name, L) => {
    const e = await engine(variant);
    const rng = new RefRng(230);
    const [gi, go, gf, gc] = L;
    for (const H of HS) for (const zeroState of [false, true]) scoped(e, () => {
      const B = 2, gates = rng.array(B * 4 * H, -2, 2), cprev = rng.array(B * H, -1, 1);
      const pg = e.allocFrom(gates), pc = zeroState ? 0 : e.allocFrom(cprev);
      const h = e.alloc(B * H), c = e.alloc(B * H), act = e.alloc(B * 4 * H);
      e.k.lstm_cell_forward(h, c, act, pg, pc, B, H, gi, go, gf, gc);
      const ref = lstmRef(gates, zeroState ? null : cprev, B, H, L);
      expectClose(e.read(h, B * H), ref.h, 1e-6, 1e-5);
      expectClose(e.read(c, B * H), ref.c, 1e-6, 1e-5);
      expectClose(e.read(act, B * 4 * H), Float64Array.from(gates, (v, k) => (Math.floor(k / H) % 4 === gc ? Math.tanh(v) : sig(v))), 1e-7, 1e-6);
      // L = Σ h ⊙ dh + Σ c ⊙ dc (dc: the gradient arriving from step t + 1)
      const dh = rng.array(B * H), dc = rng.array(B * H), sg = rng.array(B * 4 * H), sc = rng.array(B * H);
      const dgates = e.allocFrom(sg), dcprev = e.allocFrom(sc);
      e.k.lstm_cell_backward(dgates, dcprev, e.allocFrom(dh), e.allocFrom(dc), act, c, pc, B, H, gi, go, gf, gc);
      // with the zero state (pointer 0) the kernel still gives dL/dcprev at cprev = 0
      const f = ([g, cp]: Float64Array[]) => { const r = lstmRef(g, cp, B, H, L); return [...r.h, ...r.c]; };
      const [gg, gcp] = vjpRef(f, [gates, zeroState ? new Float64Array(B * H) : cprev], [...dh, ...dc]);
      expectClose(e.read(dgates, B * 4 * H), plus(sg, gg), 1e-5, 1e-4);
      expectClose(e.read(dcprev, B * H), plus(sc, gcp), 1e-5, 1e-4);
    });
  });

  it.each(GRU_LAYOUTS)("gru cell, linear_before_reset = 1, forward and backward match the reference (%s)", async (_name, L) => {
    const e = await engine(variant);
    const rng = new RefRng(231);
    const [gz, gr, gh] = L;
    for (const H of HS) for (const zeroState of [false, true]) scoped(e, () => {
      const B = 2, xg = rng.array(B * 3 * H, -2, 2), hg = rng.array(B * 3 * H, -2, 2), hprev = rng.array(B * H);
      const px = e.allocFrom(xg), ph = e.allocFrom(hg), pp = zeroState ? 0 : e.allocFrom(hprev);
      const h = e.alloc(B * H), act = e.alloc(B * 3 * H);
      e.k.gru_gates_forward(act, 0, px, ph, pp, B, H, gz, gr);
      e.k.gru_cell_forward(h, act, px, ph, pp, B, H, gz, gr, gh, 1);
      expectClose(e.read(h, B * H), gruRef(xg, hg, zeroState ? null : hprev, B, H, L, 1), 1e-6, 1e-5);
      const dh = rng.array(B * H), s = [rng.array(B * 3 * H), rng.array(B * 3 * H), rng.array(B * H)];
      const [dxg, dhg, dhp] = s.map((v) => e.allocFrom(v));
      e.k.gru_cell_backward(dxg, dhg, dhp, e.allocFrom(dh), act, ph, pp, B, H, gz, gr, gh, 1);
      const [gx, gho, ghp] = vjpRef(([x, hh, hp]) => gruRef(x, hh, hp, B, H, L, 1), [xg, hg, zeroState ? new Float64Array(B * H) : hprev], dh);
      expectClose(e.read(dxg, B * 3 * H), plus(s[0], gx), 1e-5, 1e-4);
      expectClose(e.read(dhg, B * 3 * H), plus(s[1], gho), 1e-5, 1e-4);
      expectClose(e.read(dhp, B * H), plus(s[2], ghp), 1e-5, 1e-4);
    });
  });

  it.each(GRU_LAYOUTS)("gru cell, linear_before_reset = 0, through the caller's GEMM, matches the reference (%s)", async (_name, L) => {
    const e = await engine(variant);
    const rng = new RefRng(232);
    const [gz, gr, gh] = L;
    for (const H of HS) scoped(e, () => {
      const B = 2, xg = rng.array(B * 3 * H, -2, 2), hgzr = rng.array(B * 3 * H, -2, 2), hprev = rng.array(B * H);
      const Rh = rng.array(H * H), rbh = rng.array(H);
      const px = e.allocFrom(xg), ph = e.allocFrom(hgzr), pp = e.allocFrom(hprev);
      const h = e.alloc(B * H), act = e.alloc(B * 3 * H), rh = e.alloc(B * H);
      e.k.gru_gates_forward(act, rh, px, ph, pp, B, H, gz, gr);
      const rhv = e.read(rh, B * H), hgv = e.read(ph, B * 3 * H); // the caller's GEMM: hg's h block = rh Rh^T + rbh
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
        let v = rbh[j];
        for (let k = 0; k < H; k++) v += rhv[b * H + k] * Rh[j * H + k];
        hgv[b * 3 * H + gh * H + j] = v;
      }
      e.write(ph, hgv);
      e.k.gru_cell_forward(h, act, px, ph, pp, B, H, gz, gr, gh, 0);
      expectClose(e.read(h, B * H), gruRef(xg, hgzr, hprev, B, H, L, 0, Rh, rbh), 1e-6, 1e-5);
      const dh = rng.array(B * H), dxg = e.alloc(B * 3 * H), dhg = e.alloc(B * 3 * H), dhp = e.alloc(B * H);
      e.k.gru_cell_backward(dxg, dhg, dhp, e.allocFrom(dh), act, ph, pp, B, H, gz, gr, gh, 0);
      const dhgv = e.read(dhg, B * 3 * H), drh = new Float32Array(B * H); // the caller's GEMM: drh = dhh Rh
      for (let b = 0; b < B; b++) for (let k = 0; k < H; k++) for (let j = 0; j < H; j++) drh[b * H + k] += dhgv[b * 3 * H + gh * H + j] * Rh[j * H + k];
      e.k.gru_reset_backward(dxg, dhg, dhp, e.allocFrom(drh), act, pp, B, H, gr);
      const [gx, ghg, ghp, grb] = vjpRef(([x, hh, hp, rb]) => gruRef(x, hh, hp, B, H, L, 0, Rh, rb), [xg, hgzr, hprev, rbh], dh);
      expectClose(e.read(dxg, B * 3 * H), gx, 1e-5, 1e-4);
      expectClose(e.read(dhp, B * H), ghp, 1e-5, 1e-4);
      const dhgOut = e.read(dhg, B * 3 * H);
      const zr = (a: ArrayLike<number>) => Array.from(a).filter((_, k) => Math.floor(k / H) % 3 !== gh);
      expectClose(zr(dhgOut), zr(ghg), 1e-5, 1e-4);
      // hg's h block holds dL/d(rh Rh^T + rbh): summed over the batch it is dL/drbh
      expectClose(Array.from({ length: H }, (_, j) => dhgOut[gh * H + j] + dhgOut[3 * H + gh * H + j]), grb, 1e-5, 1e-4);
      expect(dhgOut.every(Number.isFinite)).toBe(true);
    });
  });
});

describe.each(VARIANTS)("recurrent cell kernels against PyTorch, %s build", (variant) => {
  it("one GRUCell step (rzn, linear_before_reset = 1) and one LSTMCell step (ifgo) match torch 1.13", async () => {
    const e = await engine(variant);
    const { B, H } = TORCH_CELLS;
    scoped(e, () => {
      const xg = e.allocFrom(TORCH_CELLS.gruXg), hg = e.allocFrom(TORCH_CELLS.gruHg), hp = e.allocFrom(TORCH_CELLS.h);
      const act = e.alloc(3 * B * H), h = e.alloc(B * H);
      e.k.gru_gates_forward(act, 0, xg, hg, hp, B, H, 1, 0); // PyTorch rzn: gz 1, gr 0, gh 2
      e.k.gru_cell_forward(h, act, xg, hg, hp, B, H, 1, 0, 2, 1);
      expectClose(e.read(h, B * H), TORCH_CELLS.gruH, 1e-6, 1e-5);
      const c = e.alloc(B * H), act4 = e.alloc(4 * B * H);
      e.k.lstm_cell_forward(h, c, act4, e.allocFrom(TORCH_CELLS.lstmGates), e.allocFrom(TORCH_CELLS.c), B, H, 0, 3, 1, 2); // ifgo
      expectClose(e.read(h, B * H), TORCH_CELLS.lstmH, 1e-6, 1e-5);
      expectClose(e.read(c, B * H), TORCH_CELLS.lstmC, 1e-6, 1e-5);
    });
  });
});
