/**
 * The decoded model checked as a graph: one ai.onnx opset in range, every tensor name defined exactly
 * once, every node input defined (a graph input, an initializer or an earlier node's output), no
 * cycles, every graph output produced; nodes in topological order. Initializers become {@link Value}s
 * here (validated: sizes, payload lengths, NaN). Nothing touches wasm memory.
 */
import type { Attribute, ModelProto, NodeProto } from "./decode.js";
import { OnnxFormatError } from "./protobuf.js";
import { dtypeName, tensorValue, type Value } from "./tensor.js";

/**
 * ai.onnx opsets this loader targets: 11–21. Older ones (1–10) load too, read with the attribute forms
 * those opsets used where this loader knows them (Clip's min/max, Squeeze's axes, legacy broadcast, …).
 */
export const MIN_OPSET = 1, MAX_OPSET = 21;

/** A node with its attributes by name and a label for errors. */
export interface Node {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attribute>;
  /** "node 3 (Conv "conv1")": used in every error about it. */
  label: string;
}

/** A graph input: its name and declared dims (symbolic or unknown dims as strings/null). */
export interface GraphInput {
  name: string;
  dims: (number | string | null)[] | null;
}

export interface Graph {
  opset: number;
  producer: string;
  nodes: Node[];
  inputs: GraphInput[];
  outputs: string[];
  /** Initializers by name. */
  consts: Map<string, Value>;
}

/** Checks the model and sorts its nodes; throws OnnxFormatError naming the node and tensor at fault. */
export function buildGraph(m: ModelProto): Graph {
  const opset = m.opsets.get("") ?? (m.opsets.size === 0 ? 1 : 0);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxFormatError(`the model imports ai.onnx opset ${opset || "(none)"}; supported are opsets ${MIN_OPSET}–${MAX_OPSET} (11–21 fully)`);
  }
  const g = m.graph;
  if (g.sparse) throw new OnnxFormatError(`the graph has ${g.sparse} sparse initializer(s); sparse tensors are not supported`);
  const consts = new Map<string, Value>();
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (!name) throw new OnnxFormatError(`${what} has an empty name`);
    if (defined.has(name)) throw new OnnxFormatError(`tensor "${name}" is defined twice (again by ${what})`);
    defined.add(name);
  };
  for (const t of g.initializers) {
    define(t.name, `an initializer`);
    // an unsupported element type names the node that reads it, its operator and the opset
    const user = g.nodes.findIndex((n) => n.inputs.includes(t.name));
    const where = user < 0 ? `initializer "${t.name}"`
      : `initializer "${t.name}" (input ${g.nodes[user].inputs.indexOf(t.name)} of node ${user} (${g.nodes[user].opType}${g.nodes[user].name ? ` "${g.nodes[user].name}"` : ""}), opset ${opset})`;
    consts.set(t.name, tensorValue(t, where));
  }
  const inputs: GraphInput[] = [];
  for (const v of g.inputs) {
    if (consts.has(v.name)) continue; // old exporters list initializers as inputs too
    define(v.name, `graph input "${v.name}"`);
    if (v.elemType !== 1 && v.elemType !== 0) {
      throw new OnnxFormatError(`graph input "${v.name}" has element type ${dtypeName(v.elemType)}; only float32 inputs are supported`);
    }
    inputs.push({ name: v.name, dims: v.dims });
  }
  const nodes: Node[] = g.nodes.map((n, i) => toNode(n, i));
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === "") continue;
      define(o, `output of ${n.label}`);
      producer.set(o, i);
    }
  });
  // dangling names, then Kahn's algorithm (stable: file order among ready nodes)
  const indeg = nodes.map(() => 0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const name of n.inputs) {
      if (name === "") continue;
      if (!defined.has(name)) throw new OnnxFormatError(`${n.label} reads tensor "${name}", which no graph input, initializer or node defines`);
      const p = producer.get(name);
      if (p !== undefined) {
        indeg[i]++;
        users[p].push(i);
      }
    }
  });
  const order: Node[] = [];
  const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k];
    order.push(nodes[i]);
    for (const u of users[i]) if (--indeg[u] === 0) ready.push(u);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.filter((_, i) => indeg[i] > 0).slice(0, 4).map((n) => n.label);
    throw new OnnxFormatError(`the graph has a cycle through ${stuck.join(", ")}${nodes.length - order.length > 4 ? ", …" : ""}`);
  }
  const outputs = g.outputs.map((v) => v.name);
  if (outputs.length === 0) throw new OnnxFormatError("the graph declares no outputs");
  for (const o of outputs) if (!defined.has(o)) throw new OnnxFormatError(`graph output "${o}" is not produced by any node`);
  if (inputs.length === 0 && outputs.every((o) => !producer.has(o))) {
    // a graph of constants only is fine (it folds); nothing to check
  }
  return { opset, producer: m.producer, nodes: order, inputs, outputs, consts };
}

function toNode(n: NodeProto, i: number): Node {
  const label = `node ${i} (${n.opType || "?"}${n.name ? ` "${n.name}"` : ""})`;
  if (!n.opType) throw new OnnxFormatError(`${label} has no op_type`);
  if (n.domain !== "") {
    throw new OnnxFormatError(`${label} is in domain "${n.domain}"; only the default ai.onnx domain is supported`);
  }
  const attrs = new Map<string, Attribute>();
  for (const a of n.attrs) attrs.set(a.name, a);
  return { name: n.name, opType: n.opType, inputs: n.inputs, outputs: n.outputs, attrs, label };
}

/** Typed attribute access with defaults; wrong types fail naming the node. */
export class Attrs {
  constructor(private readonly node: Node) {}

  private get(name: string): Attribute | undefined {
    return this.node.attrs.get(name);
  }

  has(name: string): boolean {
    return this.node.attrs.has(name);
  }

  int(name: string, dflt: number): number {
    const a = this.get(name);
    if (!a) return dflt;
    if (a.i === undefined) throw new OnnxFormatError(`${this.node.label}: attribute ${name} must be an int`);
    return a.i;
  }

  float(name: string, dflt: number): number {
    const a = this.get(name);
    if (!a) return dflt;
    if (a.f === undefined) throw new OnnxFormatError(`${this.node.label}: attribute ${name} must be a float`);
    return a.f;
  }

  ints(name: string): number[] | undefined {
    return this.get(name)?.ints;
  }

  floats(name: string): number[] | undefined {
    return this.get(name)?.floats;
  }

  string(name: string, dflt: string): string {
    const a = this.get(name);
    if (!a) return dflt;
    if (a.s === undefined) throw new OnnxFormatError(`${this.node.label}: attribute ${name} must be a string`);
    return new TextDecoder().decode(a.s);
  }

  strings(name: string): string[] | undefined {
    return this.get(name)?.strings.map((s) => new TextDecoder().decode(s));
  }

  tensor(name: string): Value | undefined {
    const t = this.get(name)?.t;
    return t ? tensorValue(t, `${this.node.label} attribute ${name}`) : undefined;
  }
}
