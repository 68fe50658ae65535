// TODO: cost kernels (being written)
