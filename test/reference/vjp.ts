// Gradients by central differences of a float64 reference forward: the independent reference for the
// backward kernels of the ONNX / issue-19 kernels. For L = Σ f(xs) ⊙ dout, dL/dxs[k][i] is
// (L(x + h e_i) − L(x − h e_i)) / 2h, accurate to ~1e-9 in float64 for smooth f (h = 1e-6). Inputs must
// keep away from kinks (ReLU-like corners, max ties) by more than h.

/** One Float64Array per input: dL/dxs[k] for L = Σ_o f(xs)[o] · dout[o]. */
export function vjpRef(f: (xs: Float64Array[]) => ArrayLike<number>, xs: ArrayLike<number>[], dout: ArrayLike<number>, h = 1e-6): Float64Array[] {
  const cur = xs.map((x) => Float64Array.from(x));
  const loss = (): number => {
    const y = f(cur);
    let s = 0;
    for (let o = 0; o < y.length; o++) s += y[o] * dout[o];
    return s;
  };
  return cur.map((x) => {
    const g = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      x[i] = v + h; const lp = loss();
      x[i] = v - h; const lm = loss();
      x[i] = v;
      g[i] = (lp - lm) / (2 * h);
    }
    return g;
  });
}

/** a + b elementwise (a seeded gradient buffer plus what a backward kernel should add). */
export function plus(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v, i) => v + b[i]);
}
