// "signum", an optimizer registered by a test (test/train/registry.test.ts, test/node/optimizer-registry.test.ts).
import { checkState, type MiniBatchOptimizer, type OptimizerParamSpec, type OptimizerSnapshot } from "../../src/train/optimizer.js";
import { registerOptimizer, unregisterOptimizer } from "../../src/train/registry.js";

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
