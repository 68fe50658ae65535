/**
 * network3's ConvPoolLayer by composition: a convolution, a pooling and an activation as three
 * layers. With max-pooling the activation follows the pooling, as in network3 (the same function,
 * on a quarter as many values); L2 pooling pools the activations (chapter 6: "the square root of
 * the sum of the squares of the activations in the 2×2 region").
 */
import type { Layer, Shape } from "./layer.js";
import { Conv2D, type Conv2DOptions } from "./conv2d.js";
import { Pool2D, type PoolKind } from "./pool2d.js";
import { Activation, type ActivationName } from "./activation.js";

export interface ConvPoolOptions extends Conv2DOptions {
  /** Pooling region p (p × p, stride p; default 2). */
  pool?: number;
  /** Default "max". */
  poolKind?: PoolKind;
  /** Default "sigmoid", as network3. */
  activation?: ActivationName;
}

/** The layers of one conv-pool stage over inputs of inShape = [C, H, W]. */
export function convPool(inShape: Shape, opts: ConvPoolOptions): Layer[] {
  const conv = new Conv2D(inShape, opts);
  const kind = opts.poolKind ?? "max";
  const fn = opts.activation ?? "sigmoid";
  if (kind === "max") {
    const pool = new Pool2D(conv.outShape, { size: opts.pool ?? 2, kind });
    return [conv, pool, new Activation(fn, pool.outShape)];
  }
  const act = new Activation(fn, conv.outShape);
  return [conv, act, new Pool2D(conv.outShape, { size: opts.pool ?? 2, kind })];
}
