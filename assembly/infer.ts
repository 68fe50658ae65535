// The inference-only build (build/simdnet.infer{,.relaxed}.wasm, loaded by src/infer.ts): the forward
// kernels that loading a saved model (or an ONNX model: hadamard, axpy, log_softmax_forward) and
// predicting call, and nothing that trains. Named re-exports,
// so asc drops every backward, cost, optimizer and data kernel. Same ABI as assembly/index.ts.
export { gemm, gemm_scratch_floats } from "./kernels/gemm";
export { fill, copy, bias_add, hadamard, axpy } from "./kernels/elementwise";
export { sigmoid_forward, tanh_forward, relu_forward, step_forward } from "./kernels/activation";
export { softmax_forward, log_softmax_forward } from "./kernels/softmax";
export { row_argmax, count_nonfinite } from "./kernels/reduce";
// Networks initialise their weights before a model's weights overwrite them.
export { rng_seed, rng_normal, rng_uniform } from "./kernels/rng";
export { conv2d_forward, conv2d_direct_forward } from "./kernels/conv";
export { maxpool2d_forward, l2pool2d_forward } from "./kernels/pool";

/** First byte the TS arena may use: everything below belongs to AssemblyScript's static data. */
export function heap_base(): usize {
  return __heap_base;
}

/** 1 in the build compiled with relaxed SIMD (FMA), 0 in the plain one: the engine reports it. */
export function relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

/** Always 0: the inference build has no assert() shape preconditions. */
export function debug_build(): i32 {
  return 0;
}
