/**
 * A network's layers as a graph wired by named tensors: each node is a layer, the names of the tensors
 * it reads and the name of the one it writes. A plain list of layers is the common case (node i reads
 * node i − 1's output, the first reads the input) and runs exactly the loop it always did; anything
 * else (residual Add, Concat) runs in topological order. The plan (order, tensor sizes, consumers, the
 * gradient buffers of tensors read more than once) is made once, at construction; `allocate` sizes
 * every buffer once per batch capacity, so no step allocates.
 */
import type { Engine, Ptr } from "./wasm/engine.js";
import type { Layer, Mode, Shape } from "./layers/layer.js";

/** A layer in a graph: the tensors it reads (by name, in the layer's input order) and the one it writes. */
export interface GraphNode {
  readonly layer: Layer;
  readonly inputs: readonly string[];
  readonly output: string;
}

/** A graph of layers: its nodes (any order without cycles), the input tensor's name and the output's. */
export interface GraphSpec {
  readonly nodes: readonly GraphNode[];
  /** The name nodes use for the network input (default "input"). */
  readonly input?: string;
  /** The tensor the network outputs (default: the last node's output). */
  readonly output?: string;
}

/** The node list of a plain chain of layers: node i reads tensor `${i − 1}` (the first reads "input") and writes `${i}`. */
export function chainNodes(layers: readonly Layer[]): GraphNode[] {
  return layers.map((layer, i) => ({ layer, inputs: [i === 0 ? "input" : String(i - 1)], output: String(i) }));
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** The execution plan of a {@link GraphSpec}. */
export class Graph {
  /** The nodes in execution (topological) order. */
  readonly nodes: readonly GraphNode[];
  /** The layers in execution order. */
  readonly layers: readonly Layer[];
  readonly input: string;
  readonly output: string;
  /** True when the graph is a plain list of layers (each reads the one before). */
  readonly chain: boolean;
  /** The per-example shape of the input tensor. */
  readonly inputShape: Shape;
  /** Tensor ids: 0 is the input, j + 1 node j's output; ins[j] lists node j's input ids. */
  private readonly ins: number[][];
  private readonly sizes: number[];
  private readonly readers: number[];
  private readonly outId: number;
  private readonly vals: Ptr[];
  private readonly grads: Ptr[];
  /** Gradient accumulation buffers of tensors read by more than one node (0 for the others). */
  private acc: Ptr[] = [];
  private e!: Engine;

  constructor(spec: GraphSpec) {
    if (!spec || typeof spec !== "object") fail(`a network is built from layer sizes, a list of layers or a graph { nodes }, got ${String(spec)}`);
    const input = spec.input ?? "input";
    const given: readonly GraphNode[] = spec.nodes;
    if (!Array.isArray(given) || given.length === 0) fail("a network needs at least one layer");
    const seen = new Set<Layer>();
    const producer = new Map<string, number>();
    given.forEach((n, i) => {
      if (seen.has(n.layer)) fail(`node ${i} (${n.layer.spec().type}) uses a layer that another node uses too; each layer runs once per pass`);
      seen.add(n.layer);
      if (n.output === input || producer.has(n.output)) fail(`node ${i} (${n.layer.spec().type}) writes tensor ${JSON.stringify(n.output)}, which ${n.output === input ? "is the input" : `node ${producer.get(n.output)} writes too`}`);
      producer.set(n.output, i);
      if (!Array.isArray(n.inputs) || n.inputs.length !== n.layer.inShapes.length) fail(`node ${i} (${n.layer.spec().type}) reads ${n.inputs?.length ?? 0} tensors; the layer takes ${n.layer.inShapes.length}`);
      for (const t of n.inputs as string[]) if (t !== input && !producer.has(t) && !given.some((m) => m.output === t)) fail(`node ${i} (${n.layer.spec().type}) reads tensor ${JSON.stringify(t)}, which no node writes (and it is not the input ${JSON.stringify(input)})`);
    });
    // Kahn's algorithm, taking the earliest ready node first: a list in order stays in order
    const order: number[] = [];
    const done = new Set<string>([input]);
    const left = given.map((_, i) => i);
    while (left.length) {
      const k = left.findIndex((i) => given[i].inputs.every((t: string) => done.has(t)));
      if (k < 0) fail(`the graph has a cycle through node ${left[0]} (${given[left[0]].layer.spec().type})`);
      const i = left.splice(k, 1)[0];
      order.push(i);
      done.add(given[i].output);
    }
    this.nodes = order.map((i) => given[i]);
    this.layers = this.nodes.map((n) => n.layer);
    this.input = input;
    this.output = spec.output ?? given[given.length - 1].output;
    const id = new Map<string, number>([[input, 0], ...this.nodes.map((n, j) => [n.output, j + 1] as const)]);
    if (!id.has(this.output)) fail(`the output tensor ${JSON.stringify(this.output)} is not written by any node`);
    this.outId = id.get(this.output)!;
    this.ins = this.nodes.map((n) => n.inputs.map((t) => id.get(t)!));
    this.chain = this.nodes.every((n, j) => n.inputs.length === 1 && this.ins[j][0] === j) && this.outId === this.nodes.length;
    // shapes: the input's from its first reader; every other tensor's from its writer
    const first = this.nodes.findIndex((_, j) => this.ins[j].includes(0));
    if (first < 0) fail(`no node reads the input tensor ${JSON.stringify(input)}`);
    this.inputShape = this.nodes[first].layer.inShapes[this.ins[first].indexOf(0)];
    this.sizes = [size(this.inputShape), ...this.layers.map((l) => l.outSize)];
    this.nodes.forEach((n, j) => {
      n.layer.inShapes.forEach((s, k) => {
        const t = this.ins[j][k];
        if (size(s) === this.sizes[t]) return;
        if (this.chain) fail(`layer ${j - 1} (${this.layers[j - 1].spec().type}) outputs ${this.sizes[t]} values per example but layer ${j} (${n.layer.spec().type}) expects ${size(s)}`);
        fail(`node ${JSON.stringify(n.output)} (${n.layer.spec().type}) reads ${JSON.stringify(n.inputs[k])} of ${this.sizes[t]} values per example as its input ${k}, which takes ${size(s)}`);
      });
    });
    this.readers = this.sizes.map((_, t) => this.ins.reduce((a, list) => a + list.filter((x) => x === t).length, 0));
    // every node must lead to the output: walk back from it
    const used = new Set<number>([this.outId]);
    for (let j = this.nodes.length - 1; j >= 0; j--) if (used.has(j + 1)) for (const t of this.ins[j]) used.add(t);
    this.nodes.forEach((n, j) => {
      if (!used.has(j + 1)) fail(`node ${JSON.stringify(n.output)} (${n.layer.spec().type}) does not lead to the output ${JSON.stringify(this.output)}`);
    });
    this.vals = new Array<Ptr>(this.sizes.length).fill(0);
    this.grads = new Array<Ptr>(this.sizes.length).fill(0);
  }

  /** The node that writes the output tensor. */
  get top(): GraphNode {
    return this.nodes[this.outId - 1];
  }

  /** The wiring as saved in a model file (the layers' specs are saved beside it, in node order). */
  wiring(): { input: string; output: string; nodes: { inputs: string[]; output: string }[] } {
    return { input: this.input, output: this.output, nodes: this.nodes.map((n) => ({ inputs: [...n.inputs], output: n.output })) };
  }

  /** Sizes every layer's buffers and the gradient accumulators for batches of up to maxBatch. */
  allocate(e: Engine, maxBatch: number): void {
    this.e = e;
    for (const l of this.layers) l.allocate(e, maxBatch);
    this.acc = this.sizes.map((n, t) => (t > 0 && this.readers[t] > 1 ? e.alloc(maxBatch * n) : 0));
  }

  /** Runs every node on B examples at x; returns the output tensor's pointer. */
  forward(x: Ptr, B: number, mode: Mode): Ptr {
    if (this.chain) {
      for (const l of this.layers) x = l.forward(x, B, mode);
      return x;
    }
    const v = this.vals;
    v[0] = x;
    this.nodes.forEach((n, j) => (v[j + 1] = n.layer.forwardMany(this.ins[j].map((t) => v[t]), B, mode)));
    return v[this.outId];
  }

  /**
   * Backpropagation from delta, dL/d(output), or dL/d(the top node's input) when skipTop (a fused cost
   * and output layer): ADDS every parameter gradient. A tensor read by several nodes sums their
   * gradients in its accumulator, in reverse execution order.
   */
  backward(delta: Ptr, B: number, skipTop: boolean): void {
    const last = this.layers.length - 1;
    if (this.chain) {
      let d = delta;
      for (let i = skipTop ? last - 1 : last; i >= 0; i--) d = this.layers[i].backward(d, B, i > 0);
      return;
    }
    const g = this.grads;
    g.fill(0);
    const top = this.outId - 1;
    if (skipTop) this.addGrad(this.ins[top][0], delta, B);
    else this.addGrad(this.outId, delta, B);
    for (let j = last; j >= 0; j--) {
      if ((skipTop && j === top) || !g[j + 1]) continue;
      const ids = this.ins[j];
      const dins = this.nodes[j].layer.backwardMany(g[j + 1], B, ids.map((t) => t !== 0));
      ids.forEach((t, k) => t !== 0 && this.addGrad(t, dins[k], B));
    }
  }

  private addGrad(t: number, d: Ptr, B: number): void {
    if (!d) return;
    const g = this.grads;
    if (this.readers[t] <= 1) g[t] = d;
    else if (!g[t]) {
      this.e.k.copy(this.acc[t], d, B * this.sizes[t]);
      g[t] = this.acc[t];
    } else this.e.k.axpy(this.acc[t], d, B * this.sizes[t], 1);
  }
}
