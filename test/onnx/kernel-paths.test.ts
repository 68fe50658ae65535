// ONNX operator paths the backend conformance data does not reach: Gelu (opset 20, newer than the
// installed test data) on gelu_forward / gelu_tanh_forward, broadcast arithmetic and Transpose whose
// axes merge to at most 4 (the kernels: Transpose rank 3 and the rank-5 perm keeping neighbours) or do not
// (the TS loops: the other rank-5 and rank-6 perms, rank-7 broadcast), each against a float64 reference at
// odd sizes that hit the SIMD tails.
import { describe, expect, it } from "vitest";
import { loadOnnx } from "../../src/onnx/model.js";
import { engine } from "../helpers.js";
import { model, node, valueInfo } from "./pb.js";

type Attr = NonNullable<Parameters<typeof node>[3]>[number];
const attrString = (name: string, s: string): Attr => [[1, name], [20, 3], [4, s]];
const attrInts = (name: string, v: number[]): Attr => [[1, name], [20, 7], ...v.map((x): Attr[number] => [8, x])];

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: number[]) => s.map((_, i) => numel(s.slice(i + 1)));
const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.7) * 3);

/** erf by its Maclaurin series (float64, ample terms for the |x| ≤ 5 used here). */
function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let sum = x, term = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

async function run(bytes: Uint8Array, inputs: Record<string, { shape: number[]; data: Float32Array }>) {
  const e = await engine();
  const m = await loadOnnx(bytes, { engine: e });
  return Object.values(m.run(inputs))[0];
}

function expectClose(got: Float32Array, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe("ONNX ops on the kernels, beyond the conformance data", () => {
  for (const approx of ["none", "tanh"]) {
    it(`Gelu approximate=${approx} (opset 20) matches a float64 reference`, async () => {
      const shape = [3, 13], x = data(numel(shape), 1);
      const bytes = model({ nodes: [node("Gelu", ["x"], ["y"], approx === "none" ? [] : [attrString("approximate", approx)])], inputs: [valueInfo("x", shape)], outputs: [valueInfo("y", shape)] }, 20);
      const y = await run(bytes, { x: { shape, data: x } });
      const ref = Array.from(x, (v) => (approx === "none" ? 0.5 * v * (1 + erf(v / Math.SQRT2)) : 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))));
      expectClose(y.data, ref, 1e-5);
    });
  }

  it("Gelu refuses an unknown approximate", async () => {
    const bytes = model({ nodes: [node("Gelu", ["x"], ["y"], [attrString("approximate", "fast")])], inputs: [valueInfo("x", [2])], outputs: [valueInfo("y", [2])] }, 20);
    await expect(loadOnnx(bytes, { engine: await engine() })).rejects.toThrow(/approximate "fast" is not one of/);
  });

  // [a, b]: rank 5 that merges to 4 axes (kernel), rank 7 alternating broadcast axes (TS loop)
  const cases: [string, number[], number[]][] = [
    ["rank 5, merges to 4", [2, 3, 4, 5, 7], [4, 1, 7]],
    ["rank 7, does not merge", [2, 1, 3, 1, 2, 1, 3], [1, 3, 1, 2, 1, 2, 1]],
    ["rank 2, scalar b", [5, 9], [1]],
  ];
  for (const op of ["Add", "Sub", "Mul", "Div"]) {
    for (const [what, sa, sb] of cases) {
      it(`${op} broadcast, ${what}`, async () => {
        const r = Math.max(sa.length, sb.length), pa = [...Array(r - sa.length).fill(1), ...sa], pb = [...Array(r - sb.length).fill(1), ...sb];
        const out = pa.map((d, i) => Math.max(d, pb[i])), a = data(numel(sa), 2), b = data(numel(sb), 3).map((v) => v + 4);
        const bytes = model({ nodes: [node(op, ["a", "b"], ["y"])], inputs: [valueInfo("a", sa), valueInfo("b", sb)], outputs: [valueInfo("y", out)] });
        const y = await run(bytes, { a: { shape: sa, data: a }, b: { shape: sb, data: b } });
        const so = strides(out), ta = strides(pa), tb = strides(pb), f = { Add: (x: number, z: number) => x + z, Sub: (x: number, z: number) => x - z, Mul: (x: number, z: number) => x * z, Div: (x: number, z: number) => x / z }[op]!;
        const ref = Array.from({ length: numel(out) }, (_, i) => {
          let ia = 0, ib = 0;
          out.forEach((_, d) => {
            const q = Math.floor(i / so[d]) % out[d];
            ia += (pa[d] === 1 ? 0 : q) * ta[d];
            ib += (pb[d] === 1 ? 0 : q) * tb[d];
          });
          return f(a[ia], b[ib]);
        });
        expectClose(y.data, ref, 1e-5);
      });
    }
  }

  for (const [shape, perm] of [[[3, 5, 7], [2, 0, 1]], [[2, 3, 4, 5, 3], [0, 1, 4, 2, 3]], [[2, 3, 4, 5, 3], [4, 2, 0, 3, 1]], [[2, 3, 2, 3, 2, 3], [5, 3, 1, 4, 2, 0]]] as [number[], number[]][]) {
    it(`Transpose [${shape.join(", ")}] by [${perm.join(", ")}]`, async () => {
      const out = perm.map((p) => shape[p]), x = data(numel(shape), 4), si = strides(shape), so = strides(out);
      const bytes = model({ nodes: [node("Transpose", ["x"], ["y"], [attrInts("perm", perm)])], inputs: [valueInfo("x", shape)], outputs: [valueInfo("y", out)] });
      const y = await run(bytes, { x: { shape, data: x } });
      const ref = Array.from({ length: numel(out) }, (_, i) => x[out.reduce((acc, _, d) => acc + (Math.floor(i / so[d]) % out[d]) * si[perm[d]], 0)]);
      expectClose(y.data, ref, 0);
    });
  }
});
