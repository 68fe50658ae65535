/**
 * Pooling: MaxPool and LpPool (p = 2, the book's L2 pooling) on the engine's kernels when the window
 * is 2-D, square, unpadded and undilated; AveragePool, padded / ceil_mode / dilated / 1-D / 3-D windows
 * and the global pools as TS loops (the fallback until the `onnxk` pooling kernels land).
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
    if (plain && kind === "lp" && p === 2) {
      return { out: [out], run: (e, [xp], [y]) => e.k.l2pool2d_forward(y, xp, N, H, W, k, s) };
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
    return {
      out: [[x[0], x[1], ...x.slice(2).map(() => 1)]],
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
