import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor.js";
import * as ops from "../../src/ops.js";
import { engine, expectClose, RefRng } from "../helpers.js";
import { createEngine } from "../../src/wasm/engine.js";

describe("checked ops on tensors", () => {
  it("matmul and gemm agree with a naive product, with transposes, alpha and beta", async () => {
    const e = await engine("relaxed");
    const m = e.mark();
    const r = new RefRng(4);
    const a = Tensor.from(e, [3, 5], r.array(15));
    const b = Tensor.from(e, [4, 5], r.array(20));
    const c = ops.matmul(a, b, { transB: true });
    expect(c.shape).toEqual([3, 4]);
    const ref: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 5; k++) s += a.data[i * 5 + k] * b.data[j * 5 + k];
      ref.push(s);
    }
    expectClose(c.data, ref);
    const prev = c.read();
    ops.gemm(c, a, b, { transB: true, alpha: 2, beta: -1 });
    expectClose(c.data, ref.map((v, i) => 2 * v - prev[i]));
    e.release(m);
  });

  it("names mismatched shapes instead of trapping", async () => {
    const e = await engine();
    const m = e.mark();
    const a = Tensor.alloc(e, [3, 5]);
    const b = Tensor.alloc(e, [4, 5]);
    expect(() => ops.matmul(a, b)).toThrow(/inner dimensions differ: op\(A\) is 3x5 but op\(B\) is 4x5/);
    expect(() => ops.gemm(Tensor.alloc(e, [3, 3]), a, b, { transB: true })).toThrow(/C is 3x3 but op\(A\)·op\(B\) is 3x4/);
    expect(() => ops.gemm(Tensor.alloc(e, [3, 4]), a, Tensor.alloc(e, [5]), {})).toThrow(/B must be a matrix \(2 dimensions\), got shape \[5\]/);
    expect(() => ops.softmax(Tensor.alloc(e, [2, 3]), a)).toThrow(/out is \[2,3\] but inp is \[3,5\]/);
    expect(() => ops.biasAdd(a, Tensor.alloc(e, [4]))).toThrow(/bias has 4 values but out has 5 columns/);
    expect(() => ops.activate("swish" as never, a, a)).toThrow(/unknown activation "swish"/);
    expect(() => ops.axpy(a, 1, b)).toThrow(/y has shape \[3,5\] but x has shape \[4,5\]/);
    const other = await createEngine({ variant: "plain" });
    expect(() => ops.axpy(a, 1, Tensor.alloc(other, [3, 5]))).toThrow(/same engine/);
    e.release(m);
  });

  it("softmax rows sum to one; argmax picks the lowest index on ties; sumSquares", async () => {
    const e = await engine();
    const m = e.mark();
    const z = Tensor.from(e, [2, 3], [1, 2, 3, 5, 5, 1]);
    const p = ops.softmax(Tensor.alloc(e, [2, 3]), z);
    expect(p.data[0] + p.data[1] + p.data[2]).toBeCloseTo(1, 6);
    expect(Array.from(ops.argmax(z))).toEqual([2, 0]);
    expect(ops.sumSquares(Tensor.from(e, [3], [1, 2, 3]))).toBeCloseTo(14, 6);
    e.release(m);
  });
});
