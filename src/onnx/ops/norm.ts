/**
 * BatchNormalization at inference (a per-channel affine y = a·x + b with a = scale / √(var + ε),
 * b = B − mean·a; src/onnx/rewrite.ts folds it into a preceding Conv or Gemm when it can, so this runs
 * only when it cannot), and Softmax / LogSoftmax along any axis (the engine's row kernels when the axis
 * is innermost, else a TS loop).
 */
import { axisOf, numel, requireFloat, type Builder } from "../op.js";

/** a and b of BatchNormalization's affine form, from its constant inputs. */
export function bnAffine(scale: ArrayLike<number>, bias: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>, eps: number): [Float32Array, Float32Array] {
  const C = scale.length, a = new Float32Array(C), b = new Float32Array(C);
  for (let i = 0; i < C; i++) {
    const ai = scale[i] / Math.sqrt(variance[i] + eps);
    a[i] = ai;
    b[i] = bias[i] - mean[i] * ai;
  }
  return [a, b];
}

function softmax(log: boolean): Builder {
  return (c) => {
    requireFloat(c, [0]);
    const x = c.input(0).shape, n = numel(x), r = x.length;
    const legacy = c.opset < 13;
    const axis = axisOf(c, c.attrs.int("axis", legacy ? 1 : -1), Math.max(r, 1));
    // before opset 13 the input is coerced to 2-D at axis, and softmax runs over the whole second part
    const C = legacy ? numel(x.slice(axis)) : x[axis] ?? 1, inner = legacy ? 1 : numel(x.slice(axis + 1));
    const fn = log ? "log_softmax_forward" : "softmax_forward";
    if (inner === 1) return { out: [x], run: (e, [xp], [y]) => e.k[fn](y, xp, n / C, C) };
    const outer = n / (C * inner);
    return {
      out: [x],
      run(e, [xp], [y]) {
        const h = e.heapF32, xi = xp >> 2, yi = y >> 2;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            const base = o * C * inner + i;
            let m = -Infinity, s = 0;
            for (let k = 0; k < C; k++) m = Math.max(m, h[xi + base + k * inner]);
            for (let k = 0; k < C; k++) s += Math.exp(h[xi + base + k * inner] - m);
            const ls = Math.log(s);
            for (let k = 0; k < C; k++) {
              const z = h[xi + base + k * inner] - m;
              h[yi + base + k * inner] = log ? z - ls : Math.exp(z) / s;
            }
          }
        }
      },
    };
  };
}

export const NORM: Record<string, Builder> = {
  BatchNormalization(c) {
    requireFloat(c, [0]);
    if (c.attrs.int("training_mode", 0) || c.node.outputs.filter((o) => o !== "").length > 1) c.fail("training mode is not supported (inference only)");
    if (c.opset < 9 && c.attrs.int("spatial", 1) === 0) c.fail("spatial = 0 is not supported");
    const x = c.input(0).shape;
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => c.constant(i, ["", "scale", "B", "mean", "var"][i]).data);
    const C = x[1] ?? 1;
    if ([scale, bias, mean, variance].some((v) => v.length !== C)) c.fail(`scale, B, mean and var must each have ${C} values (X is [${x.join(", ")}])`);
    const [a, b] = bnAffine(scale, bias, mean, variance, c.attrs.float("epsilon", 1e-5));
    const P = numel(x.slice(2)), B = x[0];
    return {
      out: [x], constInputs: [1, 2, 3, 4], extra: [a, b],
      run(e, ins, [y]) {
        const h = e.heapF32, xi = ins[0] >> 2, yi = y >> 2, ai = ins[5] >> 2, bi = ins[6] >> 2;
        for (let n = 0; n < B; n++) {
          for (let ch = 0; ch < C; ch++) {
            const av = h[ai + ch], bv = h[bi + ch], o = (n * C + ch) * P;
            for (let p = 0; p < P; p++) h[yi + o + p] = av * h[xi + o + p] + bv;
          }
        }
      },
    };
  },
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
};
