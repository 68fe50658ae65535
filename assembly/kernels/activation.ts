// TODO: activation kernels (being written)
