/**
 * One place that turns layer specs (JSON) back into layers: used by save/load and the CLI's
 * architecture strings. Each spec is what a layer's spec() returns; shapes chain from the input shape.
 */
import { Layer, type LayerSpec, type Shape } from "./layer.js";
import { Dense } from "./dense.js";
import { Activation } from "./activation.js";
import { Softmax } from "./softmax.js";
import { Dropout } from "./dropout.js";

function num(spec: LayerSpec, key: string): number {
  const v = spec[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TypeError(`simdnet: layer spec ${JSON.stringify(spec)} needs a number "${key}"`);
  }
  return v;
}

/** Builds the layers described by specs, feeding each one the previous layer's output shape. */
export function buildLayers(specs: readonly LayerSpec[], inputShape: Shape): Layer[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new TypeError("simdnet: an architecture needs at least one layer spec");
  const layers: Layer[] = [];
  let shape = inputShape;
  for (const spec of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    let layer: Layer;
    switch (spec?.type) {
      case "dense": {
        const inputs = spec.inputs === undefined ? size : num(spec, "inputs");
        if (inputs !== size) throw new RangeError(`simdnet: dense layer expects ${inputs} inputs but the previous layer gives ${size}`);
        layer = new Dense(inputs, num(spec, "outputs"));
        break;
      }
      case "activation":
        layer = new Activation(String(spec.fn), shape);
        break;
      case "softmax":
        if (spec.classes !== undefined && num(spec, "classes") !== size) {
          throw new RangeError(`simdnet: softmax over ${String(spec.classes)} classes but the previous layer gives ${size} values`);
        }
        layer = new Softmax(size);
        break;
      case "dropout":
        layer = new Dropout(num(spec, "rate"), shape);
        break;
      default:
        throw new TypeError(`simdnet: unknown layer type ${JSON.stringify(spec?.type)}; expected dense, activation, softmax or dropout`);
    }
    layers.push(layer);
    shape = layer.outShape;
  }
  return layers;
}
