// Every split kernel (src/wasm/parallel.ts's SPLITS, called through engine.k) on n threads against one thread: within tolerance, and
// bit-identical from run to run for a given thread count; then short trainings (an MLP and a CNN) on
// 1 and 2 threads. Lowering splitPolicy's thresholds to 0 makes even the small shapes split.
import { describe, expect, it } from "vitest";
import type { Engine, Ptr } from "../../src/wasm/engine.js";
import { SPLITS, convScratchFloats } from "../../src/wasm/parallel.js";
import { Network } from "../../src/network.js";
import { sgd } from "../../src/train/trainer.js";
import type { SgdOptions } from "../../src/train/options.js";
import { parseArch } from "../../src/layers/arch.js";
import { buildLayers } from "../../src/layers/registry.js";
import { loadEmbeddedMnist } from "../../src/data/mnist.js";
import { subset } from "../../src/data/split.js";
import { Activation } from "../../src/layers/activation.js";
import { Pool2D } from "../../src/layers/pool2d.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import type { Layer, Mode } from "../../src/layers/layer.js";
import { expectClose, scoped } from "../helpers.js";
import { NO_THREADS, splitEverything, threaded, values } from "./helpers.js";

splitEverything();

/** [M, N, K]: below, at and above the 8-row split unit and the MR x 8 tile, K past one KC block; C more than twice as wide as tall splits by columns. */
const GEMMS = [[16, 5, 3], [17, 9, 33], [23, 8, 7], [40, 67, 300], [64, 100, 784], [130, 33, 17], [3, 50, 17], [9, 43, 13], [20, 100, 64]];
const OPS = [[0, 0], [0, 1], [1, 0], [1, 1]];

function runGemm(e: Engine, M: number, N: number, K: number, tA: number, tB: number, alpha: number, beta: number): Float32Array {
  return scoped(e, () => {
    const a = e.allocFrom(values(M * K, 1)), b = e.allocFrom(values(K * N, 2)), c = e.allocFrom(values(M * N, 3));
    e.k.gemm(c, a, b, e.gemmScratch, M, N, K, tA, tB, alpha, beta);
    return e.read(c, M * N);
  });
}

describe.skipIf(NO_THREADS).each(["plain", "relaxed"] as const)("gemm split by rows (%s build)", (variant) => {
  for (const [M, N, K] of GEMMS) {
    it(`M=${M} N=${N} K=${K}, every transpose, beta 0 and 1: 2 and 3 threads match 1, and repeat exactly`, async () => {
      const [e1, e2, e3] = await Promise.all([threaded(1, variant), threaded(2, variant), threaded(3, variant)]);
      for (const [tA, tB] of OPS) {
        for (const [alpha, beta] of [[1, 0], [0.5, 1]]) {
          const one = runGemm(e1, M, N, K, tA, tB, alpha, beta);
          for (const e of [e2, e3]) {
            const n = runGemm(e, M, N, K, tA, tB, alpha, beta);
            expectClose(n, one, 1e-5, 1e-5);
            expect(runGemm(e, M, N, K, tA, tB, alpha, beta)).toEqual(n);
          }
        }
      }
    });
  }
});

/** [B, C, H, W, F, k, s, pad]: the book's layers (few maps), "same" padding, stride 2, fewer examples than threads. */
const CONVS = [[5, 1, 28, 28, 4, 5, 1, 0], [7, 3, 12, 12, 6, 5, 1, 0], [4, 2, 9, 7, 3, 3, 2, 1], [1, 2, 8, 8, 3, 3, 1, 1], [2, 4, 6, 6, 5, 3, 1, 0]];

/** Shape of a convolution: inp (B, C, H, W), weight (F, C, k, k), out (B, F, OH, OW). */
interface ConvShape { B: number; C: number; H: number; W: number; F: number; k: number; s: number; pad: number; OH: number; OW: number }

function shape(c: number[]): ConvShape {
  const [B, C, H, W, F, k, s, pad] = c;
  return { B, C, H, W, F, k, s, pad, OH: Math.floor((H + 2 * pad - k) / s) + 1, OW: Math.floor((W + 2 * pad - k) / s) + 1 };
}

/** Forward output, then backward's dinp, dw and dbias added onto non-zero starting values. */
function runConv(e: Engine, g: ConvShape): Float32Array[] {
  const { B, C, H, W, F, k, s, pad, OH, OW } = g;
  const K = C * k * k, nIn = B * C * H * W, nOut = B * F * OH * OW;
  return scoped(e, () => {
    const dcol = e.alloc(convScratchFloats(e, C, k, F, OH, OW));
    const inp = e.allocFrom(values(nIn, 1)), w = e.allocFrom(values(F * K, 2)), bias = e.allocFrom(values(F, 3));
    const out = e.alloc(nOut), dout = e.allocFrom(values(nOut, 4));
    const dinp = e.allocFrom(values(nIn, 5)), dw = e.allocFrom(values(F * K, 6)), dbias = e.allocFrom(values(F, 7));
    e.k.conv2d_forward(out, inp, w, bias, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
    e.k.conv2d_backward(dinp, dw, dbias, dout, inp, w, dcol, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW);
    const dw0: Ptr = e.alloc(F * K), db0: Ptr = e.alloc(F);
    e.k.conv2d_backward(0, dw0, db0, dout, inp, w, dcol, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW); // without the input gradient
    const dw1: Ptr = e.alloc(F * K), db1: Ptr = e.alloc(F);
    e.k.conv2d_backward(0, dw1, db1, dout, inp, w, 0, e.gemmScratch, B, C, H, W, F, k, s, pad, OH, OW); // no dcol: runs whole
    return [e.read(out, nOut), e.read(dinp, nIn), e.read(dw, F * K), e.read(dbias, F), e.read(dw0, F * K), e.read(db0, F),
      e.read(dw1, F * K), e.read(db1, F)];
  });
}

describe.skipIf(NO_THREADS).each(["plain", "relaxed"] as const)("conv2d split by examples (%s build)", (variant) => {
  for (const c of CONVS) {
    it(`B=${c[0]} C=${c[1]} ${c[2]}x${c[3]} F=${c[4]} k=${c[5]} s=${c[6]} pad=${c[7]}: 2 and 3 threads match 1, and repeat exactly`, async () => {
      const [e1, e2, e3] = await Promise.all([threaded(1, variant), threaded(2, variant), threaded(3, variant)]);
      const g = shape(c);
      const one = runConv(e1, g);
      for (const e of [e2, e3]) {
        const n = runConv(e, g);
        expect(n[0]).toEqual(one[0]); // forward: each example's bits do not depend on its thread
        expect(n[1]).toEqual(one[1]); // so does the input gradient
        for (let i = 2; i < 6; i++) expectClose(n[i], one[i], 1e-4, 1e-4);
        expect(n.slice(6)).toEqual(one.slice(6)); // without dcol's per-thread room the call is not split
        expect(runConv(e, g)).toEqual(n);
      }
    });
  }
});

describe.skipIf(NO_THREADS)("engine.k", () => {
  it("is the module's exports with one thread; with threads, exactly the SPLITS kernels are wrapped", async () => {
    const [e1, e2] = await Promise.all([threaded(1), threaded(2)]);
    // @assemblyscript/loader marks each export it hands out with .original (the wasm function itself)
    const exported = (k: object) => Object.entries(k).filter(([, f]) => typeof f === "function" && "original" in f).map(([n]) => n).sort();
    const all = exported(e1.k); // every wasm export, unwrapped (the loader's own helpers aside)
    expect(all).toEqual(expect.arrayContaining([...Object.keys(SPLITS), "copy", "heap_base"]));
    expect(Object.keys(e2.k)).toEqual(expect.arrayContaining(all));
    expect(exported(e2.k)).toEqual(all.filter((n) => !(n in SPLITS)).concat("gemm_part").sort());
  });
});

describe.skipIf(NO_THREADS)("training on 1 and 2 threads", () => {
  const cases: [string, () => unknown, number, Partial<SgdOptions>][] = [
    ["MLP [784, 32, 10]", () => [784, 32, 10], 16, {}],
    ["MLP [784, 32, 10], Nesterov momentum", () => [784, 32, 10], 16, { momentum: 0.9, nesterov: true }],
    ["MLP [784, 32, 10], Adam", () => [784, 32, 10], 16, { optimizer: { name: "adam" }, eta: 0.001 }],
    ["CNN conv5x5x6:relu-pool2-fc30:relu-softmax10", () => buildLayers(parseArch("conv5x5x6:relu-pool2-fc30:relu-softmax10"), [784]), 10, {}],
  ];
  for (const [name, arch, m, extra] of cases) {
    it(`${name}: 2 threads stay close to 1, and repeat bit for bit`, async () => {
      const { training } = await loadEmbeddedMnist();
      const data = subset(training, Array.from({ length: 200 }, (_, i) => i));
      const train = (e: Engine) => scoped(e, () => {
        const net = new Network(arch() as never, { engine: e, seed: 7, activation: "relu", output: "softmax" });
        sgd(net, data, { epochs: 2, batchSize: m, eta: 0.05, lambda: 1, ...extra });
        return net.getParams();
      });
      const [e1, e2] = await Promise.all([threaded(1, "relaxed"), threaded(2, "relaxed")]);
      const one = train(e1), two = train(e2);
      expectClose(two, one, 1e-3, 1e-3);
      expect(train(e2)).toEqual(two);
    });
  }
});

describe.skipIf(NO_THREADS)("an RNN's GEMMs (all steps at once, per step, BPTT) on 1 and 2 threads", () => {
  it("loss and gradient of a 2-layer sequence classifier stay close, and repeat bit for bit", async () => {
    const T = 7, C = 5, B = 9;
    const inputs = values(B * T * C, 3), labels = Array.from({ length: B }, (_, b) => b % 4);
    const lengths = Array.from({ length: B }, (_, b) => 1 + (b * 3) % T); // masked steps too
    const run = (e: Engine) => scoped(e, () => {
      const m = new SequenceClassifier({ engine: e, seed: 3, inputs: C, steps: T, hidden: [19, 13], classes: 4 });
      const loss = m.lossAndGradient(inputs, labels, lengths);
      return { loss, grads: m.getGrads() };
    });
    const [e1, e2] = await Promise.all([threaded(1, "relaxed"), threaded(2, "relaxed")]);
    const one = run(e1), two = run(e2);
    expect(two.loss).toBeCloseTo(one.loss, 5);
    expectClose(two.grads, one.grads, 1e-4, 1e-4);
    expect(one.grads.some((g) => g !== 0)).toBe(true);
    expect(run(e2)).toEqual(two);
  });
});

describe.skipIf(NO_THREADS)("activation and pooling layers split by ranges and planes", () => {
  const layers: [string, () => Layer][] = [
    ["sigmoid", () => new Activation("sigmoid", [5, 12, 12])],
    ["tanh", () => new Activation("tanh", [5, 12, 12])],
    ["relu", () => new Activation("relu", [5, 12, 12])],
    ["max-pool 2", () => new Pool2D([5, 12, 12], { size: 2 })],
    ["max-pool 3 stride 2, remainder dropped", () => new Pool2D([5, 12, 12], { size: 3, stride: 2, exact: false })],
    ["L2 pool 2", () => new Pool2D([5, 12, 12], { size: 2, kind: "l2" })],
  ];
  for (const [name, make] of layers) {
    it(`${name}: forward and backward on 2 and 3 threads equal 1 thread bit for bit`, async () => {
      const B = 7;
      const run = (e: Engine) => scoped(e, () => {
        const layer = make();
        layer.allocate(e, B);
        const inp = e.allocFrom(values(B * layer.inSize, 1)), dout = e.allocFrom(values(B * layer.outSize, 2));
        const out = e.read(layer.forward(inp, B, { training: true } as Mode), B * layer.outSize);
        return [out, e.read(layer.backward(dout, B, true), B * layer.inSize)];
      });
      const [e1, e2, e3] = await Promise.all([threaded(1), threaded(2), threaded(3)]);
      const one = run(e1);
      expect(run(e2)).toEqual(one);
      expect(run(e3)).toEqual(one);
    });
  }
});
