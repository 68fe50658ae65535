/**
 * Data movement at run time on the strided_copy kernel: Concat and Split (one block copy per input /
 * output), Transpose, Slice and Expand (their axes merged to at most 4; beyond that, or with Slice/Expand
 * parameters only known at run time, a TS loop). When all inputs are constants these fold at load instead
 * (src/onnx/fold.ts).
 */
import { permOf, runtimeOp, sliceSpec } from "../fold.js";
import { axisOf, broadcastShapes, broadcastStrides, numel, stridesOf, type Builder } from "../op.js";

export const LAYOUT: Record<string, Builder> = {
  Slice(c) {
    // constant starts/ends/axes/steps: one strided_copy from the first element (negative steps, negative strides)
    const x = c.input(0).shape;
    if (c.opset >= 10 && [1, 2, 3, 4].some((i) => c.ins[i] && !c.ins[i]!.value)) return runtimeOp(c);
    const { start, step, count } = sliceSpec(c, c.ins.map((s) => s?.value), x), si = stridesOf(x);
    const off = start.reduce((a, b, d) => a + b * si[d], 0), m = numel(count) ? mergedCopy(count, si.map((v, d) => v * step[d])) : null;
    if (!m && numel(count)) return runtimeOp(c);
    return { out: [count], constInputs: [1, 2, 3, 4], run: (e, [xp], [y]) => m && e.k.strided_copy(y, xp + 4 * off, ...m) };
  },

  Expand(c) {
    const x = c.input(0).shape;
    if (!c.ins[1]?.value) return runtimeOp(c);
    const spec = Array.from(c.ins[1].value.data);
    const out = broadcastShapes(x, spec) ?? c.fail(`cannot expand [${x.join(", ")}] to [${spec.join(", ")}]`);
    const m = numel(out) ? mergedCopy(out, broadcastStrides(x, out)) : null;
    if (!m && numel(out)) return runtimeOp(c);
    return { out: [out], constInputs: [1], run: (e, [xp], [y]) => m && e.k.strided_copy(y, xp, ...m) };
  },

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
          if (outer && widths[j]) e.k.strided_copy(y + 4 * off, x, 1, 1, outer, widths[j], 0, 0, total, 1, 0, 0, widths[j], 1);
          off += widths[j];
        });
      },
    };
  },

  Transpose(c) {
    const x = c.input(0).shape, perm = permOf(c, x.length), out = perm.map((p) => x[p]);
    const si = stridesOf(x), st = perm.map((p) => si[p]), n = numel(x);
    const m = n ? mergedCopy(out, st) : null;
    if (m) return { out: [out], run: (e, [xp], [y]) => e.k.strided_copy(y, xp, ...m) };
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
          if (y && outer && w) e.k.strided_copy(y, xp + 4 * off, 1, 1, outer, w, 0, 0, w, 1, 0, 0, total, 1);
          off += w;
        });
      },
    };
  },
};

type Copy = [number, number, number, number, number, number, number, number, number, number, number, number];

/**
 * strided_copy's arguments for a contiguous `out` read from the input at element strides `st`: size-1
 * axes dropped, neighbours merged where the input steps through them as one, padded in front to 4 axes;
 * null when more than 4 remain.
 */
function mergedCopy(out: readonly number[], st: readonly number[]): Copy | null {
  const d: number[] = [], s: number[] = [];
  out.forEach((n, i) => {
    if (n === 1) return;
    const k = d.length - 1;
    if (k >= 0 && s[k] === st[i] * n) {
      d[k] *= n;
      s[k] = st[i];
    } else {
      d.push(n);
      s.push(st[i]);
    }
  });
  if (d.length > 4) return null;
  while (d.length < 4) {
    d.unshift(1);
    s.unshift(0);
  }
  const os = stridesOf(d);
  return [...d, ...os, ...s] as Copy;
}
