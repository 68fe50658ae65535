// TODO: rng kernels (being written)
