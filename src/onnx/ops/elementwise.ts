/**
 * Elementwise operators: activations (Relu, Sigmoid, Tanh, LeakyRelu, Elu, HardSigmoid, HardSwish, Clip,
 * Gelu, PRelu, Selu on the engine's SIMD kernels; the rest TS loops over the memory view), binary arithmetic
 * with numpy broadcasting (Add/Sub/Mul/Div on the broadcast kernels up to 4 merged axes), and the
 * copy-only reshapes (Identity, Dropout at inference, Flatten, Reshape, Squeeze,
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

/** An activation on a SIMD kernel with scalar attributes: `make` reads them and returns the call. */
const scaled = (make: (c: OpContext, n: number) => (e: Engine, x: Ptr, y: Ptr) => void): Builder => (c) => {
  requireFloat(c, [0]);
  const shape = c.input(0).shape, f = make(c, numel(shape));
  return { out: [shape], run: (e, [x], [y]) => f(e, x, y) };
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
  LeakyRelu: scaled((c, n) => { const a = c.attrs.float("alpha", 0.01); return (e, x, y) => e.k.leaky_relu_forward(y, x, n, a); }),
  Elu: scaled((c, n) => { const a = c.attrs.float("alpha", 1); return (e, x, y) => e.k.elu_forward(y, x, n, a); }),
  Selu: (c) => {
    // gamma · elu(x, alpha): elu_forward, then a multiply by the one-value constant gamma (stride 0)
    requireFloat(c, [0]);
    const shape = c.input(0).shape, n = numel(shape);
    const a = c.attrs.float("alpha", 1.67326319217681884765625), g = c.attrs.float("gamma", 1.05070102214813232421875);
    return {
      out: [shape], extra: [Float32Array.of(g)],
      run(e, ins, [y]) {
        e.k.elu_forward(y, ins[0], n, a);
        e.k.mul_broadcast_forward(y, y, ins[ins.length - 1], 1, 1, 1, n, 0, 0, 0, 1, 0, 0, 0, 0);
      },
    };
  },
  HardSigmoid: scaled((c, n) => {
    const a = c.attrs.float("alpha", 0.2), b = c.attrs.float("beta", 0.5);
    return (e, x, y) => e.k.hard_sigmoid_forward(y, x, n, a, b);
  }),
  HardSwish: kernel("hard_swish_forward"),
  Gelu: scaled((c, n) => {
    const approx = c.attrs.string("approximate", "none");
    if (approx !== "none" && approx !== "tanh") c.fail(`approximate ${JSON.stringify(approx)} is not one of "none", "tanh"`);
    return approx === "tanh" ? (e, x, y) => e.k.gelu_tanh_forward(y, x, n) : (e, x, y) => e.k.gelu_forward(y, x, n);
  }),
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
    return { ...scaled((_c, n) => (e, x, y) => e.k.clip_forward(y, x, n, lo, hi))(c), constInputs: [1, 2] };
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
  Add: binary((x, y) => x + y, undefined, "add_broadcast_forward"),
  Sub: binary((x, y) => x - y, undefined, "sub_broadcast_forward"),
  Mul: binary((x, y) => x * y, "hadamard", "mul_broadcast_forward"),
  Div: binary((x, y) => x / y, undefined, "div_broadcast_forward"),
  Pow: binary((x, y) => Math.pow(x, y)),
  Max: variadic(Math.max),
  Min: variadic(Math.min),
  Sum: variadic((x, y) => x + y),
  Mean: variadic((x, y) => x + y, true),
  PRelu: binary((x, s) => (x < 0 ? s * x : x)),
};

/**
 * out = f(a, b) broadcast numpy-style (and the legacy `broadcast`/`axis` attributes before opset 7).
 * Same-shape Mul uses hadamard; Add/Sub/Mul/Div the broadcast kernels (PRelu prelu_forward when the slope is per channel); else the TS loop.
 */
function binary(f: (x: number, y: number) => number, fast?: "axpy" | "hadamard", bk?: BroadcastKernel): Builder {
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
    if (c.node.opType === "PRelu" && out.join() === a.join()) {
      // slope per channel (axis 1) or a single value: prelu_forward over (B, C, HW)
      const C = sb.every((v) => v === 0) ? 1 : out.length >= 2 && sb.every((v, i) => i === 1 || v === 0) ? out[1] : 0;
      const B = C === 1 ? 1 : out[0], HW = n / Math.max(B * C, 1);
      if (C && n > 0) return { out: [out], run: (e, [x, y], [z]) => e.k.prelu_forward(z, x, y, B, C, HW) };
    }
    const m = bk && n > 0 ? mergeAxes(out, sa, sb) : null;
    if (bk && m) return { out: [out], run: (e, [x, y], [z]) => e.k[bk](z, x, y, ...m) };
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

type BroadcastKernel = "add_broadcast_forward" | "sub_broadcast_forward" | "mul_broadcast_forward" | "div_broadcast_forward";
type Merged = [number, number, number, number, number, number, number, number, number, number, number, number];

/**
 * The broadcast kernels' 4-D form of out's shape with a's and b's element strides: size-1 axes dropped,
 * neighbours merged where both operands step through them as one (so the innermost axis is as long as it
 * can be), padded in front to 4 axes. Null when more than 4 axes remain (the TS loop then runs).
 */
export function mergeAxes(out: readonly number[], sa: readonly number[], sb: readonly number[]): Merged | null {
  const d: number[] = [], a: number[] = [], b: number[] = [];
  out.forEach((n, i) => {
    if (n === 1) return;
    const k = d.length - 1;
    if (k >= 0 && a[k] === sa[i] * n && b[k] === sb[i] * n) {
      d[k] *= n;
      a[k] = sa[i];
      b[k] = sb[i];
    } else {
      d.push(n);
      a.push(sa[i]);
      b.push(sb[i]);
    }
  });
  if (d.length > 4) return null;
  while (d.length < 4) {
    d.unshift(1);
    a.unshift(0);
    b.unshift(0);
  }
  return [...d, ...a, ...b] as Merged;
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
