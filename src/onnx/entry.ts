/**
 * "simdnet/onnx": load an ONNX model and run it, and nothing else. Runs on the inference kernel build
 * (build/simdnet.infer{,.relaxed}.wasm, the forward kernels only) like "simdnet/infer", so a bundle of
 * this entry is the importer plus one small module. Edge workers that cannot read files pass the module
 * they import: `loadOnnx(bytes, { wasm: precompiledModule })`.
 */
import { createInferenceEngine, readModelSource, type InferOptions, type ModelSource } from "../infer.js";
import { deserializeModel, isSimdnetModel, type ModelHeader } from "../io/model.js";
import type { Network } from "../network.js";
import { loadOnnxNet, type OnnxHeader, type OnnxNet } from "./net.js";
import { openOnnx, type OnnxModel, type OnnxOptions, type OnnxSource } from "./model.js";

export type { OnnxModel, OnnxTensor, OnnxInput, OnnxValueInfo, OnnxSource } from "./model.js";
export { OnnxFormatError } from "./protobuf.js";
export { supportsSimd } from "../wasm/load.js";
export type { OnnxHeader, OnnxNet } from "./net.js";
export type { Network } from "../network.js";
export type { ModelHeader } from "../io/model.js";

/** What {@link loadModel} returns: a simdnet network and its header, or an ONNX model behind the same `feedforward`/`predict`/`evaluate` (`header.format === "onnx"`). */
export type LoadedModel = { net: Network; header: ModelHeader } | { net: OnnxNet; header: OnnxHeader };

/** {@link OnnxOptions} plus the inference engine's: `wasm` (a Module, bytes or URL), `variant`, `maximumPages`. */
export type OnnxLoadOptions = OnnxOptions & Omit<InferOptions, "engine">;

/**
 * Loads an ONNX model (bytes or URL) onto the inference kernels (or `options.engine`): decoded, checked
 * and planned for `inputShape` before anything is allocated; errors name the node, operator and opset.
 */
export function loadOnnx(source: OnnxSource, options: OnnxLoadOptions = {}): Promise<OnnxModel> {
  return openOnnx(source, options, () => createInferenceEngine(options));
}

/**
 * "simdnet/infer"'s `loadModel` that also takes ONNX: bytes (or a URL) of a simdnet model load as a
 * Network; anything else that decodes as an ONNX ModelProto loads as an {@link OnnxNet} (first input in,
 * first output out, batch free) with the same `feedforward` / `predict`. Bytes that are neither give one
 * Error naming both formats.
 */
export async function loadModel(source: ModelSource, options: InferOptions = {}): Promise<LoadedModel> {
  const bytes = await readModelSource(source);
  const engine = options.engine ?? (await createInferenceEngine(options));
  return isSimdnetModel(bytes) ? deserializeModel(bytes, { engine }) : loadOnnxNet(bytes, engine);
}
