// The module's whole export surface: one line per kernel file.
export * from "./kernels/gemm";
export * from "./kernels/elementwise";
export * from "./kernels/activation";
export * from "./kernels/softmax";
export * from "./kernels/cost";
export * from "./kernels/reduce";
export * from "./kernels/sgd";
export * from "./kernels/rng";
export * from "./kernels/conv";
export * from "./kernels/pool";
export * from "./kernels/optim";
export * from "./kernels/rnn";
// ONNX operators and the layers of issue 19 (branch onnxk)
export * from "./kernels/broadcast";
export * from "./kernels/channel";
export * from "./kernels/activation_ext";
export * from "./kernels/avgpool";
export * from "./kernels/depthwise";
export * from "./kernels/im2col2d";
export * from "./kernels/layout";
export * from "./kernels/lstm";
export * from "./kernels/gru";
export * from "./kernels/batchnorm";

/** First byte the TS arena may use: everything below belongs to AssemblyScript's static data. */
export function heap_base(): usize {
  return __heap_base;
}

/** 1 in the build compiled with relaxed SIMD (FMA), 0 in the plain one: the engine reports it. */
export function relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

/** 1 in the debug build, whose assert() shape preconditions are compiled in. */
export function debug_build(): i32 {
  return ASC_NO_ASSERT ? 0 : 1;
}
