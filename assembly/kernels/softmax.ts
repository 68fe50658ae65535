// TODO: softmax kernels (being written)
