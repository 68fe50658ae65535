/**
 * Conv. On the engine's im2col + packed-GEMM kernel (conv2d_forward, which a threaded engine splits by example)
 * when the shape fits it: 2-D, group 1, square kernel and stride, no dilation, equal top/left pads
 * smaller than the kernel (any bottom/right pad). Everything else (1-D/3-D, groups incl. depthwise,
 * dilation, rectangular kernels, asymmetric begin pads) runs the TS loop below: correct, and marked as
 * the fallback until the `onnxk` branch's grouped/depthwise/dilated kernels land.
 */
import type { Engine, Ptr } from "../../wasm/engine.js";
import { requireFloat, type Builder } from "../op.js";
import { squareFits, windowOf, type Window } from "./window.js";

export const CONV: Record<string, Builder> = {
  Conv(c) {
    requireFloat(c, [0, 1, 2]);
    const x = c.input(0).shape, w = c.input(1).shape;
    if (x.length < 3 || w.length !== x.length) c.fail(`X [${x.join(", ")}] and W [${w.join(", ")}] must be N×C×spatial and F×C/group×kernel`);
    const [B, C] = x, F = w[0], group = c.attrs.int("group", 1);
    if (!(group >= 1) || C % group || F % group || w[1] !== C / group) {
      c.fail(`group ${group} does not fit ${C} input channels and W [${w.join(", ")}] (W's second dim must be C / group)`);
    }
    const ks = c.attrs.ints("kernel_shape") ?? w.slice(2);
    if (ks.join() !== w.slice(2).join()) c.fail(`kernel_shape [${ks.join(", ")}] differs from W's [${w.slice(2).join(", ")}]`);
    const bs = c.ins[2]?.shape;
    if (bs && (bs.length !== 1 || bs[0] !== F)) c.fail(`bias B must be (${F}), got [${bs.join(", ")}]`);
    const win = windowOf(c, x.slice(2), ks);
    const out = [B, F, ...win.out.slice(3 - win.rank)];
    const zeroBias = bs ? [] : [new Float32Array(F)];
    if (group === 1 && squareFits(win)) {
      const g = { C, H: win.inp[1], W: win.inp[2], F, k: win.k[1], s: win.s[1], pad: win.pad[1], OH: win.out[1], OW: win.out[2] };
      return {
        out: [out], extra: zeroBias,
        run: (e, ins, [y]) => e.k.conv2d_forward(y, ins[0], ins[1], bs ? ins[2] : ins[ins.length - 1], e.gemmScratch, B, C, g.H, g.W, F, g.k, g.s, g.pad, g.OH, g.OW),
      };
    }
    return {
      out: [out], extra: zeroBias,
      run: (e, ins, [y]) => convLoop(e, y, ins[0], ins[1], bs ? ins[2] : ins[ins.length - 1], B, C, F, group, win),
    };
  },
};

/** Direct convolution over 3 padded spatial axes (fallback). out (B, F, OD, OH, OW), w (F, C/g, KD, KH, KW). */
function convLoop(e: Engine, y: Ptr, x: Ptr, w: Ptr, bias: Ptr, B: number, C: number, F: number, group: number, win: Window): void {
  const h = e.heapF32, xi = x >> 2, wi = w >> 2, yi = y >> 2, bi = bias >> 2;
  const [ID, IH, IW] = win.inp, [KD, KH, KW] = win.k, [SD, SH, SW] = win.s, [DD, DH, DW] = win.d, [PD, PH, PW] = win.pad;
  const [OD, OH, OW] = win.out;
  const Cg = C / group, Fg = F / group, isz = ID * IH * IW, osz = OD * OH * OW, ksz = KD * KH * KW;
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const g = Math.floor(f / Fg), o0 = yi + (b * F + f) * osz;
      h.fill(h[bi + f], o0, o0 + osz);
      for (let cc = 0; cc < Cg; cc++) {
        const plane = xi + (b * C + g * Cg + cc) * isz, wk = wi + (f * Cg + cc) * ksz;
        for (let kd = 0; kd < KD; kd++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
          const wv = h[wk + (kd * KH + kh) * KW + kw];
          if (wv === 0) continue;
          for (let od = 0; od < OD; od++) {
            const id = od * SD - PD + kd * DD;
            if (id < 0 || id >= ID) continue;
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH - PH + kh * DH;
              if (ih < 0 || ih >= IH) continue;
              const row = plane + (id * IH + ih) * IW, orow = o0 + (od * OH + oh) * OW;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * SW - PW + kw * DW;
                if (iw >= 0 && iw < IW) h[orow + ow] += wv * h[row + iw];
              }
            }
          }
        }
      }
    }
  }
}
