/**
 * "simdnet/onnx": load an ONNX model and run it, and nothing else. Runs on the inference kernel build
 * (build/simdnet.infer{,.relaxed}.wasm, the forward kernels only) like "simdnet/infer", so a bundle of
 * this entry is the importer plus one small module. Edge workers that cannot read files pass the module
 * they import: `loadOnnx(bytes, { wasm: precompiledModule })`.
 */
import { createInferenceEngine, type InferOptions } from "../infer.js";
import { openOnnx, type OnnxModel, type OnnxOptions, type OnnxSource } from "./model.js";

export type { OnnxModel, OnnxTensor, OnnxInput, OnnxValueInfo, OnnxSource } from "./model.js";
export { OnnxFormatError } from "./protobuf.js";
export { supportsSimd } from "../wasm/load.js";

/** {@link OnnxOptions} plus the inference engine's: `wasm` (a Module, bytes or URL), `variant`, `maximumPages`. */
export type OnnxLoadOptions = OnnxOptions & Omit<InferOptions, "engine">;

/**
 * Loads an ONNX model (bytes or URL) onto the inference kernels (or `options.engine`): decoded, checked
 * and planned for `inputShape` before anything is allocated; errors name the node, operator and opset.
 */
export function loadOnnx(source: OnnxSource, options: OnnxLoadOptions = {}): Promise<OnnxModel> {
  return openOnnx(source, options, () => createInferenceEngine(options));
}
