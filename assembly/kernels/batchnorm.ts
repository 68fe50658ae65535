// Batch normalisation in training mode over (B, C, HW) (NCHW with the spatial axes merged; HW = 1 after
// a dense layer): per channel c, the M = B*HW values x[b, c, p] give mean[c], var[c] (biased, 1/M) and
// rstd[c] = 1 / sqrt(var + eps); out = (x - mean) * rstd * gamma[c] + beta[c]. gamma = 0 means 1 and
// beta = 0 means 0. mean, rstd, gamma, beta and their gradients are (C). Sums run 4 lanes along a row
// of HW, then in f64 across rows (M reaches ~1e5 for a conv layer's batch). At inference BatchNorm is
// channel_affine (channel.ts) with the running statistics folded into scale and shift.
// Forward WRITES out, mean, rstd; backward ADDS into dinp (skipped when 0), dgamma and dbeta (when != 0).
import { at, hsum, madd } from "./util";

/** sum_p (x[p] - m) over one row of n (m = 0: the plain sum); sq: squared. */
// @ts-ignore: decorator
@inline function row_sum(x: usize, n: i32, m: f32, sq: bool): f64 {
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0), p = 0;
  for (; p + 4 <= n; p += 4) {
    const d = f32x4.sub(v128.load(at(x, p)), vm);
    acc = sq ? madd(d, d, acc) : f32x4.add(acc, d);
  }
  let s = <f64>hsum(acc);
  for (; p < n; p++) { const d = load<f32>(at(x, p)) - m; s += sq ? <f64>(d * d) : <f64>d; }
  return s;
}

export function batchnorm_forward(out: usize, mean: usize, rstd: usize, inp: usize, gamma: usize, beta: usize,
                                  B: i32, C: i32, HW: i32, eps: f32): void {
  assert(B >= 1 && C >= 0 && HW >= 1, "batchnorm_forward: empty batch");
  const M = <f64>B * <f64>HW;
  for (let c = 0; c < C; c++) {
    // two passes (mean, then squared deviations): no cancellation in E[x^2] - E[x]^2
    let s: f64 = 0;
    for (let b = 0; b < B; b++) s += row_sum(at(inp, (b * C + c) * HW), HW, 0, false);
    const m = <f32>(s / M);
    let v: f64 = 0;
    for (let b = 0; b < B; b++) v += row_sum(at(inp, (b * C + c) * HW), HW, m, true);
    const r = <f32>(1 / Math.sqrt(v / M + <f64>eps));
    store<f32>(at(mean, c), m);
    store<f32>(at(rstd, c), r);
    const g: f32 = gamma != 0 ? load<f32>(at(gamma, c)) : 1, bt: f32 = beta != 0 ? load<f32>(at(beta, c)) : 0;
    const vm = f32x4.splat(m), vs = f32x4.splat(g * r), vb = f32x4.splat(bt);
    for (let b = 0; b < B; b++) {
      // out = (x - mean) * (gamma * rstd) + beta
      const x = at(inp, (b * C + c) * HW), y = at(out, (b * C + c) * HW);
      let p = 0;
      for (; p + 4 <= HW; p += 4) v128.store(at(y, p), madd(f32x4.sub(v128.load(at(x, p)), vm), vs, vb));
      for (; p < HW; p++) store<f32>(at(y, p), f32x4.extract_lane(madd(f32x4.sub(v128.load32_splat(at(x, p)), vm), vs, vb), 0));
    }
  }
}

export function batchnorm_backward(dinp: usize, dgamma: usize, dbeta: usize, dout: usize, inp: usize, mean: usize, rstd: usize,
                                   gamma: usize, B: i32, C: i32, HW: i32): void {
  // forward was: xhat = (x - mean) * rstd, out = gamma * xhat + beta, with mean and rstd functions of
  // every x of the channel, so dbeta += sum dout, dgamma += sum dout * xhat and
  // dinp += gamma * rstd * (dout - sum(dout) / M - xhat * sum(dout * xhat) / M)
  const M = <f64>B * <f64>HW;
  for (let c = 0; c < C; c++) {
    const m = load<f32>(at(mean, c)), r = load<f32>(at(rstd, c)), vm = f32x4.splat(m), vr = f32x4.splat(r);
    let sg: f64 = 0, sgx: f64 = 0;
    for (let b = 0; b < B; b++) {
      const x = at(inp, (b * C + c) * HW), g = at(dout, (b * C + c) * HW);
      let a1 = f32x4.splat(0), a2 = f32x4.splat(0), p = 0;
      for (; p + 4 <= HW; p += 4) {
        const vg = v128.load(at(g, p));
        a1 = f32x4.add(a1, vg);
        a2 = madd(vg, f32x4.mul(f32x4.sub(v128.load(at(x, p)), vm), vr), a2);
      }
      let s1 = <f64>hsum(a1), s2 = <f64>hsum(a2);
      for (; p < HW; p++) {
        const vg = load<f32>(at(g, p));
        s1 += <f64>vg;
        s2 += <f64>(vg * ((load<f32>(at(x, p)) - m) * r));
      }
      sg += s1; sgx += s2;
    }
    if (dbeta != 0) store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + <f32>sg);
    if (dgamma != 0) store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + <f32>sgx);
    if (dinp == 0) continue;
    const gm: f32 = gamma != 0 ? load<f32>(at(gamma, c)) : 1;
    const k = gm * r, mg = <f32>(sg / M), mgx = <f32>(sgx / M);
    const vk = f32x4.splat(k), vmg = f32x4.splat(mg), vmgx = f32x4.splat(mgx);
    for (let b = 0; b < B; b++) {
      const o = (b * C + c) * HW, x = at(inp, o), g = at(dout, o), d = at(dinp, o);
      let p = 0;
      for (; p + 4 <= HW; p += 4) {
        const xh = f32x4.mul(f32x4.sub(v128.load(at(x, p)), vm), vr);
        const t = f32x4.sub(f32x4.sub(v128.load(at(g, p)), vmg), f32x4.mul(xh, vmgx));
        v128.store(at(d, p), madd(vk, t, v128.load(at(d, p))));
      }
      for (; p < HW; p++) {
        const xh = (load<f32>(at(x, p)) - m) * r;
        const t = load<f32>(at(g, p)) - mg - xh * mgx;
        store<f32>(at(d, p), f32x4.extract_lane(madd(f32x4.splat(k), f32x4.splat(t), v128.load32_splat(at(d, p))), 0));
      }
    }
  }
}

export function batchnorm_running_update(rmean: usize, rvar: usize, mean: usize, rstd: usize, C: i32, M: i32,
                                         momentum: f32, eps: f32): void {
  // rmean = (1 - momentum) rmean + momentum mean; rvar likewise with the unbiased batch variance
  // var * M / (M - 1), var = 1 / rstd^2 - eps (PyTorch's convention: momentum weighs the new batch;
  // ONNX's momentum attribute is 1 - this). M = B*HW values per channel; M = 1 (which layers refuse)
  // takes the biased variance instead of dividing by 0.
  const unbias = M > 1 ? <f64>M / <f64>(M - 1) : 1;
  for (let c = 0; c < C; c++) {
    const r = <f64>load<f32>(at(rstd, c)), v = (1 / (r * r) - <f64>eps) * unbias;
    const k = <f64>momentum;
    store<f32>(at(rmean, c), <f32>((1 - k) * <f64>load<f32>(at(rmean, c)) + k * <f64>load<f32>(at(mean, c))));
    store<f32>(at(rvar, c), <f32>((1 - k) * <f64>load<f32>(at(rvar, c)) + k * max(v, 0)));
  }
}
