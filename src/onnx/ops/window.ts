/**
 * Sliding-window geometry shared by Conv and the pools: kernel_shape, strides, dilations, pads
 * (explicit, possibly asymmetric, or auto_pad SAME_UPPER / SAME_LOWER / VALID) and ceil_mode, resolved
 * to per-axis begin pads and output sizes. Spatial ranks 1–3; shapes are padded to 3 axes (leading 1s)
 * so one TS loop serves all ranks.
 */
import type { OpContext } from "../op.js";

export interface Window {
  /** Spatial rank of the node (1–3). */
  rank: number;
  /** Input, kernel, stride, dilation, begin pad and output size per axis, padded to 3 axes (D, H, W). */
  inp: number[];
  k: number[];
  s: number[];
  d: number[];
  pad: number[];
  /** End pads (3 axes); only used to tell whether the kernels' layout fits. */
  padEnd: number[];
  out: number[];
}

/** Resolves the window of a Conv/Pool node over input spatial dims `inp` with kernel dims `kernel`. */
export function windowOf(c: OpContext, inp: number[], kernel: number[], ceil = false): Window {
  const r = inp.length;
  if (r < 1 || r > 3) c.fail(`${r}-D windows are not supported (1-, 2- and 3-D are)`);
  if (kernel.length !== r || kernel.some((k) => !Number.isInteger(k) || k < 1)) c.fail(`kernel_shape [${kernel.join(", ")}] does not fit input spatial dims [${inp.join(", ")}]`);
  const ones = () => new Array<number>(r).fill(1);
  const s = c.attrs.ints("strides") ?? ones(), d = c.attrs.ints("dilations") ?? ones();
  if (s.length !== r || d.length !== r || [...s, ...d].some((v) => !Number.isInteger(v) || v < 1)) c.fail(`strides [${s.join(", ")}] / dilations [${d.join(", ")}] must be ${r} positive integers`);
  const auto = c.attrs.string("auto_pad", "NOTSET");
  let pads = c.attrs.ints("pads") ?? new Array<number>(2 * r).fill(0);
  if (pads.length !== 2 * r || pads.some((p) => !Number.isInteger(p) || p < 0)) c.fail(`pads [${pads.join(", ")}] must be ${2 * r} non-negative integers`);
  const out: number[] = [];
  const ext = kernel.map((k, i) => (k - 1) * d[i] + 1);
  if (auto === "SAME_UPPER" || auto === "SAME_LOWER") {
    pads = new Array<number>(2 * r);
    for (let i = 0; i < r; i++) {
      const o = Math.ceil(inp[i] / s[i]), total = Math.max((o - 1) * s[i] + ext[i] - inp[i], 0);
      const small = Math.floor(total / 2);
      pads[i] = auto === "SAME_UPPER" ? small : total - small;
      pads[i + r] = total - pads[i];
      out.push(o);
    }
  } else if (auto === "VALID" || auto === "NOTSET") {
    if (auto === "VALID") pads = new Array<number>(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const span = inp[i] + pads[i] + pads[i + r] - ext[i];
      if (span < 0) c.fail(`the window (extent ${ext[i]}) is larger than the padded input (${inp[i] + pads[i] + pads[i + r]}) on spatial axis ${i}`);
      let o = (ceil ? Math.ceil(span / s[i]) : Math.floor(span / s[i])) + 1;
      if (ceil && (o - 1) * s[i] >= inp[i] + pads[i]) o--; // the last window must start inside the input or its begin pad
      out.push(o);
    }
  } else c.fail(`auto_pad ${JSON.stringify(auto)} is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const pad3 = (v: number[], fillv: number) => [...new Array<number>(3 - r).fill(fillv), ...v];
  return {
    rank: r, inp: pad3(inp, 1), k: pad3(kernel, 1), s: pad3(s, 1), d: pad3(d, 1),
    pad: pad3(pads.slice(0, r), 0), padEnd: pad3(pads.slice(r), 0), out: pad3(out, 1),
  };
}

/** True when the engine's 2-D kernels fit: 2-D, square kernel and stride, no dilation, equal begin pads smaller than the kernel. */
export function squareFits(w: Window): boolean {
  return w.rank === 2 && w.k[1] === w.k[2] && w.s[1] === w.s[2] && w.d[1] === 1 && w.d[2] === 1 &&
    w.pad[1] === w.pad[2] && w.pad[1] < w.k[1];
}
