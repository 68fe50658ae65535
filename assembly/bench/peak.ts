// Peak f32x4 arithmetic throughput of this machine, for bench/peak.ts: loops over registers only, with
// 12 independent chains so that the SIMD ports, not latency, set the pace. Compiled on its own into
// build/peak.wasm (mul + add) and build/peak.relaxed.wasm (FMA); never part of the kernel module.
// Each madd is 8 flops (4 lanes x multiply + add). Both functions return a value that depends on
// every chain, so none of them is dead code.

/** a * b + c per lane: one FMA in the relaxed build, mul then add in the plain one (util.ts's madd). */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The sum of all lanes of the 12 chains. */
// @ts-ignore: decorator
@inline function fold(c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128,
                      c6: v128, c7: v128, c8: v128, c9: v128, c10: v128, c11: v128): f32 {
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)),
                                f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
                      f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * x and y as vectors read back from memory: V8 rematerialises a constant or re-splats a parameter
 * inside the loop when registers are short, which costs two shuffles per trip; a loaded value stays put.
 */
// @ts-ignore: decorator
@inline function opaque(v: f32, slot: i32): v128 {
  const buf = memory.data(32, 16);
  v128.store(buf + (slot << 4), f32x4.splat(v));
  return v128.load(buf + (slot << 4));
}

/** 12 chains c_i = c_i * x + y: 12 madd per trip, each chain waiting for its own previous madd. */
export function peak_chain12(iters: i32, seed: f32, xs: f32, ys: f32): f32 {
  const x = opaque(xs, 0), y = opaque(ys, 1);
  let c0 = f32x4.splat(seed), c1 = f32x4.splat(seed + 1), c2 = f32x4.splat(seed + 2), c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4), c5 = f32x4.splat(seed + 5), c6 = f32x4.splat(seed + 6), c7 = f32x4.splat(seed + 7);
  let c8 = f32x4.splat(seed + 8), c9 = f32x4.splat(seed + 9), c10 = f32x4.splat(seed + 10), c11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iters; i++) {
    c0 = madd(c0, x, y); c1 = madd(c1, x, y); c2 = madd(c2, x, y); c3 = madd(c3, x, y);
    c4 = madd(c4, x, y); c5 = madd(c5, x, y); c6 = madd(c6, x, y); c7 = madd(c7, x, y);
    c8 = madd(c8, x, y); c9 = madd(c9, x, y); c10 = madd(c10, x, y); c11 = madd(c11, x, y);
  }
  return fold(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

/**
 * The GEMM micro-kernel's pattern, c += a * b with the multiply off the loop-carried chain:
 * c_i += c_{i+1} * x (and c_11 += c_11 * x), so each chain waits only for its own add.
 */
export function peak_ladder12(iters: i32, seed: f32, xs: f32): f32 {
  const x = opaque(xs, 0);
  let c0 = f32x4.splat(seed), c1 = f32x4.splat(seed), c2 = f32x4.splat(seed), c3 = f32x4.splat(seed);
  let c4 = f32x4.splat(seed), c5 = f32x4.splat(seed), c6 = f32x4.splat(seed), c7 = f32x4.splat(seed);
  let c8 = f32x4.splat(seed), c9 = f32x4.splat(seed), c10 = f32x4.splat(seed), c11 = f32x4.splat(seed);
  for (let i = 0; i < iters; i++) {
    c0 = madd(c1, x, c0); c1 = madd(c2, x, c1); c2 = madd(c3, x, c2); c3 = madd(c4, x, c3);
    c4 = madd(c5, x, c4); c5 = madd(c6, x, c5); c6 = madd(c7, x, c6); c7 = madd(c8, x, c7);
    c8 = madd(c9, x, c8); c9 = madd(c10, x, c9); c10 = madd(c11, x, c10); c11 = madd(c11, x, c11);
  }
  return fold(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}
