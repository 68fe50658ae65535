/**
 * Full-batch methods for small networks and convex problems (Nocedal & Wright, Numerical Optimization):
 * nonlinear conjugate gradient (Polak–Ribière+, restarts) and L-BFGS (two-loop recursion, history m),
 * both with a line search satisfying the strong Wolfe conditions. The objective is the mean cost over
 * the whole training set plus the L2/L1 terms, in chunks through the kernels, in a fixed order.
 */
import type { Network } from "../network.js";
import type { DataSet } from "../data/dataset.js";
import type { Engine, Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import { checkState, type FullBatchOptimizer, type IterationResult, type OptimizerConfig, type OptimizerSnapshot, type OptimizerState } from "./optimizer.js";

export type { IterationResult } from "./optimizer.js";

/** f(θ) = (1/n) Σₓ Cₓ + λ/2n·Σw² + λ₁/n·Σ|w| over a whole data set, and its gradient. */
export class Objective {
  /** Evaluations so far (each is one forward and backward pass over the data). */
  evals = 0;

  constructor(
    readonly net: Network,
    readonly data: DataSet,
    readonly lambda: number,
    readonly l1: number,
  ) {
    net.prepare(Math.min(256, data.n));
  }

  /** f at the network's current parameters; writes ∇f (numParams f32) at g. */
  evaluate(g: Ptr): number {
    const { net } = this;
    const e = net.engine, k = e.k, n = this.data.n, N = net.numParams;
    const r = net.residentData(this.data);
    const { x, y, lab } = net.buffers;
    k.fill(g, N, 0);
    let cost = 0;
    for (let s = 0; s < n; s += net.batchCapacity) {
      const B = Math.min(net.batchCapacity, n - s);
      r.gather(r.iota + 4 * s, B, x, y, lab);
      net.zeroGrad();
      const out = net.forwardPtr(x, B);
      cost += net.cost.fn(e, out, y, B, net.outputSize);
      net.backwardPtr(out, y, B); // the chunk's mean gradient, weighted by its share of the set
      k.axpy(g, net.gradPtr, N, B / n);
    }
    k.add_decay(g, net.paramPtr, net.numWeights, this.lambda / n, this.l1 / n);
    this.evals++;
    return cost / n + net.regularization(n, this.lambda, this.l1);
  }
}

/** φ(α) = f(θ₀ + αd) and φ'(α) = ∇f·d, evaluated by moving the network's parameters. */
type Phi = (alpha: number) => { f: number; dg: number };

/** The minimiser of the cubic through (a, fa, ga) and (b, fb, gb) (N&W 3.59), kept inside the bracket. */
function cubicStep(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  const lo = Math.min(a, b), hi = Math.max(a, b), margin = 0.1 * (hi - lo);
  let t = (a + b) / 2;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const c = b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
    if (Number.isFinite(c)) t = c;
  }
  return Math.min(Math.max(t, lo + margin), hi - margin); // safeguard: never at an end of the bracket
}

/**
 * A step α along a descent direction satisfying the strong Wolfe conditions f(α) ≤ f₀ + c₁αf₀' and
 * |f'(α)| ≤ c₂|f₀'| (N&W Algorithms 3.5 and 3.6): bracket by doubling, then zoom by safeguarded cubic
 * interpolation. The last φ evaluated is the accepted step. null when no step is found in maxEvals.
 */
export function wolfeLineSearch(phi: Phi, f0: number, dg0: number, alpha1: number, c1: number, c2: number, maxEvals = 30): { alpha: number; f: number } | null {
  let evals = 0;
  const armijo = (a: number, f: number): boolean => f <= f0 + c1 * a * dg0; // false for NaN
  const zoom = (lo: number, fLo: number, gLo: number, hi: number, fHi: number, gHi: number) => {
    while (evals < maxEvals && Math.abs(hi - lo) > 1e-12 * Math.max(1, Math.abs(lo))) {
      const a = Number.isFinite(fHi) ? cubicStep(lo, fLo, gLo, hi, fHi, gHi) : (lo + hi) / 2;
      const { f, dg } = phi(a);
      evals++;
      if (!armijo(a, f) || f >= fLo) [hi, fHi, gHi] = [a, f, dg];
      else {
        if (Math.abs(dg) <= -c2 * dg0) return { alpha: a, f };
        if (dg * (hi - lo) >= 0) [hi, fHi, gHi] = [lo, fLo, gLo];
        [lo, fLo, gLo] = [a, f, dg];
      }
    }
    return null;
  };
  let prev = 0, fPrev = f0, gPrev = dg0, a = alpha1;
  while (evals < maxEvals) {
    const { f, dg } = phi(a);
    evals++;
    if (!armijo(a, f) || (prev > 0 && f >= fPrev)) return zoom(prev, fPrev, gPrev, a, f, dg);
    if (Math.abs(dg) <= -c2 * dg0) return { alpha: a, f };
    if (dg >= 0) return zoom(a, f, dg, prev, fPrev, gPrev);
    [prev, fPrev, gPrev] = [a, f, dg];
    a *= 2;
  }
  return null;
}

/**
 * The shared loop of CG and L-BFGS: evaluate (or reuse) f and ∇f at θ, ask for a direction, line-search
 * along it, and on failure retry once along −∇f before giving up with θ unchanged.
 */
abstract class LineSearchMethod implements FullBatchOptimizer {
  readonly kind = "full-batch";
  /** Iterations taken (the state's step count). */
  step = 0;
  protected readonly e: Engine;
  protected readonly N: number;
  /** ∇f at the current θ (valid when `fHere` is not null), the direction, θ at the line search's start. */
  protected readonly g: Ptr;
  protected readonly d: Ptr;
  protected readonly theta0: Ptr;
  protected readonly gOld: Ptr;
  protected fHere: number | null = null;

  constructor(
    protected readonly obj: Objective,
    readonly config: OptimizerConfig,
    private readonly c2: number,
  ) {
    this.e = obj.net.engine;
    this.N = obj.net.numParams;
    [this.g, this.d, this.theta0, this.gOld] = [0, 1, 2, 3].map(() => this.e.alloc(this.N));
  }

  get name(): string {
    return this.config.name;
  }

  abstract state(): OptimizerState;
  abstract restore(s: OptimizerState | null | undefined): void;

  save(): OptimizerSnapshot {
    return { velocity: null, optimizer: this.state() };
  }

  load(s: OptimizerSnapshot): void {
    this.restore(s.optimizer);
  }

  /** Writes a descent direction at d from g (and the method's memory); returns the first trial step. */
  protected abstract direction(): number;
  /** Forgets curvature memory (after a failed search); the next direction is −∇f. */
  protected abstract reset(): void;
  /** Learns from the accepted step: θ − θ₀, ∇f(θ) at g, ∇f(θ₀) at gOld. */
  protected abstract accept(alpha: number, dg0: number): void;

  /** One iteration; on failure θ is left where it was. */
  iterate(): IterationResult {
    const { e, N } = this;
    const k = e.k, p = this.obj.net.paramPtr;
    const f0 = this.fHere ?? this.obj.evaluate(this.g);
    let alpha1 = this.direction(); // may read gOld: ∇f at the previous iterate
    k.copy(this.theta0, p, N);
    k.copy(this.gOld, this.g, N);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt > 0) alpha1 = this.direction();
      let dg0 = k.dot_f64(this.g, this.d, N);
      if (!(dg0 < 0)) {
        this.reset();
        alpha1 = this.direction();
        dg0 = k.dot_f64(this.g, this.d, N);
      }
      if (!(dg0 < 0)) return { ok: false, reason: "line-search", message: `the gradient is zero or not finite (∇f·d = ${dg0}): nothing to descend` };
      const phi: Phi = (alpha) => {
        k.copy(p, this.theta0, N);
        k.axpy(p, this.d, N, alpha);
        const f = this.obj.evaluate(this.g);
        return { f, dg: k.dot_f64(this.g, this.d, N) };
      };
      const ls = wolfeLineSearch(phi, f0, dg0, alpha1, 1e-4, this.c2);
      if (ls) {
        this.fHere = ls.f;
        this.accept(ls.alpha, dg0);
        this.step++;
        return { ok: true, f: ls.f };
      }
      k.copy(p, this.theta0, N);
      k.copy(this.g, this.gOld, N);
      if (attempt === 0) this.reset();
    }
    this.fHere = f0;
    return { ok: false, reason: "line-search", message: `no step along the ${this.config.name} direction or along −∇f satisfies the Wolfe conditions at f = ${f0.toPrecision(8)} (f32 rounding near an optimum, or a non-smooth L1 term)` };
  }
}

/** Nonlinear CG, Polak–Ribière+ (β = max(0, gₖ₊₁·(gₖ₊₁ − gₖ)/‖gₖ‖²)), restarting along −∇f every `restart` iterations. */
export class NonlinearCG extends LineSearchMethod {
  private sinceRestart = 0;
  private alphaPrev = 0;
  private dgPrev = 0;

  constructor(obj: Objective, config: OptimizerConfig) {
    super(obj, config, 0.1); // c₂ = 0.1: CG needs a fairly exact line search (N&W §5.2)
  }

  protected direction(): number {
    const k = this.e.k, N = this.N;
    const restart = this.config.restart ?? 50;
    let beta = 0;
    if (this.sinceRestart > 0 && this.sinceRestart % restart !== 0) {
      // gOld is ∇f at the previous iterate here
      const gg = k.dot_f64(this.g, this.g, N), ggOld = k.dot_f64(this.g, this.gOld, N);
      beta = Math.max(0, (gg - ggOld) / k.dot_f64(this.gOld, this.gOld, N));
    }
    // d = −g + β d_prev (d still holds the previous direction)
    if (beta > 0) k.scale(this.d, this.d, N, beta);
    else {
      this.sinceRestart = 0;
      k.fill(this.d, N, 0);
    }
    k.axpy(this.d, this.g, N, -1);
    const dg = k.dot_f64(this.g, this.d, N);
    // N&W (3.60): the previous step's first-order change, or 1/‖g‖ on a (re)start
    return this.sinceRestart === 0 || !(this.dgPrev < 0) ? 1 / Math.sqrt(-dg) : Math.min(1e3, (this.alphaPrev * this.dgPrev) / dg);
  }

  protected reset(): void {
    this.sinceRestart = 0;
  }

  protected accept(alpha: number, dg0: number): void {
    this.alphaPrev = alpha;
    this.dgPrev = dg0;
    this.sinceRestart++;
  }

  state(): OptimizerState {
    const { e, N } = this;
    return { name: "cg", numParams: N, step: this.step, scalars: [this.sinceRestart, this.alphaPrev, this.dgPrev], buffers: [e.read(this.d, N), e.read(this.gOld, N)] };
  }

  restore(saved: OptimizerState | null | undefined): void {
    const s = checkState(saved, "cg", this.N, 2), [d, gOld] = s.buffers;
    this.e.write(this.d, d);
    this.e.write(this.gOld, gOld);
    [this.sinceRestart, this.alphaPrev, this.dgPrev] = s.scalars;
    this.step = s.step;
    this.fHere = null;
  }
}

/** L-BFGS (N&W Algorithm 7.4/7.5): the two-loop recursion over the last m pairs sᵢ = Δθ, yᵢ = Δ∇f. */
export class LBFGS extends LineSearchMethod {
  private readonly m: number;
  private readonly S: Ptr;
  private readonly Y: Ptr;
  /** ρᵢ = 1/(yᵢ·sᵢ) per slot; pairs live in a ring, `head` is the next slot to write. */
  private rho: number[] = [];
  private count = 0;
  private head = 0;

  constructor(obj: Objective, config: OptimizerConfig) {
    super(obj, config, 0.9);
    this.m = config.history ?? 10;
    this.S = this.e.alloc(this.m * this.N);
    this.Y = this.e.alloc(this.m * this.N);
    this.rho = new Array(this.m).fill(0);
  }

  private slot(buf: Ptr, i: number): Ptr {
    return buf + 4 * this.N * i;
  }

  protected direction(): number {
    const k = this.e.k, N = this.N, d = this.d;
    k.copy(d, this.g, N);
    if (this.count === 0) {
      k.scale(d, d, N, -1);
      return 1 / Math.sqrt(k.dot_f64(d, d, N)); // first step: ‖α d‖ = 1
    }
    // q = g; newest to oldest: αᵢ = ρᵢ sᵢ·q, q −= αᵢ yᵢ; r = γq; oldest to newest: r += (αᵢ − ρᵢ yᵢ·r) sᵢ
    const alphas: number[] = [];
    const order = Array.from({ length: this.count }, (_, j) => (this.head - 1 - j + 2 * this.m) % this.m);
    for (const i of order) {
      const a = this.rho[i] * k.dot_f64(this.slot(this.S, i), d, N);
      alphas.push(a);
      k.axpy(d, this.slot(this.Y, i), N, -a);
    }
    const newest = order[0];
    const yy = k.dot_f64(this.slot(this.Y, newest), this.slot(this.Y, newest), N);
    k.scale(d, d, N, 1 / (this.rho[newest] * yy)); // γ = sᵀy / yᵀy, the initial Hessian guess H₀ = γI
    for (let j = order.length - 1; j >= 0; j--) {
      const i = order[j];
      const b = this.rho[i] * k.dot_f64(this.slot(this.Y, i), d, N);
      k.axpy(d, this.slot(this.S, i), N, alphas[j] - b);
    }
    k.scale(d, d, N, -1);
    return 1;
  }

  protected reset(): void {
    this.count = 0;
    this.head = 0;
  }

  protected accept(): void {
    const k = this.e.k, N = this.N, p = this.obj.net.paramPtr;
    const s = this.slot(this.S, this.head), y = this.slot(this.Y, this.head);
    // s = θ − θ₀, y = ∇f(θ) − ∇f(θ₀)
    k.copy(s, p, N);
    k.axpy(s, this.theta0, N, -1);
    k.copy(y, this.g, N);
    k.axpy(y, this.gOld, N, -1);
    const sy = k.dot_f64(s, y, N);
    // keep the pair only with positive curvature (the Wolfe conditions promise it, f32 rounding may not)
    if (!(sy > 1e-10 * k.dot_f64(y, y, N))) return;
    this.rho[this.head] = 1 / sy;
    this.head = (this.head + 1) % this.m;
    this.count = Math.min(this.count + 1, this.m);
  }

  state(): OptimizerState {
    const { e, N, m } = this;
    return { name: "lbfgs", numParams: N, step: this.step, scalars: [this.count, this.head, ...this.rho], buffers: [e.read(this.S, m * N), e.read(this.Y, m * N)] };
  }

  restore(saved: OptimizerState | null | undefined): void {
    const s = checkState(saved, "lbfgs", this.N, 2), [S, Y] = s.buffers;
    if (S.length !== this.m * this.N || s.scalars.length !== 2 + this.m) throw new RangeError(`simdnet: the L-BFGS state holds ${S.length / this.N} pairs; this run's history is m = ${this.m}`);
    this.e.write(this.S, S);
    this.e.write(this.Y, Y);
    [this.count, this.head] = s.scalars;
    this.rho = s.scalars.slice(2);
    this.step = s.step;
    this.fHere = null;
  }
}

/** A full-batch method as the trainer drives it (one iteration per epoch, resumable state). */
export type BatchMethod = FullBatchOptimizer;
