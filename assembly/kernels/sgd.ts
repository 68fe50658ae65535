// TODO: sgd kernels (being written)
