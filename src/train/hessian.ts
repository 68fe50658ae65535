/**
 * Hessian-vector products Hv of a network's mean cost over a mini-batch, two ways: exactly, by
 * Pearlmutter's R-operator (forward-over-reverse: a tangent forward pass R{·} beside the forward, then
 * backprop of both), whose passes each layer owns (Layer.rForward / rBackward, declared by
 * Layer.rOpUnsupported); or by a central difference of gradients (∇C(θ + εv) − ∇C(θ − εv))/2ε, which
 * works for any layer. Both leave θ unchanged.
 */
import type { Network } from "../network.js";
import type { Ptr } from "../wasm/engine.js";
import type { RPass } from "../layers/layer.js";

/** How a product is computed: the exact R-operator, or central differences of gradients. */
export type HvpMethod = "exact" | "fd";

/** Why the exact R-operator cannot run on this network (null when it can): the first layer that declares it has none. */
export function exactHvpUnsupported(net: Network): string | null {
  if (!net.graph.chain) return `the R-operator runs through a plain list of layers and this network is a graph; use hvp "fd"`;
  const layers = net.layers;
  const last = layers[layers.length - 1];
  for (const [i, l] of layers.entries()) {
    const why = l.rOpUnsupported({ last: l === last, fusedOutput: net.fusedOutput });
    if (why) return `layer ${i} (${l.spec().type}) ${why}; use hvp "fd"`;
  }
  if (!net.fusedOutput && net.cost.name !== "quadratic") return `the ${net.cost.name} cost is only differentiated twice with its matching output layer; use hvp "fd"`;
  return null;
}

/**
 * Hv for one mini-batch of B examples (inputs x (B, inputSize), targets y (B, outputs), both in wasm
 * memory), with v and the result laid out like the network's parameters. The batch stays fixed
 * between products, as Newton–CG needs. L2 adds l2·v on the weights (the Hessian of l2/2·Σw²).
 */
export class HessianVector {
  private readonly acts: Ptr[] = [];
  private readonly racts: Ptr[] = [];
  private readonly delta: Ptr[] = [];
  private readonly rdelta: Ptr[] = [];
  /** dL/d(input) and its R{·}, for a first layer without parameters. */
  private deltaIn: Ptr = 0;
  private rdeltaIn: Ptr = 0;
  private readonly save: Ptr;
  private readonly gPlus: Ptr;
  private x: Ptr = 0;
  private y: Ptr = 0;
  private B = 0;

  constructor(
    readonly net: Network,
    readonly method: HvpMethod,
    readonly maxBatch: number,
  ) {
    const why = method === "exact" ? exactHvpUnsupported(net) : null;
    if (why) throw new Error(`simdnet: exact Hessian-vector products: ${why}`);
    const e = net.engine;
    if (method === "exact") {
      // per layer: its output a and R{a}, and dL/d(output) and R{dL/d(output)}, for maxBatch rows
      for (const l of net.layers) for (const list of [this.acts, this.racts, this.delta, this.rdelta]) list.push(e.alloc(maxBatch * l.outSize));
      this.deltaIn = e.alloc(maxBatch * net.inputSize);
      this.rdeltaIn = e.alloc(maxBatch * net.inputSize);
    } else net.prepare(maxBatch);
    this.save = e.alloc(net.numParams);
    this.gPlus = e.alloc(net.numParams);
  }

  /** Fixes the mini-batch the products are taken on (pointers stay the caller's). */
  setBatch(x: Ptr, y: Ptr, B: number): void {
    if (!(Number.isInteger(B) && B >= 1 && B <= this.maxBatch)) throw new RangeError(`simdnet: HessianVector batch of ${B}; expected 1..${this.maxBatch}`);
    [this.x, this.y, this.B] = [x, y, B];
  }

  /** out = (H + l2·I_weights) v. */
  product(out: Ptr, v: Ptr, l2 = 0): void {
    if (!this.B) throw new Error("simdnet: HessianVector.setBatch first");
    if (this.method === "exact") this.exact(out, v);
    else this.centralDifference(out, v);
    if (l2) this.net.engine.k.axpy(out, v, this.net.numWeights, l2);
  }

  /** Gradient of the batch's mean cost at the current θ, into the network's grads buffer. */
  private gradient(): void {
    const net = this.net;
    net.zeroGrad();
    net.backwardPtr(net.forwardPtr(this.x, this.B), this.y, this.B);
  }

  private centralDifference(out: Ptr, v: Ptr): void {
    const net = this.net, k = net.engine.k, N = net.numParams, p = net.paramPtr;
    // ε balances truncation O(ε²) against f32 rounding O(u/ε) relative to θ and v
    const vn = Math.sqrt(k.dot_f64(v, v, N));
    if (vn === 0) return k.fill(out, N, 0);
    const eps = (1e-2 * (1 + Math.sqrt(k.dot_f64(p, p, N) / N))) / (vn / Math.sqrt(N));
    k.copy(this.save, p, N);
    k.axpy(p, v, N, eps);
    this.gradient();
    k.copy(this.gPlus, net.gradPtr, N);
    k.copy(p, this.save, N);
    k.axpy(p, v, N, -eps);
    this.gradient();
    k.copy(p, this.save, N);
    k.copy(out, this.gPlus, N);
    k.axpy(out, net.gradPtr, N, -1);
    k.scale(out, out, N, 1 / (2 * eps));
  }

  private exact(out: Ptr, v: Ptr): void {
    const { net, B } = this;
    const e = net.engine, k = e.k, layers = net.layers, p0 = net.paramPtr;
    const r: RPass = { e, B, v, out, at: (buf, param) => buf + (param - p0) };
    k.fill(out, net.numParams, 0);
    // forward and R-forward: a_l = f_l(a_{l−1}), R{a_l} = J_l R{a_{l−1}} + (∂a_l/∂θ_l) v_l; R{x} = 0
    let a = this.x, ra = 0;
    layers.forEach((l, i) => {
      l.rForward(r, this.acts[i], this.racts[i], a, ra);
      a = this.acts[i];
      ra = this.racts[i];
    });
    // seed: δ at the output (or at z of a fused output layer) and R{δ}
    const last = layers.length - 1, n = B * net.outputSize;
    const start = net.fusedOutput ? last - 1 : last;
    k.cost_diff(this.delta[start], a, this.y, n, 1 / B); // (a − y)/B: quadratic, or fused at z
    k.scale(this.rdelta[start], ra, n, 1 / B);
    // backprop of δ and R{δ} through layer i (delta[i] is dL/d(output of i)); R{∂C/∂θ} goes to out
    for (let i = start; i >= 0; i--) {
      const dIn = i > 0 ? this.delta[i - 1] : this.deltaIn, rdIn = i > 0 ? this.rdelta[i - 1] : this.rdeltaIn;
      const aIn = i > 0 ? this.acts[i - 1] : this.x, raIn = i > 0 ? this.racts[i - 1] : 0;
      layers[i].rBackward(r, dIn, rdIn, this.delta[i], this.rdelta[i], this.acts[i], aIn, raIn, i > 0);
    }
  }
}
