/**
 * The per-mini-batch optimizers: the SGD family ("sgd" | "momentum" | "nesterov", the fused sgd_update
 * kernel) and the adaptive ones ("adam" | "rmsprop" | "adagrad", one fused pass each,
 * assembly/kernels/optim.ts), L2/L1 decay applied to the weights' gradient alike on every path. Each
 * is one pass over the weights (with decay) and one over the biases (without). Registered by name in
 * src/train/registry.ts; the full-batch methods are in src/train/fullbatch.ts and src/train/hf.ts.
 */
import type { Ptr } from "../wasm/engine.js";
import { checkState, type FlatParams, type MiniBatchOptimizer, type OptimizerConfig, type OptimizerSnapshot, type OptimizerState } from "./optimizer.js";

export { checkState, type FlatParams } from "./optimizer.js";

/**
 * w ← w − η(∇C + (λ/n)w + (λ₁/n)sgn w), biases without decay; with momentum μ > 0 through a velocity
 * (classical or Nesterov's), which is its checkpoint section (TrainState.velocity).
 */
export class Sgd implements MiniBatchOptimizer {
  readonly kind = "mini-batch";
  /** The velocity (numParams f32), 0 without momentum. */
  private readonly vel: Ptr;

  constructor(
    private readonly net: FlatParams,
    readonly name: string,
    private readonly mu: number,
    private readonly nesterov: boolean,
  ) {
    this.vel = mu ? net.engine.alloc(net.numParams) : 0;
  }

  step(lr: number, l2: number, l1: number): void {
    const { net, mu } = this;
    const e = net.engine, nesterov = this.nesterov ? 1 : 0;
    e.k.sgd_update(net.paramPtr, net.gradPtr, this.vel, net.numWeights, lr, l2, l1, mu, nesterov);
    const nb = net.numParams - net.numWeights;
    if (nb > 0) {
      const off = 4 * net.numWeights;
      e.k.sgd_update(net.paramPtr + off, net.gradPtr + off, this.vel ? this.vel + off : 0, nb, lr, 0, 0, mu, nesterov);
    }
  }

  save(): OptimizerSnapshot {
    return { velocity: this.vel ? this.net.engine.read(this.vel, this.net.numParams) : null, optimizer: null };
  }

  load(s: OptimizerSnapshot): void {
    if (this.vel && s.velocity) this.net.engine.write(this.vel, s.velocity);
  }
}

/** Adam, RMSProp or AdaGrad: one fused kernel pass over the weights (with decay) and one over the biases. */
export class AdaptiveOptimizer implements MiniBatchOptimizer {
  readonly kind = "mini-batch";
  private t = 0;
  private readonly m: Ptr;
  private readonly v: Ptr;

  constructor(
    private readonly net: FlatParams,
    readonly config: OptimizerConfig,
  ) {
    if (config.name !== "adam" && config.name !== "rmsprop" && config.name !== "adagrad") {
      throw new RangeError(`simdnet: AdaptiveOptimizer runs adam, rmsprop or adagrad, not ${JSON.stringify(config.name)}`);
    }
    this.m = config.name === "adam" ? net.engine.alloc(net.numParams) : 0;
    this.v = net.engine.alloc(net.numParams);
  }

  get name(): string {
    return this.config.name;
  }

  /** One update from the gradient in net's grads buffer: weights with decay l2/l1, biases without. */
  step(lr: number, l2: number, l1: number): void {
    const { net, config: c } = this;
    this.t++;
    this.pass(0, net.numWeights, lr, l2, l1, c);
    if (net.numParams > net.numWeights) this.pass(net.numWeights, net.numParams - net.numWeights, lr, 0, 0, c);
  }

  private pass(start: number, N: number, lr: number, l2: number, l1: number, c: OptimizerConfig): void {
    const e = this.net.engine;
    const off = 4 * start;
    const p = this.net.paramPtr + off, g = this.net.gradPtr + off;
    const eps = c.epsilon ?? 1e-8;
    if (c.name === "adam") {
      const b1 = c.beta1 ?? 0.9, b2 = c.beta2 ?? 0.999;
      e.k.adam_update(p, g, this.m + off, this.v + off, N, lr, l2, l1, b1, b2, eps, 1 / (1 - b1 ** this.t), 1 / (1 - b2 ** this.t));
    } else if (c.name === "rmsprop") e.k.rmsprop_update(p, g, this.v + off, N, lr, l2, l1, c.rho ?? 0.9, eps);
    else e.k.adagrad_update(p, g, this.v + off, N, lr, l2, l1, eps);
  }

  state(): OptimizerState {
    const e = this.net.engine, n = this.net.numParams;
    return { name: this.config.name, numParams: n, step: this.t, scalars: [], buffers: this.m ? [e.read(this.m, n), e.read(this.v, n)] : [e.read(this.v, n)] };
  }

  restore(s: OptimizerState | null | undefined): void {
    const st = checkState(s, this.config.name, this.net.numParams, this.m ? 2 : 1), bufs = st.buffers;
    this.t = st.step;
    if (this.m) this.net.engine.write(this.m, bufs[0]);
    this.net.engine.write(this.v, bufs[bufs.length - 1]);
  }

  save(): OptimizerSnapshot {
    return { velocity: null, optimizer: this.state() };
  }

  load(s: OptimizerSnapshot): void {
    this.restore(s.optimizer);
  }
}
