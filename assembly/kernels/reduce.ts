// TODO: reduce kernels (being written)
