// xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c) seeded by splitmix32,
// transcribed in plain TS: the reference for assembly/kernels/rng.ts, and the generator tests use to
// make their inputs (tests never touch Math.random).

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) >>> 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [x, (z ^ (z >>> 16)) >>> 0];
}

export class RefRng {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      const [nx, z] = splitmix32(x);
      x = nx;
      this.s[i] = z;
    }
  }
  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  /** Uniform in [0, 1) with 24 random bits (exactly representable in f32). */
  uniform(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }
  /** Standard normal by Box-Muller (test inputs only; the engine's normals come from rng.ts). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** n values uniform in [lo, hi) as a Float32Array. */
  array(n: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.range(lo, hi);
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

// References for assembly/kernels/rng.ts's kernels, drawing from a RefRng in the kernels' order.

/** Uniform in [0, n) by Lemire's multiply-and-reject, drawing exactly as rng_below does. */
export function refBelow(rng: RefRng, n: number): number {
  const N = BigInt(n);
  let m = BigInt(rng.nextU32()) * N;
  if (Number(m & 0xffffffffn) < n) {
    const t = (2 ** 32 - n) % n;
    while (Number(m & 0xffffffffn) < t) m = BigInt(rng.nextU32()) * N;
  }
  return Number(m >> 32n);
}

/** rng_uniform: lo + (hi - lo) * u in f32 arithmetic, one draw per value. */
export function refUniform(rng: RefRng, n: number, lo: number, hi: number): Float32Array {
  const f = Math.fround;
  const w = f(f(hi) - f(lo));
  return Float32Array.from({ length: n }, () => f(f(lo) + f(w * rng.uniform())));
}

/** rng_normal: Box-Muller pairs (cos, then sin) from draws u1, u2, in f64, rounded to f32 once. */
export function refNormal(rng: RefRng, n: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(n);
  const m = Math.fround(mean), s = Math.fround(std);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.uniform()));
    const th = 2 * Math.PI * rng.uniform();
    out[i] = m + s * (r * Math.cos(th));
    if (i + 1 < n) out[i + 1] = m + s * (r * Math.sin(th));
  }
  return out;
}

/** rng_dropout_mask: u < keep ? 1 / keep : 0, in f32. */
export function refDropoutMask(rng: RefRng, n: number, keep: number): Float32Array {
  const k = Math.fround(keep);
  const inv = Math.fround(1 / k);
  return Float32Array.from({ length: n }, () => (rng.uniform() < k ? inv : 0));
}

/** rng_shuffle: Fisher-Yates from the top, j = refBelow(i + 1), in place. */
export function refShuffle(rng: RefRng, idx: Int32Array): Int32Array {
  for (let i = idx.length - 1; i > 0; i--) {
    const j = refBelow(rng, i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}
