// The ONNX / issue-19 kernels that split across threads (src/wasm/parallel.ts's SPLITS: activations by
// ranges, average / global pooling by planes, depthwise convolution, channel affine and PReLU by
// examples) on 2 and 3 threads against one: bit-identical, since every value or plane is computed the
// same way whichever thread runs it. Lowering splitPolicy's thresholds to 0 makes the small shapes split.
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/wasm/engine.js";
import { scoped } from "../helpers.js";
import { NO_THREADS, splitEverything, threaded, values } from "./helpers.js";

splitEverything();

type Run = (e: Engine) => Float32Array[];
const K = (e: Engine) => e.k as unknown as Record<string, (...a: number[]) => void>;

/** Elementwise: forward and prime (out, inp, N, ...scalars), backward (dinp, inp, dout, N, ...scalars). */
function act(name: string, scalars: number[]): Run {
  return (e) => scoped(e, () => {
    const N = 1037, inp = e.allocFrom(values(N, 1).map((v) => 8 * v)), out = e.alloc(N), pr = e.alloc(N), dinp = e.allocFrom(values(N, 2));
    K(e)[`${name}_forward`](out, inp, N, ...scalars);
    K(e)[`${name}_prime`](pr, inp, N, ...scalars);
    K(e)[`${name}_backward`](dinp, inp, e.allocFrom(values(N, 3)), N, ...scalars);
    return [e.read(out, N), e.read(pr, N), e.read(dinp, N)];
  });
}

const RUNS: [string, Run][] = [
  ...([["leaky_relu", [0.1]], ["elu", [1]], ["hard_sigmoid", [0.2, 0.5]], ["hard_swish", []], ["clip", [0, 6]], ["gelu", []], ["gelu_tanh", []]] as [string, number[]][])
    .map(([n, s]): [string, Run] => [n, act(n, s)]),
  ["avgpool2d and global pooling", (e) => scoped(e, () => {
    const N = 7, H = 9, W = 11, OH = 5, OW = 6, n = N * H * W;
    const inp = e.allocFrom(values(n, 4)), out = e.alloc(N * OH * OW), dinp = e.allocFrom(values(n, 5));
    const geo = [N, H, W, OH, OW, 3, 3, 2, 2, 1, 1, 1, 1, 0];
    K(e).avgpool2d_forward(out, inp, ...geo);
    K(e).avgpool2d_backward(dinp, e.allocFrom(values(N * OH * OW, 6)), ...geo);
    const g = e.alloc(N), gm = e.alloc(N), arg = e.alloc(N), dg = e.allocFrom(values(n, 7));
    e.k.global_avgpool_forward(g, inp, N, H * W);
    e.k.global_maxpool_forward(gm, arg, inp, N, H * W);
    e.k.global_avgpool_backward(dg, e.allocFrom(values(N, 8)), N, H * W);
    e.k.global_maxpool_backward(dg, arg, e.allocFrom(values(N, 9)), N, H * W);
    return [e.read(out, N * OH * OW), e.read(dinp, n), e.read(g, N), e.read(gm, N), e.read(dg, n)];
  })],
  ["dwconv2d_forward, channel_affine_forward, prelu_forward", (e) => scoped(e, () => {
    const B = 5, C = 3, H = 10, W = 13, n = B * C * H * W;
    const inp = e.allocFrom(values(n, 10)), out = e.alloc(n), w = e.allocFrom(values(C * 9, 11)), bias = e.allocFrom(values(C, 12));
    e.k.dwconv2d_forward(out, inp, w, bias, B, C, H, W, H, W, 3, 3, 1, 1, 1, 1, 1, 1);
    const aff = e.alloc(n), pre = e.alloc(n);
    e.k.channel_affine_forward(aff, inp, w, bias, B, C, H * W);
    e.k.prelu_forward(pre, inp, bias, B, C, H * W);
    return [e.read(out, n), e.read(aff, n), e.read(pre, n)];
  })],
];

describe.skipIf(NO_THREADS).each(["plain", "relaxed"] as const)("onnxk kernels split across threads (%s build)", (variant) => {
  it.each(RUNS)("%s: 2 and 3 threads give the bits of 1", async (_name, run) => {
    const [e1, e2, e3] = await Promise.all([threaded(1, variant), threaded(2, variant), threaded(3, variant)]);
    const one = run(e1);
    for (const e of [e2, e3]) expect(run(e)).toEqual(one);
  });
});
