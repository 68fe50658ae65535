/**
 * Hessian-free optimization (Martens 2010, simplified): each iteration solves the damped Newton system
 * (H + λI) p = −∇f by linear CG, with H·v products (src/train/hessian.ts) on a fresh seeded mini-batch
 * of `curvatureBatch` examples and ∇f on the whole training set; CG starts from 0.95 of the last step
 * and stops at negative curvature. λ follows Levenberg–Marquardt on the reduction ratio ρ; the step is
 * backtracked (×0.8) until f decreases enough, and a step that never does raises λ and tries again.
 */
import type { Network } from "../network.js";
import type { Ptr } from "../wasm/engine.js";
import type { Rng } from "../rng.js";
import { checkState, type FullBatchOptimizer, type IterationResult, type OptimizerConfig, type OptimizerSnapshot, type OptimizerState } from "./optimizer.js";
import type { Objective } from "./fullbatch.js";
import { HessianVector, exactHvpUnsupported } from "./hessian.js";

export class HessianFree implements FullBatchOptimizer {
  readonly kind = "full-batch";
  readonly name = "hf";
  step = 0;
  /** The current damping λ. */
  damping: number;
  /** Why the products fall back to finite differences without `hvp` given (a layer declares no R-operator), else null. */
  readonly hvpFallback: string | null;
  private readonly hv: HessianVector;
  private readonly B: number;
  private readonly x: Ptr;
  private readonly y: Ptr;
  private readonly lab: Ptr;
  private readonly g: Ptr;
  private readonly p: Ptr;
  private readonly r: Ptr;
  private readonly d: Ptr;
  private readonly Ad: Ptr;
  private readonly theta0: Ptr;
  /** ∇f(θ₀), kept so a failed try restores it instead of evaluating the whole training set again. */
  private readonly g0: Ptr;
  private fHere: number | null = null;

  constructor(
    private readonly obj: Objective,
    readonly config: OptimizerConfig,
    private readonly rng: Rng,
  ) {
    const net: Network = obj.net, e = net.engine, N = net.numParams;
    this.damping = config.damping ?? 1;
    this.B = Math.min(config.curvatureBatch ?? 1000, obj.data.n);
    this.hvpFallback = config.hvp ? null : exactHvpUnsupported(net);
    const method = config.hvp ?? (this.hvpFallback ? "fd" : "exact");
    this.hv = new HessianVector(net, method, this.B);
    this.x = e.alloc(this.B * net.inputSize);
    this.y = e.alloc(this.B * net.outputSize);
    this.lab = e.alloc(this.B);
    this.hv.setBatch(this.x, this.y, this.B);
    [this.g, this.p, this.r, this.d, this.Ad, this.theta0, this.g0] = [0, 1, 2, 3, 4, 5, 6].map(() => e.alloc(N));
  }

  /** A = (H + l2 I_w + λI) applied to v, into out. */
  private apply(out: Ptr, v: Ptr): void {
    const net = this.obj.net;
    this.hv.product(out, v, this.obj.lambda / this.obj.data.n);
    net.engine.k.axpy(out, v, net.numParams, this.damping);
  }

  /** CG on A p = −g from p's current value; returns p·Ap (for the model) and the iterations taken. */
  private solve(gnorm: number): { pAp: number; iters: number } {
    const k = this.obj.net.engine.k, N = this.obj.net.numParams;
    const { g, p, r, d, Ad } = this;
    // r = −g − A p; d = r
    this.apply(Ad, p);
    k.copy(r, g, N);
    k.axpy(r, Ad, N, 1);
    k.scale(r, r, N, -1);
    k.copy(d, r, N);
    let rr = k.dot_f64(r, r, N), iters = 0;
    const tol = Math.min(0.5, Math.sqrt(gnorm)) * gnorm; // N&W's forcing sequence: superlinear near θ*
    const maxIter = this.config.cgIterations ?? 50;
    while (iters < maxIter && Math.sqrt(rr) > tol) {
      this.apply(Ad, d);
      const dAd = k.dot_f64(d, Ad, N);
      if (!(dAd > 0)) break; // negative curvature of the damped model: keep the iterate so far
      const alpha = rr / dAd;
      k.axpy(p, d, N, alpha);
      k.axpy(r, Ad, N, -alpha);
      const rrNew = k.dot_f64(r, r, N);
      k.scale(d, d, N, rrNew / rr);
      k.axpy(d, r, N, 1);
      rr = rrNew;
      iters++;
    }
    // A p = −g − r, so p·Ap = −p·g − p·r
    return { pAp: -k.dot_f64(p, g, N) - k.dot_f64(p, r, N), iters };
  }

  /** Draws this iteration's curvature mini-batch from the seeded shuffle. */
  private drawBatch(): void {
    const net = this.obj.net, res = net.residentData(this.obj.data);
    this.rng.shuffle(res.order, this.obj.data.n);
    res.gather(res.order, this.B, this.x, this.y, this.lab);
  }

  iterate(): IterationResult {
    const net = this.obj.net, k = net.engine.k, N = net.numParams, P = net.paramPtr;
    const { g, p } = this;
    const f0 = this.fHere ?? this.obj.evaluate(g);
    const gnorm = Math.sqrt(k.dot_f64(g, g, N));
    if (!(gnorm > 0)) return { ok: false, reason: "line-search", message: `the gradient is zero or not finite (‖∇f‖ = ${gnorm}): nothing to descend` };
    this.drawBatch();
    k.copy(this.theta0, P, N);
    k.copy(this.g0, g, N);
    for (let attempt = 0; attempt < 4; attempt++) {
      // warm start from 0.95 of the previous step (Martens §4.5) when it still points downhill
      k.scale(p, p, N, 0.95);
      if (!(k.dot_f64(p, g, N) < 0)) k.fill(p, N, 0);
      const { pAp } = this.solve(gnorm);
      let gp = k.dot_f64(g, p, N);
      if (!(gp < 0)) {
        k.copy(p, g, N); // CG made no descent step (negative curvature at once): a damped gradient step
        k.scale(p, p, N, -1 / this.damping);
        gp = k.dot_f64(g, p, N);
      }
      const model = gp + 0.5 * (pAp - this.damping * k.dot_f64(p, p, N)); // q(p) − q(0), undamped
      for (let t = 0, alpha = 1; t < 20; t++, alpha *= 0.8) {
        k.copy(P, this.theta0, N);
        k.axpy(P, p, N, alpha);
        const f = this.obj.evaluate(g);
        if (t === 0) {
          const rho = (f - f0) / model; // Levenberg–Marquardt on the reduction ratio
          if (!(rho >= 0.25)) this.damping *= 1.5;
          else if (rho > 0.75) this.damping /= 1.5;
        }
        if (f <= f0 + 1e-2 * alpha * gp) {
          if (alpha !== 1) k.scale(p, p, N, alpha);
          this.fHere = f;
          this.step++;
          return { ok: true, f };
        }
      }
      // no decrease along p: back to θ₀, more damping (a shorter, more gradient-like step), again
      k.copy(P, this.theta0, N);
      k.copy(g, this.g0, N);
      k.fill(p, N, 0);
      this.damping *= 4;
    }
    this.fHere = f0;
    return { ok: false, reason: "line-search", message: `no Newton–CG step decreased f = ${f0.toPrecision(8)}, even with damping raised to λ = ${this.damping.toPrecision(3)}` };
  }

  state(): OptimizerState {
    const N = this.obj.net.numParams;
    return { name: "hf", numParams: N, step: this.step, scalars: [this.damping], buffers: [this.obj.net.engine.read(this.p, N)] };
  }

  restore(saved: OptimizerState | null | undefined): void {
    const s = checkState(saved, "hf", this.obj.net.numParams, 1), [p] = s.buffers;
    this.obj.net.engine.write(this.p, p);
    this.damping = s.scalars[0];
    this.step = s.step;
    this.fHere = null;
  }

  save(): OptimizerSnapshot {
    return { velocity: null, optimizer: this.state() };
  }

  load(s: OptimizerSnapshot): void {
    this.restore(s.optimizer);
  }
}
