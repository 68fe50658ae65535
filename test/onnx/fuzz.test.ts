// Seeded fuzzing of the ONNX reader and loader: 10,000 mutated copies of the small fixtures (bit flips,
// byte overwrites, truncations, length-field edits, chunk duplication/removal). Each must either load
// and run, or fail with a simdnet Error (OnnxFormatError, or RangeError/TypeError naming simdnet); never
// a wasm trap, a hang, a raw internal error (a TypeError from undefined, a RangeError from an array) or
// a half-built model (the arena is back at its mark after every failed load).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnxSync } from "../../src/onnx/model.js";
import { OnnxFormatError } from "../../src/onnx/protobuf.js";
import { engine, RefRng } from "../helpers.js";

const SMALL = ["bn_cnn", "mobilenetv2", "concat", "pad_reduce", "gru", "lstm", "matmul_mlp_opset21", "conv_bn_opset18"];
const ITERATIONS = 10_000;

function mutate(src: Uint8Array, rng: RefRng): Uint8Array {
  const b = src.slice();
  const below = (n: number) => rng.nextU32() % n;
  const kind = below(6);
  if (kind === 0) { for (let k = 1 + below(4); k > 0; k--) { const i = below(b.length); b[i] ^= 1 << below(8); } return b; }
  if (kind === 1) { for (let k = 1 + below(3); k > 0; k--) b[below(b.length)] = below(256); return b; }
  if (kind === 2) return b.subarray(0, below(b.length));
  if (kind === 3) {
    // a length field: a byte after a wire-type-2 key (low 3 bits = 2) nudged up or down, or made huge
    for (let tries = 0; tries < 50; tries++) {
      const i = below(b.length - 1);
      if ((b[i] & 7) === 2 && b[i] < 0x80) {
        const r = below(3);
        b[i + 1] = r === 0 ? (b[i + 1] + 1) & 0x7f : r === 1 ? (b[i + 1] + 127) & 0x7f : 0xff;
        return b;
      }
    }
    return b;
  }
  const i = below(b.length), n = 1 + below(Math.min(64, b.length - i));
  if (kind === 4) return Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + n)]);
  return Uint8Array.from([...b.subarray(0, i + n), ...b.subarray(i, i + n), ...b.subarray(i + n)]);
}

describe("ONNX reader fuzz", () => {
  it(`${ITERATIONS} mutated fixtures: load-and-run or a clear simdnet error, never a trap or half-load`, async () => {
    const e = await engine();
    const sources = SMALL.map((n) => new Uint8Array(readFileSync(join(import.meta.dirname, "..", "fixtures", "onnx", n, "model.onnx"))));
    const rng = new RefRng(20261206);
    const mark = e.mark();
    let loaded = 0, refused = 0;
    const started = Date.now();
    for (let it = 0; it < ITERATIONS; it++) {
      const bytes = mutate(sources[it % sources.length], rng);
      let refusedNow = false;
      try {
        const m = loadOnnxSync(bytes, e, { maxBytes: 32 << 20 });
        loaded++;
        const feeds = Object.fromEntries(Object.entries(m.inputShapes).map(([k, s]) => [k, { shape: s, data: new Float32Array(s.reduce((a, d) => a * d, 1)).fill(0.5) }]));
        const out = m.run(feeds);
        if (Object.keys(out).length === 0) throw new Error(`iteration ${it}: a loaded model produced no outputs`);
      } catch (err) {
        refused++;
        refusedNow = true;
        const ok = err instanceof OnnxFormatError || ((err instanceof RangeError || err instanceof TypeError) && /^simdnet: /.test(err.message));
        if (!ok) throw new Error(`iteration ${it}: not a simdnet error: ${String(err)}\n${(err as Error).stack}`);
      }
      if (refusedNow && e.mark() !== mark) throw new Error(`iteration ${it}: a refused load left ${e.mark() - mark} bytes allocated`);
      e.release(mark); // the loaded model's allocations
    }
    // the mutations must exercise both paths
    expect(loaded).toBeGreaterThan(ITERATIONS / 10);
    expect(refused).toBeGreaterThan(ITERATIONS / 10);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
