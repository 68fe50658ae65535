/**
 * Data movement at run time: Concat (block copies on the `copy` kernel), Transpose and Split (TS loops
 * until the `onnxk` transpose kernel lands). When all inputs are constants these fold at load instead
 * (src/onnx/fold.ts).
 */
import { permOf } from "../fold.js";
import { axisOf, numel, stridesOf, type Builder } from "../op.js";

export const LAYOUT: Record<string, Builder> = {
  Concat(c) {
    const shapes = c.node.inputs.map((_, i) => c.input(i).shape);
    const r = shapes[0].length, axis = axisOf(c, c.attrs.int("axis", 0), r);
    const out = shapes[0].slice();
    out[axis] = 0;
    for (const s of shapes) {
      if (s.length !== r || s.some((d, i) => i !== axis && d !== shapes[0][i])) c.fail(`cannot concatenate [${s.join(", ")}] with [${shapes[0].join(", ")}] on axis ${axis}`);
      out[axis] += s[axis];
    }
    const outer = numel(out.slice(0, axis)), widths = shapes.map((s) => numel(s.slice(axis))), total = numel(out.slice(axis));
    return {
      out: [out],
      run(e, ins, [y]) {
        let off = 0;
        ins.forEach((x, j) => {
          for (let o = 0; o < outer; o++) e.k.copy(y + 4 * (o * total + off), x + 4 * o * widths[j], widths[j]);
          off += widths[j];
        });
      },
    };
  },

  Transpose(c) {
    const x = c.input(0).shape, perm = permOf(c, x.length), out = perm.map((p) => x[p]);
    const si = stridesOf(x), st = perm.map((p) => si[p]), n = numel(x);
    const inner = out[out.length - 1] ?? 1, innerStride = st[st.length - 1] ?? 1, so = stridesOf(out.slice(0, -1));
    return {
      out: [out],
      run(e, [xp], [y]) {
        const h = e.heapF32, xi = xp >> 2, yi = y >> 2;
        for (let r = 0; r < n / Math.max(inner, 1); r++) {
          let src = 0, rem = r;
          for (let d = 0; d < so.length; d++) {
            const q = Math.floor(rem / so[d]);
            rem -= q * so[d];
            src += q * st[d];
          }
          for (let i = 0; i < inner; i++) h[yi + r * inner + i] = h[xi + src + i * innerStride];
        }
      },
    };
  },

  Split(c) {
    const x = c.input(0).shape, axis = axisOf(c, c.attrs.int("axis", 0), x.length), k = c.node.outputs.length;
    let sizes = c.opset >= 13 && c.node.inputs[1] ? Array.from(c.constant(1, "split").data) : c.attrs.ints("split");
    if (!sizes) {
      if (x[axis] % k) c.fail(`axis ${axis} of size ${x[axis]} does not split into ${k} equal parts`);
      sizes = new Array<number>(k).fill(x[axis] / k);
    }
    if (sizes.length !== k || sizes.reduce((a, b) => a + b, 0) !== x[axis]) c.fail(`split sizes [${sizes.join(", ")}] do not add up to ${x[axis]}`);
    const outer = numel(x.slice(0, axis)), inner = numel(x.slice(axis + 1)), total = x[axis] * inner;
    return {
      out: sizes.map((s) => [...x.slice(0, axis), s, ...x.slice(axis + 1)]), constInputs: [1],
      run(e, [xp], outs) {
        let off = 0;
        outs.forEach((y, j) => {
          const w = sizes![j] * inner;
          if (y) for (let o = 0; o < outer; o++) e.k.copy(y + 4 * o * w, xp + 4 * (o * total + off), w);
          off += w;
        });
      },
    };
  },
};
