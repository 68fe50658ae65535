/**
 * RNN, GRU (both linear_before_reset values) and LSTM (peepholes, input/recurrent biases, initial states,
 * layouts 0 and 1, forward / reverse / bidirectional), forward only. Per direction the input projection
 * X·Wᵀ is one GEMM over all steps, each step's H·Rᵀ another; the gate arithmetic is a TS loop (the
 * fallback until the `onnxk` gate kernels land). Gate orders are ONNX's: LSTM i, o, f, c; GRU z, r, h.
 */
import type { Engine, Ptr } from "../../wasm/engine.js";
import { requireFloat, type Builder, type OpContext } from "../op.js";

type Kind = "RNN" | "GRU" | "LSTM";
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const ACT: Record<string, (x: number) => number> = {
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
  Relu: (x) => Math.max(x, 0),
};
const DEFAULT_ACTS: Record<Kind, string[]> = { RNN: ["Tanh"], GRU: ["Sigmoid", "Tanh"], LSTM: ["Sigmoid", "Tanh", "Tanh"] };

function recurrent(kind: Kind): Builder {
  return (c: OpContext) => {
    requireFloat(c, [0, 1, 2, 3, 5, 6, 7]);
    const G = GATES[kind], x = c.input(0).shape, w = c.input(1).shape;
    const layout = c.attrs.int("layout", 0), dir = c.attrs.string("direction", "forward");
    if (x.length !== 3) c.fail(`X must be 3-D, got [${x.join(", ")}]`);
    const [T, B, I] = layout ? [x[1], x[0], x[2]] : x;
    const D = dir === "bidirectional" ? 2 : dir === "forward" || dir === "reverse" ? 1 : c.fail(`direction ${JSON.stringify(dir)} is not forward, reverse or bidirectional`);
    const H = c.attrs.int("hidden_size", w[1] / G);
    if (w.join() !== [D, G * H, I].join()) c.fail(`W is [${w.join(", ")}], expected [${D}, ${G * H}, ${I}]`);
    if (c.input(2).shape.join() !== [D, G * H, H].join()) c.fail(`R is [${c.input(2).shape.join(", ")}], expected [${D}, ${G * H}, ${H}]`);
    if (c.ins[3] && c.ins[3].shape.join() !== [D, 2 * G * H].join()) c.fail(`B must be [${D}, ${2 * G * H}]`);
    if (c.ins[4]) {
      const lens = c.ins[4].value;
      if (!lens || Array.from(lens.data).some((l) => l !== T)) c.fail("sequence_lens other than the full length (or not constant) are not supported");
    }
    const hShape = layout ? [B, D, H] : [D, B, H];
    for (const i of kind === "LSTM" ? [5, 6] : [5]) if (c.ins[i] && c.ins[i]!.shape.join() !== hShape.join()) c.fail(`initial state input ${i} must be [${hShape.join(", ")}]`);
    if (kind === "LSTM" && c.ins[7] && c.ins[7].shape.join() !== [D, 3 * H].join()) c.fail(`P must be [${D}, ${3 * H}]`);
    if (kind === "LSTM" && c.attrs.int("input_forget", 0)) c.fail("input_forget = 1 is not supported");
    const names = c.attrs.strings("activations") ?? [...DEFAULT_ACTS[kind], ...(D === 2 ? DEFAULT_ACTS[kind] : [])];
    const per = DEFAULT_ACTS[kind].length;
    if (names.length !== per * D) c.fail(`activations lists ${names.length} functions, expected ${per * D}`);
    const acts = names.map((n) => ACT[n] ?? c.fail(`activation ${n} is not supported (Sigmoid, Tanh, Relu)`));
    if (c.attrs.floats("activation_alpha")?.length) c.fail("activation_alpha/beta are not supported");
    const clip = c.attrs.has("clip") ? c.attrs.float("clip", 0) : Infinity;
    const lbr = c.attrs.int("linear_before_reset", 0) === 1;
    const yShape = layout ? [B, T, D, H] : [T, D, B, H];
    const GH = G * H, xw = 0, hr = T * B * GH, hs = hr + B * GH, cs = hs + B * H;
    const spec: Spec = { reverse: dir === "reverse", kind, T, B, I, H, D, layout, acts, per, clip, lbr };
    return {
      out: kind === "LSTM" ? [yShape, hShape, hShape] : [yShape, hShape],
      scratch: cs + B * H, constInputs: [4],
      run: (e, ins, outs, s) => runRecurrent(e, spec, ins, outs, s, [xw, hr, hs, cs].map((o) => s + 4 * o)),
    };
  };
}

interface Spec { reverse: boolean; kind: Kind; T: number; B: number; I: number; H: number; D: number; layout: number; acts: ((x: number) => number)[]; per: number; clip: number; lbr: boolean }

function runRecurrent(e: Engine, sp: Spec, ins: Ptr[], outs: Ptr[], _s: Ptr, [xw, hr, hs, cs]: Ptr[]): void {
  const { kind, T, B, I, H, D, layout, per, clip, lbr } = sp;
  const G = GATES[kind], GH = G * H, [x, w, r, bias, , h0, c0, peep] = ins;
  const [y, yh, yc] = outs;
  for (let d = 0; d < D; d++) {
    // every step's input projection at once: xw (T·B or B·T rows, GH) = X · W_dᵀ
    e.k.gemm(xw, x, w + 4 * d * GH * I, e.gemmScratch, T * B, GH, I, 0, 1, 1, 0);
    const h = e.heapF32, xwi = xw >> 2, hri = hr >> 2, hsi = hs >> 2, csi = cs >> 2, bi = bias >> 2;
    const f = sp.acts[d * per], g = sp.acts[d * per + 1] ?? f, hAct = sp.acts[d * per + 2] ?? g;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const k = layout ? (b * D + d) * H + j : (d * B + b) * H + j;
        h[hsi + b * H + j] = h0 ? h[(h0 >> 2) + k] : 0;
        h[csi + b * H + j] = c0 ? h[(c0 >> 2) + k] : 0;
      }
    }
    const cl = (v: number) => (v > clip ? clip : v < -clip ? -clip : v);
    for (let step = 0; step < T; step++) {
      const t = d === 1 || sp.reverse ? T - 1 - step : step;
      e.k.gemm(hr, hs, r + 4 * d * GH * H, e.gemmScratch, B, GH, H, 0, 1, 1, 0); // hr = H_{t-1} · R_dᵀ
      for (let b = 0; b < B; b++) {
        const xr = xwi + (layout ? b * T + t : t * B + b) * GH, hrr = hri + b * GH, hb = hsi + b * H, cb = csi + b * H;
        const wb = (k: number) => (bias ? h[bi + d * 2 * GH + k] : 0), rb = (k: number) => (bias ? h[bi + d * 2 * GH + GH + k] : 0);
        for (let j = 0; j < H; j++) {
          if (kind === "RNN") {
            h[hb + j] = f(cl(h[xr + j] + h[hrr + j] + wb(j) + rb(j)));
          } else if (kind === "GRU") {
            const z = f(cl(h[xr + j] + h[hrr + j] + wb(j) + rb(j)));
            const rr = f(cl(h[xr + H + j] + h[hrr + H + j] + wb(H + j) + rb(H + j)));
            // linear_before_reset = 0 needs (r ⊙ H_{t-1}) · R_hᵀ: stash r, finish below
            if (lbr) h[xr + 2 * H + j] = g(cl(h[xr + 2 * H + j] + wb(2 * H + j) + rr * (h[hrr + 2 * H + j] + rb(2 * H + j))));
            h[hrr + j] = z;
            h[hrr + H + j] = rr;
          } else {
            const p = (k: number) => (peep ? h[(peep >> 2) + d * 3 * H + k * H + j] : 0), cprev = h[cb + j];
            const ig = f(cl(h[xr + j] + h[hrr + j] + wb(j) + rb(j) + p(0) * cprev));
            const fg = f(cl(h[xr + 2 * H + j] + h[hrr + 2 * H + j] + wb(2 * H + j) + rb(2 * H + j) + p(2) * cprev));
            const cc = g(cl(h[xr + 3 * H + j] + h[hrr + 3 * H + j] + wb(3 * H + j) + rb(3 * H + j)));
            const cn = fg * cprev + ig * cc;
            const og = f(cl(h[xr + H + j] + h[hrr + H + j] + wb(H + j) + rb(H + j) + p(1) * cn));
            h[cb + j] = cn;
            h[hrr + j] = og * hAct(cn); // new H, copied in after every unit of this row used the old one
          }
        }
        if (kind === "LSTM") for (let j = 0; j < H; j++) h[hb + j] = h[hrr + j];
        if (kind === "GRU") {
          if (!lbr) {
            // ĥ = g(x W_hᵀ + (r ⊙ H_{t-1}) R_hᵀ + Rb_h + Wb_h), one dot product per unit
            const rh = r + 4 * (d * GH * H + 2 * H * H);
            for (let j = 0; j < H; j++) {
              let acc = 0;
              for (let k = 0; k < H; k++) acc += h[(rh >> 2) + j * H + k] * h[hrr + H + k] * h[hb + k];
              h[xr + 2 * H + j] = g(cl(h[xr + 2 * H + j] + acc + wb(2 * H + j) + rb(2 * H + j)));
            }
          }
          for (let j = 0; j < H; j++) h[hb + j] = (1 - h[hrr + j]) * h[xr + 2 * H + j] + h[hrr + j] * h[hb + j];
        }
      }
      if (y) {
        for (let b = 0; b < B; b++) {
          const dst = (y >> 2) + (layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H);
          e.heapF32.copyWithin(dst, hsi + b * H, hsi + (b + 1) * H);
        }
      }
    }
    for (const [out, src] of [[yh, hs], [yc, cs]] as const) {
      if (!out) continue;
      for (let b = 0; b < B; b++) {
        const dst = (out >> 2) + (layout ? (b * D + d) * H : (d * B + b) * H);
        e.heapF32.copyWithin(dst, (src >> 2) + b * H, (src >> 2) + (b + 1) * H);
      }
    }
  }
}

export const RECURRENT: Record<string, Builder> = { RNN: recurrent("RNN"), GRU: recurrent("GRU"), LSTM: recurrent("LSTM") };
