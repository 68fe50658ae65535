/**
 * One place that turns layer specs (JSON) back into layers: used by save/load and the CLI's
 * architecture strings. Each spec is what a layer's spec() returns; shapes chain from the input shape.
 */
import { Layer, type LayerSpec, type Shape } from "./layer.js";
import { Dense } from "./dense.js";
import { Activation } from "./activation.js";
import { Softmax } from "./softmax.js";
import { Dropout } from "./dropout.js";
import { Conv2D, type ConvAlgorithm, type Padding } from "./conv2d.js";
import { Pool2D, type PoolKind } from "./pool2d.js";

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
      case "conv2d": {
        const input = imageShape(shape, spec);
        if (spec.channels !== undefined && num(spec, "channels") !== input[0]) {
          throw new RangeError(`simdnet: conv2d layer expects ${String(spec.channels)} input channels but the previous layer gives ${input[0]} (shape [${input.join(", ")}])`);
        }
        const padding = spec.padding === undefined ? "valid" : typeof spec.padding === "number" ? spec.padding : String(spec.padding);
        layer = new Conv2D(input, {
          filters: num(spec, "filters"),
          kernel: num(spec, "kernel"),
          stride: spec.stride === undefined ? 1 : num(spec, "stride"),
          padding: padding as Padding,
          algorithm: (spec.algorithm ?? "auto") as ConvAlgorithm,
        });
        break;
      }
      case "pool2d":
        layer = new Pool2D(imageShape(shape, spec), {
          size: num(spec, "size"),
          stride: spec.stride === undefined ? undefined : num(spec, "stride"),
          kind: (spec.kind ?? "max") as PoolKind,
          exact: spec.exact === undefined ? true : Boolean(spec.exact),
        });
        break;
      default:
        throw new TypeError(`simdnet: unknown layer type ${JSON.stringify(spec?.type)}; expected dense, conv2d, pool2d, activation, softmax or dropout`);
    }
    layers.push(layer);
    shape = layer.outShape;
  }
  return layers;
}
