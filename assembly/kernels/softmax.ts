// Row-wise softmax over (B, C) f32: inp, out, dout and dinp are all (B, C), one row per example.
// The forward kernels WRITE out; softmax_backward ACCUMULATES into dinp.
import { at, dot, hsum, madd, fmadd } from "./util";
import { exp4, lane0 } from "./vmath";

/** max_c row[c], for C >= 1. NaN-propagation is not promised (pmax is a plain compare-and-select). */
// @ts-ignore: decorator
@inline function row_max(row: usize, C: i32): f32 {
  let m = load<f32>(row);
  let c = 0;
  if (C >= 4) {
    let vm = v128.load(row);
    for (c = 4; c + 4 <= C; c += 4) vm = f32x4.pmax(vm, v128.load(at(row, c)));
    const a = f32x4.extract_lane(vm, 0), b = f32x4.extract_lane(vm, 1);
    const d = f32x4.extract_lane(vm, 2), e = f32x4.extract_lane(vm, 3);
    m = max(max(a, b), max(d, e));
  }
  for (; c < C; c++) m = max(m, load<f32>(at(row, c)));
  return m;
}

/**
 * exp(row[c] - mx) for every c, stored at dst[c] when dst != 0; returns their sum. The arguments are
 * <= 0, so each term is in [0, 1] and the max's term is exactly 1: the sum is in [1, C], never 0 or inf.
 */
// @ts-ignore: decorator
@inline function exp_shifted(dst: usize, row: usize, mx: f32, C: i32): f32 {
  const vmx = f32x4.splat(mx);
  let acc = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const e = exp4(f32x4.sub(v128.load(at(row, c)), vmx));
    if (dst != 0) v128.store(at(dst, c), e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (; c < C; c++) {
    const e = lane0(exp4(f32x4.splat(load<f32>(at(row, c)) - mx)));
    if (dst != 0) store<f32>(at(dst, c), e);
    s += e;
  }
  return s;
}

export function softmax_forward(out: usize, inp: usize, B: i32, C: i32): void {
  // out[b, c] = exp(inp[b, c] - m) / sum_j exp(inp[b, j] - m), m = max_j inp[b, j]
  // (subtracting the max keeps exp in range: softmax is shift-invariant)
  assert(C >= 1, "softmax_forward: C must be >= 1");
  for (let b = 0; b < B; b++) {
    const inp_b = at(inp, b * C);
    const out_b = at(out, b * C);
    const r: f32 = 1 / exp_shifted(out_b, inp_b, row_max(inp_b, C), C);
    const vr = f32x4.splat(r);
    let c = 0;
    for (; c + 4 <= C; c += 4) v128.store(at(out_b, c), f32x4.mul(v128.load(at(out_b, c)), vr));
    for (; c < C; c++) store<f32>(at(out_b, c), load<f32>(at(out_b, c)) * r);
  }
}

export function log_softmax_forward(out: usize, inp: usize, B: i32, C: i32): void {
  // out[b, c] = inp[b, c] - m - log(sum_j exp(inp[b, j] - m)), m = max_j inp[b, j]
  // (never log of a tiny probability: finite for every finite input, even |z| ~ 1e4)
  assert(C >= 1, "log_softmax_forward: C must be >= 1");
  for (let b = 0; b < B; b++) {
    const inp_b = at(inp, b * C);
    const out_b = at(out, b * C);
    const m = row_max(inp_b, C);
    const lse = Mathf.log(exp_shifted(0, inp_b, m, C)); // AS's own logf: the same bits in every runtime
    const vm = f32x4.splat(m), vl = f32x4.splat(lse);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      v128.store(at(out_b, c), f32x4.sub(f32x4.sub(v128.load(at(inp_b, c)), vm), vl));
    }
    for (; c < C; c++) store<f32>(at(out_b, c), (load<f32>(at(inp_b, c)) - m) - lse);
  }
}

export function softmax_backward(dinp: usize, out: usize, dout: usize, B: i32, C: i32): void {
  // forward was: out[b, c] = softmax(inp[b, :])[c], whose Jacobian is out_c (delta_cj - out_j), so
  // dinp[b, c] += out[b, c] * (dout[b, c] - sum_j dout[b, j] * out[b, j])
  for (let b = 0; b < B; b++) {
    const out_b = at(out, b * C);
    const dout_b = at(dout, b * C);
    const dinp_b = at(dinp, b * C);
    const s = dot(dout_b, out_b, C);
    const vs = f32x4.splat(s);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = v128.load(at(out_b, c));
      const g = f32x4.sub(v128.load(at(dout_b, c)), vs);
      v128.store(at(dinp_b, c), madd(o, g, v128.load(at(dinp_b, c))));
    }
    for (; c < C; c++) {
      const o = load<f32>(at(out_b, c));
      store<f32>(at(dinp_b, c), fmadd(o, load<f32>(at(dout_b, c)) - s, load<f32>(at(dinp_b, c))));
    }
  }
}
