/**
 * The layer registry: one table from a spec's type to the function that builds the layer, used by
 * save/load and the CLI's architecture strings. Each spec is what a layer's spec() returns; a builder
 * gets the per-example shapes of the tensors the layer reads (one for most layers) and checks the
 * spec against them. Adding a layer type is one line here (see README, "Adding a layer").
 */
import type { Layer, LayerSpec, Shape } from "./layer.js";
import { Dense } from "./dense.js";
import { Activation } from "./activation.js";
import { Softmax } from "./softmax.js";
import { Dropout } from "./dropout.js";
import { Conv2D, type ConvAlgorithm, type Padding } from "./conv2d.js";
import { Pool2D, type PoolKind } from "./pool2d.js";
import { Add } from "./add.js";
import { Concat } from "./concat.js";
import { RNN, type RnnActivation } from "../rnn/rnn.js";
import { chainNodes, type GraphNode, type GraphSpec } from "../graph.js";

/**
 * The (C, H, W) a convolution or pooling layer sees: the previous shape when it is already 3-D, or a
 * flat square input (784 values: a 28×28 digit) read as one channel.
 */
function imageShape(shape: Shape, spec: LayerSpec): Shape {
  if (shape.length === 3) return shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(n));
  if (shape.length === 1 && side * side === n) return [1, side, side];
  throw new RangeError(`simdnet: ${String(spec.type)} layer needs an image input [channels, height, width], but the previous layer gives [${shape.join(", ")}]`);
}

function num(spec: LayerSpec, key: string): number {
  const v = spec[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TypeError(`simdnet: layer spec ${JSON.stringify(spec)} needs a number "${key}"`);
  }
  return v;
}

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Builds one layer type from its spec and the shapes of the tensors it reads. */
export type LayerBuilder = (spec: LayerSpec, inputs: readonly Shape[]) => Layer;

/** Every layer type the registry builds: type → builder. */
export const LAYERS: Readonly<Record<string, LayerBuilder>> = {
  dense: (spec, [shape]) => {
    const size = sizeOf(shape);
    const inputs = spec.inputs === undefined ? size : num(spec, "inputs");
    if (inputs !== size) throw new RangeError(`simdnet: dense layer expects ${inputs} inputs but the previous layer gives ${size}`);
    return new Dense(inputs, num(spec, "outputs"));
  },
  activation: (spec, [shape]) => new Activation(String(spec.fn), shape),
  softmax: (spec, [shape]) => {
    const size = sizeOf(shape);
    if (spec.classes !== undefined && num(spec, "classes") !== size) {
      throw new RangeError(`simdnet: softmax over ${String(spec.classes)} classes but the previous layer gives ${size} values`);
    }
    return new Softmax(size);
  },
  dropout: (spec, [shape]) => new Dropout(num(spec, "rate"), shape),
  conv2d: (spec, [shape]) => {
    const input = imageShape(shape, spec);
    if (spec.channels !== undefined && num(spec, "channels") !== input[0]) {
      throw new RangeError(`simdnet: conv2d layer expects ${String(spec.channels)} input channels but the previous layer gives ${input[0]} (shape [${input.join(", ")}])`);
    }
    const padding = spec.padding === undefined ? "valid" : typeof spec.padding === "number" ? spec.padding : String(spec.padding);
    return new Conv2D(input, {
      filters: num(spec, "filters"),
      kernel: num(spec, "kernel"),
      stride: spec.stride === undefined ? 1 : num(spec, "stride"),
      padding: padding as Padding,
      algorithm: (spec.algorithm ?? "auto") as ConvAlgorithm,
    });
  },
  pool2d: (spec, [shape]) =>
    new Pool2D(imageShape(shape, spec), {
      size: num(spec, "size"),
      stride: spec.stride === undefined ? undefined : num(spec, "stride"),
      kind: (spec.kind ?? "max") as PoolKind,
      exact: spec.exact === undefined ? true : Boolean(spec.exact),
    }),
  add: (spec, shapes) => {
    const sizes = shapes.map(sizeOf);
    if (sizes.some((n) => n !== sizes[0])) throw new RangeError(`simdnet: add layer sums inputs of one size, got ${sizes.join(" and ")} values per example`);
    if (spec.inputs !== undefined && num(spec, "inputs") !== shapes.length) throw new RangeError(`simdnet: add layer spec says ${String(spec.inputs)} inputs but the graph wires ${shapes.length}`);
    return new Add(shapes[0], shapes.length);
  },
  concat: (_spec, shapes) => new Concat(shapes),
  rnn: (spec, [shape]) => {
    if (shape.length !== 2) throw new RangeError(`simdnet: rnn layer reads each example as [steps, features], but the previous layer gives [${shape.join(", ")}]`);
    return new RNN(shape[1], num(spec, "hidden"), (spec.activation ?? "tanh") as RnnActivation, { steps: shape[0], sequences: Boolean(spec.sequences) });
  },
};

/** Builds one layer from its spec, given the per-example shapes of the tensors it reads. */
export function buildLayer(spec: LayerSpec, inputs: readonly Shape[]): Layer {
  const build = typeof spec?.type === "string" && Object.hasOwn(LAYERS, spec.type) ? LAYERS[spec.type] : undefined;
  if (!build) throw new TypeError(`simdnet: unknown layer type ${JSON.stringify(spec?.type)}; expected ${Object.keys(LAYERS).join(", ")}`);
  return build(spec, inputs);
}

/** Builds the layers described by specs, feeding each one the previous layer's output shape. */
export function buildLayers(specs: readonly LayerSpec[], inputShape: Shape): Layer[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new TypeError("simdnet: an architecture needs at least one layer spec");
  const layers: Layer[] = [];
  let shape = inputShape;
  for (const spec of specs) {
    const layer = buildLayer(spec, [shape]);
    layers.push(layer);
    shape = layer.outShape;
  }
  return layers;
}

/**
 * Builds a network's graph from layer specs (in execution order) and, for anything but a plain list,
 * the wiring a model file saves (src/graph.ts's Graph.wiring()): each layer gets the shapes of the
 * tensors it reads.
 */
export function buildGraph(specs: readonly LayerSpec[], inputShape: Shape, wiring?: { input: string; output: string; nodes: { inputs: string[]; output: string }[] }): GraphSpec {
  if (!wiring) return { nodes: chainNodes(buildLayers(specs, inputShape)) };
  if (!Array.isArray(specs) || !Array.isArray(wiring.nodes) || wiring.nodes.length !== specs.length) throw new TypeError(`simdnet: a graph needs one wiring entry per layer spec (${Array.isArray(specs) ? specs.length : 0} specs)`);
  const shapes = new Map<string, Shape>([[wiring.input, inputShape]]);
  const nodes: GraphNode[] = specs.map((spec, i) => {
    const w = wiring.nodes[i];
    const ins = (Array.isArray(w?.inputs) ? w.inputs : []).map((t) => shapes.get(t) ?? (() => { throw new RangeError(`simdnet: graph node ${i} (${String(spec?.type)}) reads tensor ${JSON.stringify(t)} before any node writes it`); })());
    const layer = buildLayer(spec, ins);
    shapes.set(w.output, layer.outShape);
    return { layer, inputs: w.inputs, output: w.output };
  });
  return { nodes, input: wiring.input, output: wiring.output };
}
