/**
 * Pooling: MaxPool and LpPool (p = 2, the book's L2 pooling) on the engine's kernels when the window
 * is 2-D, square, unpadded and undilated; 1-D / 2-D AveragePool (any pads, ceil_mode, count_include_pad)
 * on avgpool2d_forward; GlobalAveragePool / GlobalMaxPool on global_avgpool / global_maxpool; padded or
 * ceil_mode square MaxPool as the unpadded kernel over a -∞-filled canvas. Dilated or rectangular MaxPool,
 * padded LpPool, 1-D / 3-D max and Lp windows and GlobalLpPool run TS loops (the fallback: no kernel fits).
 */
import type { Engine, Ptr } from "../../wasm/engine.js";
import { numel, requireFloat, type Builder, type OpContext } from "../op.js";
import { squareFits, windowOf, type Window } from "./window.js";

type Kind = "max" | "avg" | "lp";

function pool(kind: Kind): Builder {
  return (c) => {
    requireFloat(c, [0]);
    const x = c.input(0).shape;
    if (x.length < 3) c.fail(`X [${x.join(", ")}] must be N×C×spatial`);
    if (kind === "max" && c.node.outputs.length > 1 && c.node.outputs[1] !== "") c.fail("MaxPool's Indices output is not supported");
    const ks = c.attrs.ints("kernel_shape") ?? c.fail("kernel_shape is required");
    if (kind !== "max" && c.attrs.ints("dilations")?.some((d) => d !== 1)) c.fail("dilations are only supported for MaxPool");
    const win = windowOf(c, x.slice(2), ks, c.attrs.int("ceil_mode", 0) === 1);
    const p = kind === "lp" ? c.attrs.int("p", 2) : 0;
    if (kind === "lp" && p !== 2 && p !== 1) c.fail(`LpPool p = ${p} is not supported (p = 1 or 2)`);
    const includePad = c.attrs.int("count_include_pad", 0) === 1;
    const [B, C] = x, N = B * C, out = [B, C, ...win.out.slice(3 - win.rank)];
    const H = win.inp[1], W = win.inp[2], k = win.k[1], s = win.s[1];
    const plain = squareFits(win) && win.pad.every((v) => v === 0) && win.padEnd.every((v) => v === 0) &&
      win.out[1] === Math.floor((H - k) / s) + 1 && win.out[2] === Math.floor((W - k) / s) + 1;
    if (plain && kind === "max") {
      return { out: [out], scratch: numel(out), run: (e, [xp], [y], arg) => e.k.maxpool2d_forward(y, arg, xp, N, H, W, k, s) };
    }
    if (kind === "max" && win.rank === 2 && win.k[1] === win.k[2] && win.s[1] === win.s[2] && win.d.every((v) => v === 1)) {
      // padded / ceil_mode: the planes copied into a -∞ canvas just large enough for the output's windows, then the unpadded kernel
      const OH = win.out[1], OW = win.out[2], Hp = (OH - 1) * s + k, Wp = (OW - 1) * s + k, pt = win.pad[1], pl = win.pad[2];
      const rows = Math.min(H, Hp - pt), cols = Math.min(W, Wp - pl), nOut = numel(out);
      return {
        out: [out], scratch: nOut + N * Hp * Wp,
        run(e, [xp], [y], arg) {
          const canvas = arg + 4 * nOut;
          e.k.fill(canvas, N * Hp * Wp, -Infinity);
          if (rows > 0 && cols > 0) e.k.strided_copy(canvas + 4 * (pt * Wp + pl), xp, 1, N, rows, cols, 0, Hp * Wp, Wp, 1, 0, H * W, W, 1);
          e.k.maxpool2d_forward(y, arg, canvas, N, Hp, Wp, k, s);
        },
      };
    }
    if (plain && kind === "lp" && p === 2) {
      return { out: [out], run: (e, [xp], [y]) => e.k.l2pool2d_forward(y, xp, N, H, W, k, s) };
    }
    if (kind === "avg" && win.rank <= 2) {
      const [kh, kw] = win.k.slice(1), [sh, sw] = win.s.slice(1), [pt, pl] = win.pad.slice(1), [pb, pr] = win.padEnd.slice(1);
      const OH = win.out[1], OW = win.out[2], cip = includePad ? 1 : 0;
      return { out: [out], run: (e, [xp], [y]) => e.k.avgpool2d_forward(y, xp, N, H, W, OH, OW, kh, kw, sh, sw, pt, pl, pb, pr, cip) };
    }
    return { out: [out], run: (e, [xp], [y]) => poolLoop(e, y, xp, N, win, kind, p, includePad) };
  };
}

/** Pooling over 3 padded spatial axes (fallback): N planes of (ID, IH, IW). */
function poolLoop(e: Engine, y: Ptr, x: Ptr, N: number, win: Window, kind: Kind, p: number, includePad: boolean): void {
  const h = e.heapF32, xi = x >> 2, yi = y >> 2;
  const [ID, IH, IW] = win.inp, [KD, KH, KW] = win.k, [SD, SH, SW] = win.s, [DD, DH, DW] = win.d, [PD, PH, PW] = win.pad;
  const [OD, OH, OW] = win.out, isz = ID * IH * IW;
  // count_include_pad counts window positions inside the padded input, not past its end pads
  const lim = [ID + win.padEnd[0], IH + win.padEnd[1], IW + win.padEnd[2]];
  let o = yi;
  for (let n = 0; n < N; n++) {
    const plane = xi + n * isz;
    for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let acc = kind === "max" ? -Infinity : 0, count = 0, padded = 0;
      for (let kd = 0; kd < KD; kd++) {
        const id = od * SD - PD + kd * DD;
        if (id >= lim[0]) continue;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PH + kh * DH;
          if (ih >= lim[1]) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PW + kw * DW;
            if (iw >= lim[2]) continue;
            padded++;
            if (id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW) continue;
            const v = h[plane + (id * IH + ih) * IW + iw];
            count++;
            if (kind === "max") { if (v > acc) acc = v; } else acc += kind === "lp" && p === 2 ? v * v : kind === "lp" ? Math.abs(v) : v;
          }
        }
      }
      h[o++] = kind === "max" ? acc : kind === "avg" ? acc / (includePad ? padded : count) : p === 2 ? Math.sqrt(acc) : acc;
    }
  }
}

/** GlobalAveragePool / GlobalMaxPool / GlobalLpPool: one value per (batch, channel) plane. */
function global(kind: Kind): Builder {
  return (c: OpContext) => {
    requireFloat(c, [0]);
    const x = c.input(0).shape;
    if (x.length < 3) c.fail(`X [${x.join(", ")}] must be N×C×spatial`);
    const p = kind === "lp" ? c.attrs.int("p", 2) : 0;
    if (kind === "lp" && p !== 2) c.fail(`GlobalLpPool p = ${p} is not supported (p = 2)`);
    const N = x[0] * x[1], P = numel(x.slice(2));
    const out = [[x[0], x[1], ...x.slice(2).map(() => 1)]];
    if (kind === "avg" && P >= 1) return { out, run: (e, [xp], [y]) => e.k.global_avgpool_forward(y, xp, N, P) };
    if (kind === "max" && P >= 1) return { out, scratch: N, run: (e, [xp], [y], arg) => e.k.global_maxpool_forward(y, arg, xp, N, P) };
    return {
      out,
      run(e, [xp], [y]) {
        const h = e.heapF32, xi = xp >> 2, yi = y >> 2;
        for (let n = 0; n < N; n++) {
          let acc = kind === "max" ? -Infinity : 0;
          for (let i = xi + n * P, end = i + P; i < end; i++) {
            const v = h[i];
            if (kind === "max") { if (v > acc) acc = v; } else acc += kind === "lp" ? v * v : v;
          }
          h[yi + n] = kind === "max" ? acc : kind === "lp" ? Math.sqrt(acc) : acc / P;
        }
      },
    };
  };
}

export const POOL: Record<string, Builder> = {
  MaxPool: pool("max"),
  AveragePool: pool("avg"),
  LpPool: pool("lp"),
  GlobalAveragePool: global("avg"),
  GlobalMaxPool: global("max"),
  GlobalLpPool: global("lp"),
};
