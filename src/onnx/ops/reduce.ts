/**
 * Reductions (ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceL2 over any axes, keepdims) and Pad
 * (constant, reflect and edge modes; negative pads crop), as TS loops over the memory views. PyTorch
 * exports `x.mean(dim=(2, 3))` as ReduceMean and `nn.ZeroPad2d` / `F.pad` as Pad.
 */
import { axisOf, numel, requireFloat, stridesOf, type Builder, type OpContext } from "../op.js";

type Kind = "mean" | "sum" | "max" | "min" | "l2";

/** The reduced axes: the `axes` attribute, or (ReduceSum from opset 13, the others from 18) the second input. */
function reduceAxes(c: OpContext, rank: number): number[] | undefined {
  const fromInput = c.node.opType === "ReduceSum" ? c.opset >= 13 : c.opset >= 18;
  const raw = fromInput ? (c.node.inputs[1] ? Array.from(c.constant(1, "axes").data) : undefined) : c.attrs.ints("axes");
  return raw?.map((a) => axisOf(c, a, rank));
}

function reduce(kind: Kind): Builder {
  return (c) => {
    requireFloat(c, [0]);
    const x = c.input(0).shape, r = x.length;
    let axes = reduceAxes(c, r);
    if (!axes || axes.length === 0) {
      if (c.attrs.int("noop_with_empty_axes", 0)) axes = [];
      else axes = x.map((_, i) => i);
    }
    const set = new Set(axes), keep = c.attrs.int("keepdims", 1) === 1;
    const out = keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
    const n = numel(x), m = numel(out), count = n / Math.max(m, 1);
    // output index of input position: strides of the kept-dims shape, 0 on reduced axes
    const full = x.map((d, i) => (set.has(i) ? 1 : d)), so = stridesOf(full), si = stridesOf(x);
    const step = x.map((_, i) => (set.has(i) ? 0 : so[i]));
    return {
      out: [out], constInputs: [1],
      run(e, [xp], [y]) {
        const h = e.heapF32, xi = xp >> 2, yi = y >> 2;
        const acc = new Float64Array(m).fill(kind === "max" ? -Infinity : kind === "min" ? Infinity : 0);
        for (let i = 0; i < n; i++) {
          let o = 0, rem = i;
          for (let d = 0; d < r; d++) {
            const q = Math.floor(rem / si[d]);
            rem -= q * si[d];
            o += q * step[d];
          }
          const v = h[xi + i];
          if (kind === "max") { if (v > acc[o]) acc[o] = v; } else if (kind === "min") { if (v < acc[o]) acc[o] = v; } else acc[o] += kind === "l2" ? v * v : v;
        }
        for (let o = 0; o < m; o++) h[yi + o] = kind === "mean" ? acc[o] / count : kind === "l2" ? Math.sqrt(acc[o]) : acc[o];
      },
    };
  };
}

const pad: Builder = (c) => {
  requireFloat(c, [0]);
  const x = c.input(0).shape, r = x.length;
  const mode = c.attrs.string("mode", "constant");
  if (mode !== "constant" && mode !== "reflect" && mode !== "edge") c.fail(`mode ${JSON.stringify(mode)} is not supported (constant, reflect, edge)`);
  let pads = c.opset < 11 ? c.attrs.ints("pads") ?? c.fail("pads is required") : Array.from(c.constant(1, "pads").data);
  const value = c.opset < 11 ? c.attrs.float("value", 0) : c.node.inputs[2] ? c.constant(2, "constant_value").data[0] ?? 0 : 0;
  if (c.opset >= 18 && c.node.inputs[3]) {
    const axes = Array.from(c.constant(3, "axes").data).map((a) => axisOf(c, a, r));
    const full = new Array<number>(2 * r).fill(0);
    axes.forEach((a, k) => { full[a] = pads[k]; full[a + r] = pads[k + axes.length]; });
    pads = full;
  }
  if (pads.length !== 2 * r) c.fail(`pads has ${pads.length} values, expected ${2 * r}`);
  const out = x.map((d, i) => d + pads[i] + pads[i + r]);
  if (out.some((d) => d < 0)) c.fail(`pads [${pads.join(", ")}] crop [${x.join(", ")}] below zero`);
  if (mode === "reflect" && x.some((d, i) => (pads[i] > 0 || pads[i + r] > 0) && (d < 2 || pads[i] >= d || pads[i + r] >= d))) c.fail("reflect pads must be smaller than the padded dims");
  if (mode === "edge" && x.some((d, i) => d === 0 && out[i] > 0)) c.fail("edge mode cannot pad an empty dim");
  const so = stridesOf(out), si = stridesOf(x), n = numel(out);
  return {
    out: [out], constInputs: [1, 2, 3],
    run(e, [xp], [y]) {
      const h = e.heapF32, xi = xp >> 2, yi = y >> 2;
      for (let o = 0; o < n; o++) {
        let src = 0, rem = o, inside = true;
        for (let d = 0; d < r; d++) {
          const q = Math.floor(rem / so[d]);
          rem -= q * so[d];
          let i = q - pads[d];
          if (i < 0 || i >= x[d]) {
            if (mode === "constant") { inside = false; break; }
            i = mode === "edge" ? Math.min(Math.max(i, 0), x[d] - 1) : i < 0 ? -i : 2 * (x[d] - 1) - i;
          }
          src += i * si[d];
        }
        h[yi + o] = inside ? h[xi + src] : value;
      }
    },
  };
};

export const REDUCE: Record<string, Builder> = {
  ReduceMean: reduce("mean"),
  ReduceSum: reduce("sum"),
  ReduceMax: reduce("max"),
  ReduceMin: reduce("min"),
  ReduceL2: reduce("l2"),
  Pad: pad,
};
