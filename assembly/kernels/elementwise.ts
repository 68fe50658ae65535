// TODO: elementwise kernels (being written)
