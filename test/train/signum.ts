// Test helpers for the optimizer registry: the blobs problem and "signum", an optimizer registered by a test.
import { checkState, type MiniBatchOptimizer, type OptimizerParamSpec, type OptimizerSnapshot } from "../../src/train/optimizer.js";
import { registerOptimizer, unregisterOptimizer } from "../../src/train/registry.js";
import type { DataSet } from "../../src/data/dataset.js";
import { RefRng } from "../helpers.js";

/** The class is the index of the largest of the first 3 of 8 inputs (as in optimizers.test.ts). */
export function blobs(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  const inputs = r.array(n * 8, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const x = inputs.subarray(i * 8, i * 8 + 3);
    return x[0] > x[1] ? (x[0] > x[2] ? 0 : 2) : x[1] > x[2] ? 1 : 2;
  });
  return { n, inputShape: [8], inputs, labels };
}

const BETA: OptimizerParamSpec = { type: "number", label: "signumBeta", check: (v) => v >= 0 && v < 1, expected: "in [0, 1)" };
/** Steps taken by every signum optimizer created so far (reset it before a run). */
export const signum = { steps: 0 };

/**
 * Runs fn with "signum" registered (sign of momentum: m ← βm + (1 − β)g, w ← w − lr·sign(m), in plain TS
 * over the flat buffers, parameter signumBeta), and unregisters it afterwards.
 */
export function withSignum<T>(fn: () => T): T {
  registerOptimizer("signum", {
    kind: "mini-batch",
    params: { signumBeta: BETA },
    create: ({ net, config }) => {
      const e = net.engine, N = net.numParams, m = e.alloc(N);
      const beta = (config as unknown as { signumBeta?: number }).signumBeta ?? 0.9;
      let t = 0;
      const opt: MiniBatchOptimizer = {
        kind: "mini-batch",
        name: "signum",
        step(lr) {
          const w = e.f32(net.paramPtr, N), g = e.f32(net.gradPtr, N), mv = e.f32(m, N);
          for (let i = 0; i < N; i++) {
            mv[i] = beta * mv[i] + (1 - beta) * g[i];
            w[i] -= lr * Math.sign(mv[i]);
          }
          t++;
          signum.steps++;
        },
        save: (): OptimizerSnapshot => ({ velocity: null, optimizer: { name: "signum", numParams: N, step: t, scalars: [], buffers: [e.read(m, N)] } }),
        load(s) {
          const st = checkState(s.optimizer, "signum", N, 1);
          e.write(m, st.buffers[0]);
          t = st.step;
        },
      };
      return opt;
    },
  });
  try {
    return fn();
  } finally {
    unregisterOptimizer("signum");
  }
}
