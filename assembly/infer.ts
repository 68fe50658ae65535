// The inference-only build (build/simdnet.infer{,.relaxed}.wasm, loaded by src/infer.ts): the forward
// kernels that loading a saved model and predicting call, and nothing that trains. Named re-exports,
// so asc drops every backward, cost, optimizer and data kernel. Same ABI as assembly/index.ts.
export { gemm, gemm_scratch_floats } from "./kernels/gemm";
export { fill, copy, bias_add } from "./kernels/elementwise";
export { sigmoid_forward, tanh_forward, relu_forward, step_forward } from "./kernels/activation";
export { softmax_forward } from "./kernels/softmax";
export { row_argmax, count_nonfinite } from "./kernels/reduce";
// Networks initialise their weights before a model's weights overwrite them.
export { rng_seed, rng_normal, rng_uniform } from "./kernels/rng";
export { conv2d_forward, conv2d_direct_forward } from "./kernels/conv";
export { maxpool2d_forward, l2pool2d_forward } from "./kernels/pool";
// ONNX operators' forward kernels (branch onnxk)
export { add_broadcast_forward, sub_broadcast_forward, mul_broadcast_forward, div_broadcast_forward } from "./kernels/broadcast";
export { channel_affine_forward, prelu_forward } from "./kernels/channel";
export { leaky_relu_forward, elu_forward, hard_sigmoid_forward, hard_swish_forward, clip_forward, gelu_forward, gelu_tanh_forward } from "./kernels/activation_ext";
export { avgpool2d_forward, global_avgpool_forward, global_maxpool_forward } from "./kernels/avgpool";
export { dwconv2d_forward } from "./kernels/depthwise";
export { im2col2d_forward } from "./kernels/im2col2d";
export { strided_copy } from "./kernels/layout";
export { lstm_cell_forward } from "./kernels/lstm";
export { gru_gates_forward, gru_cell_forward } from "./kernels/gru";

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
