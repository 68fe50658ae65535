// Recurrent-network glue around the GEMM and activation kernels. Sequences are time-major inside the
// network: x (T, B, C), hidden states (T, B, H), masks (T, B) f32 in {0, 1} (1: the step is real, 0: past
// the end of that sequence). A masked step carries the state through unchanged: h_t = h_{t-1}, so the
// last state is the state after the last real step. Every kernel here WRITES its outputs (they are
// per-step intermediates, not gradients to accumulate), except where a comment says otherwise.
import { at } from "./util";

export function seq_transpose(out: usize, inp: usize, B: i32, T: i32, C: i32): void {
  // out (T, B, C), inp (B, T, C): out[t, b, :] = inp[b, t, :]. Called with B and T swapped it goes
  // back. Copies 4-byte words, so it moves i32 token ids as well as f32 values.
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) memory.copy(at(out, (t * B + b) * C), at(inp, (b * T + t) * C), <usize>C << 2);
  }
}

export function rnn_carry(h: usize, hprev: usize, mask: usize, B: i32, H: i32): void {
  // h (B, H), hprev (B, H), mask (B): h[b, :] = mask[b] != 0 ? h[b, :] : hprev[b, :]; hprev = 0 means
  // the zero state
  for (let b = 0; b < B; b++) {
    if (load<f32>(at(mask, b)) != 0) continue;
    if (hprev != 0) memory.copy(at(h, b * H), at(hprev, b * H), <usize>H << 2);
    else memory.fill(at(h, b * H), 0, <usize>H << 2);
  }
}

export function rnn_mask_backward(dpre: usize, dh: usize, mask: usize, B: i32, H: i32): void {
  // forward was: h_t = m ? f(pre_t) : h_{t-1}, per row b. dpre (B, H) holds dh ⊙ f'(pre) and dh (B, H)
  // holds dL/dh_t on entry; on exit dpre[b] = m ? dpre[b] : 0 and dh[b] = m ? 0 : dh[b], the part of
  // dL/dh_{t-1} that came through the carry (the GEMM with W_hh then ADDS the rest).
  for (let b = 0; b < B; b++) {
    if (load<f32>(at(mask, b)) != 0) memory.fill(at(dh, b * H), 0, <usize>H << 2);
    else memory.fill(at(dpre, b * H), 0, <usize>H << 2);
  }
}

export function row_scale(x: usize, s: usize, B: i32, C: i32): void {
  // x (B, C), s (B): x[b, :] *= s[b] (in place; zeroes masked rows of targets and deltas)
  for (let b = 0; b < B; b++) {
    const x_b = at(x, b * C);
    const vs = f32x4.splat(load<f32>(at(s, b)));
    let i = 0;
    for (; i + 4 <= C; i += 4) v128.store(at(x_b, i), f32x4.mul(v128.load(at(x_b, i)), vs));
    for (; i < C; i++) store<f32>(at(x_b, i), load<f32>(at(x_b, i)) * load<f32>(at(s, b)));
  }
}

export function mask_from_ids(mask: usize, ids: usize, N: i32): i32 {
  // mask (N) f32, ids (N) i32: mask[i] = ids[i] != 0 (id 0 is padding). Returns the number of real steps.
  let n = 0;
  for (let i = 0; i < N; i++) {
    const real = i32(load<i32>(at(ids, i)) != 0);
    store<f32>(at(mask, i), <f32>real);
    n += real;
  }
  return n;
}

export function count_argmax_equal_masked(inp: usize, labels: usize, mask: usize, B: i32, C: i32): i32 {
  // #{b : mask[b] != 0 and argmax_c inp[b, c] == labels[b]}, inp (B, C), labels (B) i32, mask (B)
  // (first index on ties, as row_argmax)
  let n = 0;
  for (let b = 0; b < B; b++) {
    if (load<f32>(at(mask, b)) == 0) continue;
    const row = at(inp, b * C);
    let best = load<f32>(row);
    let k = 0;
    for (let c = 1; c < C; c++) {
      const v = load<f32>(at(row, c));
      if (v > best) { best = v; k = c; }
    }
    n += i32(k == load<i32>(at(labels, b)));
  }
  return n;
}
