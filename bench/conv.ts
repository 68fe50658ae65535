/**
 * Convolution kernels per layer shape: the im2col + GEMM pair (conv2d_forward / conv2d_backward, panels
 * gathered straight into the GEMM's packing) against the direct pair (conv2d_direct_forward /
 * conv2d_direct_backward), forward and backward, µs per example and GFLOP/s at B = 10 and 64 in both
 * builds, and which is faster; timed in process CPU time, so a busy machine does not skew one kernel
 * against the other. This is the evidence for Conv2D's algorithm "auto" = im2col. Flops are nominal (padding included): forward 2·F·C·k²·OH·OW
 * per example, backward twice that (dweight and dinp), or once for a first layer, whose backward the
 * network runs without dinp.
 */
import { createEngine, type Engine, type Ptr } from "../src/wasm/engine.js";
import { Conv2D, type Padding } from "../src/layers/conv2d.js";
import { machine, secondsPerCall, type BenchContext } from "./lib.js";

interface ConvShape {
  name: string;
  C: number; H: number; F: number; k: number; s: number; padding: Padding;
  /** A first layer: backward skips dinp (dinp = 0), as the network calls it. */
  first: boolean;
}

const SHAPES: ConvShape[] = [
  { name: "conv1: 1×28×28 → 20, 5×5", C: 1, H: 28, F: 20, k: 5, s: 1, padding: "valid", first: true },
  { name: "conv2: 20×12×12 → 40, 5×5", C: 20, H: 12, F: 40, k: 5, s: 1, padding: "valid", first: false },
  { name: "16×14×14 → 16, 3×3 same", C: 16, H: 14, F: 16, k: 3, s: 1, padding: "same", first: false },
  { name: "16×14×14 → 32, 3×3 s2 same", C: 16, H: 14, F: 32, k: 3, s: 2, padding: "same", first: false },
  { name: "1×28×28 → 20, 5×5 s2", C: 1, H: 28, F: 20, k: 5, s: 2, padding: "valid", first: true },
];
const BATCHES = [10, 64];
const OPTS = { samples: 7, minMs: 25, warmMs: 80, clock: "cpu" } as const;

/** Seconds per call of each of the four kernels. */
interface Times { im2colFwd: number; directFwd: number; im2colBwd: number; directBwd: number }

function fillSin(e: Engine, p: Ptr, n: number, phase: number, amp: number): void {
  e.f32(p, n).set(Float32Array.from({ length: n }, (_, i) => amp * Math.sin(i * 0.37 + phase)));
}

/** Times the four kernels for one shape and batch size on engine e (buffers allocated fresh, then released). */
function measure(e: Engine, sh: ConvShape, B: number): Times {
  const layer = new Conv2D([sh.C, sh.H, sh.H], { filters: sh.F, kernel: sh.k, stride: sh.s, padding: sh.padding });
  const [F, OH, OW] = layer.outShape;
  const { C, H, k, s } = sh;
  const K = C * k * k, P = OH * OW, pad = layer.pad;
  const mark = e.mark();
  const inp = e.alloc(B * C * H * H), w = e.alloc(F * K), bias = e.alloc(F), out = e.alloc(B * F * P);
  const dcol = e.alloc(K * P);
  const dinp = sh.first ? 0 : e.alloc(B * C * H * H), dw = e.alloc(F * K), dbias = e.alloc(F), dout = e.alloc(B * F * P);
  fillSin(e, inp, B * C * H * H, 0, 1);
  fillSin(e, w, F * K, 1, 0.1);
  fillSin(e, dout, B * F * P, 2, 0.01);
  const kk = e.k, scratch = e.gemmScratch;
  const im2colFwd = () => kk.conv2d_forward(out, inp, w, bias, scratch, B, C, H, H, F, k, s, pad, OH, OW);
  const directFwd = () => kk.conv2d_direct_forward(out, inp, w, bias, B, C, H, H, F, k, s, pad, OH, OW);
  const t: Times = {
    im2colFwd: secondsPerCall(im2colFwd, OPTS),
    directFwd: secondsPerCall(directFwd, OPTS),
    im2colBwd: secondsPerCall(() => kk.conv2d_backward(dinp, dw, dbias, dout, inp, w, dcol, scratch, B, C, H, H, F, k, s, pad, OH, OW), OPTS),
    directBwd: secondsPerCall(() => kk.conv2d_direct_backward(dinp, dw, dbias, dout, inp, w, B, C, H, H, F, k, s, pad, OH, OW), OPTS),
  };
  e.release(mark);
  return t;
}

/** Runs the section; returns Markdown lines. */
export async function convSection(ctx: BenchContext): Promise<string[]> {
  const engines: [string, Engine][] = [["relaxed", await createEngine({ variant: "relaxed" })], ["plain", await createEngine({ variant: "plain" })]];
  const rows: (ConvShape & Times & { build: string; B: number; fwdFlops: number; bwdFlops: number })[] = [];
  for (const sh of SHAPES) {
    const layer = new Conv2D([sh.C, sh.H, sh.H], { filters: sh.F, kernel: sh.k, stride: sh.s, padding: sh.padding });
    const [F, OH, OW] = layer.outShape;
    const fwdFlops = 2 * F * sh.C * sh.k * sh.k * OH * OW;
    for (const [build, e] of engines) {
      for (const B of BATCHES) rows.push({ ...sh, ...measure(e, sh, B), build, B, fwdFlops, bwdFlops: fwdFlops * (sh.first ? 1 : 2) });
    }
  }
  ctx.json.conv = rows;

  const cell = (sec: number, B: number, flops: number) => `${((sec / B) * 1e6).toFixed(1)} (${((flops * B) / sec / 1e9).toFixed(1)})`;
  const win = (a: number, b: number) => (a <= b ? `im2col ${(b / a).toFixed(2)}×` : `direct ${(a / b).toFixed(2)}×`);
  return [
    "### Convolution kernels: im2col + GEMM vs direct (µs per example, GFLOP/s in brackets)",
    "",
    "| layer shape | build | B | im2col fwd | direct fwd | faster fwd | im2col bwd | direct bwd | faster bwd | faster fwd+bwd |",
    "|---|---|---:|---:|---:|---|---:|---:|---|---|",
    ...rows.map((r) =>
      `| ${r.name}${r.first ? " (no dinp)" : ""} | ${r.build} | ${r.B} | ${cell(r.im2colFwd, r.B, r.fwdFlops)} | ${cell(r.directFwd, r.B, r.fwdFlops)} | ${win(r.im2colFwd, r.directFwd)} ` +
      `| ${cell(r.im2colBwd, r.B, r.bwdFlops)} | ${cell(r.directBwd, r.B, r.bwdFlops)} | ${win(r.im2colBwd, r.directBwd)} | ${win(r.im2colFwd + r.im2colBwd, r.directFwd + r.directBwd)} |`),
    "",
    `Medians of ${OPTS.samples} timed samples (each ≥${OPTS.minMs} ms of this process's CPU time, which leaves out time other processes held the core) after warm-up, one thread; ${machine()}. ` +
      "Nominal flops: forward 2·F·C·k²·OH·OW per example, backward 2× that (dweight + dinp), 1× for a first layer (no dinp).",
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  convSection({ json: {} }).then((l) => console.log(l.join("\n")));
}
