// xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c) seeded by splitmix32.
// `state` points at its 4 u32 (16 bytes) in memory: kernels keep no module-level state. The stream is
// bit for bit test/reference/rng.ts's RefRng. out is (N) f32, idx is (N) i32. Draws are scalar on
// purpose (the generator is one serial recurrence), and nothing here uses madd, so every result is
// the same in every build and every runtime.
import { at } from "./util";

/** Advances the generator at s and returns its next 32 bits. */
// @ts-ignore: decorator
@inline function next(s: usize): u32 {
  let s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8), s3 = load<u32>(s, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(s, s0);
  store<u32>(s, s1, 4);
  store<u32>(s, s2, 8);
  store<u32>(s, s3, 12);
  return result;
}

/** One draw as k / 2^24 in [0, 1): the top 24 bits, so it is exact in f32 (and in f64). */
// @ts-ignore: decorator
@inline function uniform24(s: usize): f32 {
  return <f32>(next(s) >>> 8) * 5.9604644775390625e-8; // 2^-24
}

export function rng_seed(state: usize, seed: u32): void {
  // state[k] = the k-th output of splitmix32 started at seed (never all zero in practice)
  let x = seed;
  for (let k = 0; k < 4; k++) {
    x += 0x9e3779b9;
    let z = x;
    z = (z ^ (z >>> 16)) * 0x85ebca6b;
    z = (z ^ (z >>> 13)) * 0xc2b2ae35;
    store<u32>(state + (<usize>k << 2), z ^ (z >>> 16));
  }
}

/** The next 32 bits. Wasm has no unsigned i32, so JS sees them as a signed number: use `>>> 0`. */
export function rng_next_u32(state: usize): u32 {
  return next(state);
}

export function rng_below(state: usize, n: i32): i32 {
  // uniform in [0, n) without modulo bias: Lemire's multiply-and-reject (https://arxiv.org/abs/1805.10941).
  // Draws one u32, more only on rejection (probability < n / 2^32). n <= 0 draws nothing and returns 0.
  assert(n > 0, "rng_below: n must be positive");
  if (n <= 0) return 0;
  const un = <u64><u32>n;
  let m = <u64>next(state) * un;
  if (<u32>m < <u32>n) {
    const t = (<u32>-n) % <u32>n; // 2^32 mod n: how many low products to reject
    while (<u32>m < t) m = <u64>next(state) * un;
  }
  return <i32>(m >>> 32);
}

export function rng_uniform(state: usize, out: usize, N: i32, lo: f32, hi: f32): void {
  // out[i] = lo + (hi - lo) * u_i with u_i = (next >>> 8) * 2^-24, one draw each, in order; in [lo, hi)
  // up to f32 rounding of the last step (exactly so for [0, 1) and [-1, 1))
  const w = hi - lo;
  for (let i = 0; i < N; i++) store<f32>(at(out, i), lo + w * uniform24(state));
}

export function rng_normal(state: usize, out: usize, N: i32, mean: f32, std: f32): void {
  // out[i] ~ N(mean, std^2) by Box-Muller in f64, one pair per two draws u1, u2 (in that order):
  //   r = sqrt(-2 ln(1 - u1)), out[i] = mean + std r cos(2 pi u2), out[i + 1] = mean + std r sin(2 pi u2);
  // an odd N drops the last sine. AS's Math is compiled in, so the bits never depend on the runtime.
  for (let i = 0; i < N; i += 2) {
    const u1 = 1 - <f64>uniform24(state); // in (0, 1]: log(0) never happens
    const u2 = <f64>uniform24(state);
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    store<f32>(at(out, i), <f32>(<f64>mean + <f64>std * (r * Math.cos(th))));
    if (i + 1 < N) store<f32>(at(out, i + 1), <f32>(<f64>mean + <f64>std * (r * Math.sin(th))));
  }
}

export function rng_dropout_mask(state: usize, out: usize, N: i32, keep: f32): void {
  // inverted dropout: out[i] = u_i < keep ? 1 / keep : 0, one draw each, so E[out[i]] = 1
  // (keep = 1 keeps everything; keep = 0 writes zeros and never the infinite 1 / keep)
  const inv: f32 = 1 / keep;
  for (let i = 0; i < N; i++) store<f32>(at(out, i), uniform24(state) < keep ? inv : 0);
}

export function rng_shuffle(state: usize, idx: usize, N: i32): void {
  // Fisher-Yates: for i = N-1 down to 1, swap idx[i] with idx[j], j = rng_below(i + 1)
  for (let i = N - 1; i > 0; i--) {
    const j = rng_below(state, i + 1);
    const a = at(idx, i), b = at(idx, j);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}
