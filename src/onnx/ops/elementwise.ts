/**
 * Elementwise operators: activations (Relu, Sigmoid, Tanh on the engine's SIMD kernels; the others TS
 * loops over the memory view until the `onnxk` kernels land), binary arithmetic with numpy
 * broadcasting, and the copy-only reshapes (Identity, Dropout at inference, Flatten, Reshape, Squeeze,
 * Unsqueeze).
 */
import type { Engine, Kernels, Ptr } from "../../wasm/engine.js";
import {
  axesArg, broadcastShapes, broadcastStrides, flattenShape, numel, requireFloat, reshapeTarget, squeezeShape, stridesOf, unsqueezeShape,
  type Builder, type OpContext,
} from "../op.js";

/** An activation on a SIMD kernel. */
const kernel = (fn: keyof Kernels): Builder => (c) => {
  requireFloat(c, [0]);
  const shape = c.input(0).shape, n = numel(shape);
  return { out: [shape], run: (e, [x], [y]) => (e.k[fn] as (out: Ptr, inp: Ptr, N: number) => void)(y, x, n) };
};

/** An activation as a scalar function (TS fallback). */
const scalar = (make: (c: OpContext) => (x: number) => number): Builder => (c) => {
  requireFloat(c, [0]);
  const shape = c.input(0).shape, n = numel(shape), f = make(c);
  return {
    out: [shape],
    run(e, [x], [y]) {
      const h = e.heapF32, xi = x >> 2, yi = y >> 2;
      for (let i = 0; i < n; i++) h[yi + i] = f(h[xi + i]);
    },
  };
};

/** Output = input, reshaped: the planner aliases the buffer (a copy only when the input is a constant). */
const view = (shapeOf: (c: OpContext, s: number[]) => number[], constInputs: number[] = []): Builder => (c) => {
  const shape = c.input(0).shape, n = numel(shape);
  return { out: [shapeOf(c, shape)], constInputs, alias: true, run: (e, [x], [y]) => e.k.copy(y, x, n) };
};

/** Clip's bounds: attributes before opset 11, optional inputs after. */
function clipBounds(c: OpContext): [number, number] {
  if (c.opset < 11) return [c.attrs.float("min", -Infinity), c.attrs.float("max", Infinity)];
  const b = (i: number, d: number) => (c.node.inputs[i] ? c.constant(i, i === 1 ? "min" : "max").data[0] : d);
  return [b(1, -Infinity), b(2, Infinity)];
}

const f32 = Math.fround;

export const ELEMENTWISE: Record<string, Builder> = {
  Relu: kernel("relu_forward"),
  Sigmoid: kernel("sigmoid_forward"),
  Tanh: kernel("tanh_forward"),
  LeakyRelu: scalar((c) => { const a = f32(c.attrs.float("alpha", 0.01)); return (x) => (x < 0 ? a * x : x); }),
  Elu: scalar((c) => { const a = c.attrs.float("alpha", 1); return (x) => (x < 0 ? a * Math.expm1(x) : x); }),
  Selu: scalar((c) => {
    const a = c.attrs.float("alpha", 1.67326319217681884765625), g = c.attrs.float("gamma", 1.05070102214813232421875);
    return (x) => (x <= 0 ? g * a * Math.expm1(x) : g * x);
  }),
  HardSigmoid: scalar((c) => {
    const a = c.attrs.float("alpha", 0.2), b = c.attrs.float("beta", 0.5);
    return (x) => Math.max(0, Math.min(1, a * x + b));
  }),
  HardSwish: scalar(() => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  Softplus: scalar(() => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))),
  Softsign: scalar(() => (x) => x / (1 + Math.abs(x))),
  Abs: scalar(() => Math.abs),
  Neg: scalar(() => (x) => -x),
  Exp: scalar(() => Math.exp),
  Log: scalar(() => Math.log),
  Sqrt: scalar(() => Math.sqrt),
  Reciprocal: scalar(() => (x) => 1 / x),
  Floor: scalar(() => Math.floor),
  Ceil: scalar(() => Math.ceil),
  Clip: (c) => {
    const [lo, hi] = clipBounds(c);
    return { ...scalar(() => (x) => Math.min(Math.max(x, lo), hi))(c), constInputs: [1, 2] };
  },
  Identity: view((_c, s) => s),
  Dropout: (c) => {
    // inference: y = x, and the optional mask output (bool) is not supported
    if (c.node.outputs.length > 1 && c.node.outputs[1] !== "") c.fail("Dropout's mask output is not supported (inference only)");
    if (c.node.inputs[2] && c.constant(2, "training_mode").data[0]) c.fail("training_mode = true is not supported (inference only)");
    return view((_c, s) => s, [1, 2])(c);
  },
  Flatten: view(flattenShape),
  Reshape: view((c, s) => reshapeTarget(c, s, c.constant(1, "shape").data, c.attrs.int("allowzero", 0) === 1), [1]),
  Squeeze: view((c, s) => squeezeShape(c, s, axesArg(c, 1)), [1]),
  Unsqueeze: view((c, s) => unsqueezeShape(c, s, axesArg(c, 1)), [1]),
  Add: binary((x, y) => x + y, "axpy"),
  Sub: binary((x, y) => x - y),
  Mul: binary((x, y) => x * y, "hadamard"),
  Div: binary((x, y) => x / y),
  Pow: binary((x, y) => Math.pow(x, y)),
  Max: variadic(Math.max),
  Min: variadic(Math.min),
  Sum: variadic((x, y) => x + y),
  Mean: variadic((x, y) => x + y, true),
  PRelu: binary((x, s) => (x < 0 ? s * x : x)),
};

/**
 * out = f(a, b) broadcast numpy-style (and the legacy `broadcast`/`axis` attributes before opset 7).
 * Same-shape Add and Mul use the SIMD kernels; everything else is the TS loop.
 */
function binary(f: (x: number, y: number) => number, fast?: "axpy" | "hadamard"): Builder {
  return (c) => {
    requireFloat(c, [0, 1]);
    if (c.node.inputs.length !== 2) c.fail("expects two inputs");
    const a = c.input(0).shape;
    let b = c.input(1).shape;
    if (c.opset < 7 && c.attrs.int("broadcast", 0) === 1 && c.node.opType !== "PRelu") {
      // legacy: b's dims align with a's from `axis` (default: the trailing dims)
      const axis = c.attrs.int("axis", a.length - b.length);
      b = [...b, ...new Array(Math.max(0, a.length - axis - b.length)).fill(1)];
    }
    if (c.node.opType === "PRelu" && b.length < a.length && b.length === 1 && a.length > 1 && b[0] === a[1] && b[0] !== a[a.length - 1]) {
      b = [b[0], ...new Array(a.length - 2).fill(1)]; // per-channel slope given as (C) (opset < 7 style)
    }
    const out = broadcastShapes(a, b) ?? c.fail(`shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    const n = numel(out);
    if (fast && a.length === b.length && a.every((d, i) => d === b[i])) {
      return {
        out: [out],
        run(e, [x, y], [z]) {
          if (fast === "hadamard") return e.k.hadamard(z, x, y, n);
          e.k.copy(z, x, n);
          e.k.axpy(z, y, n, 1);
        },
      };
    }
    const sa = broadcastStrides(a, out), sb = broadcastStrides(b, out);
    const inner = out[out.length - 1] ?? 1, ia = sa[sa.length - 1] ?? 0, ib = sb[sb.length - 1] ?? 0;
    const rows = n / Math.max(inner, 1), so = stridesOf(out.slice(0, -1));
    return {
      out: [out],
      run(e: Engine, [x, y]: Ptr[], [z]: Ptr[]) {
        const h = e.heapF32, xi = x >> 2, yi = y >> 2, zi = z >> 2;
        for (let r = 0; r < rows; r++) {
          let oa = 0, ob = 0, rem = r;
          for (let d = 0; d < so.length; d++) {
            const q = Math.floor(rem / so[d]);
            rem -= q * so[d];
            oa += q * sa[d];
            ob += q * sb[d];
          }
          const base = zi + r * inner;
          for (let i = 0; i < inner; i++) h[base + i] = f(h[xi + oa + i * ia], h[yi + ob + i * ib]);
        }
      },
    };
  };
}

/**
 * Max / Min / Sum / Mean over one or more inputs, broadcast together: pairwise through {@link binary}'s
 * loop (out = f(out, x_i)), the first input copied in broadcast; Mean divides at the end.
 */
function variadic(f: (x: number, y: number) => number, mean = false): Builder {
  return (c) => {
    const k = c.node.inputs.length;
    if (k < 1) c.fail("needs at least one input");
    requireFloat(c, Array.from({ length: k }, (_, i) => i));
    const shapes = c.node.inputs.map((_, i) => c.input(i).shape);
    const out = shapes.reduce<number[] | null>((a, s) => (a ? broadcastShapes(a, s) : null), []) ?? c.fail(`shapes ${shapes.map((s) => `[${s.join(", ")}]`).join(", ")} do not broadcast`);
    const n = numel(out), so = stridesOf(out), strides = shapes.map((s) => broadcastStrides(s, out));
    return {
      out: [out],
      run(e, ins, [y]) {
        const h = e.heapF32, yi = y >> 2;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let j = 0; j < k; j++) {
            let off = 0, r = i;
            for (let d = 0; d < so.length; d++) {
              const q = Math.floor(r / so[d]);
              r -= q * so[d];
              off += q * strides[j][d];
            }
            const v = h[(ins[j] >> 2) + off];
            acc = j === 0 ? v : f(acc, v);
          }
          h[yi + i] = mean ? acc / k : acc;
        }
      },
    };
  };
}
