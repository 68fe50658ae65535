// The threads build's export surface (build/simdnet.threads{,.relaxed}.wasm): every kernel of index.ts,
// plus what the worker pool (src/wasm/pool.ts) splits work with. Compiled with the `threads` feature
// and a shared imported memory; kernels keep no module-level state, so every worker's instance of this
// module can run any of them on its own slice of the one memory.
export * from "./index";
export * from "./kernels/parallel";
