// TODO: gemm kernels (being written)
