"""
An independent check of chapter 1: Nielsen's network.py, transcribed with numpy, on the same IDX
files and the same split as `npm run reproduce -- mlp` (src/data/node.ts loadIdxDir).

    nice -n 19 python3 scripts/network_py_check.py --sizes 784,100,10 --seeds 0,1,2,3,4

The code follows network.py line for line (randn biases and weights, random.shuffle of the training
data each epoch, mini-batches training_data[k:k+m], w -= (eta/len(mini_batch)) * nabla_w, quadratic
cost derivative (a - y) * sigmoid_prime(z), argmax evaluation), with one change for speed: backprop
takes a whole mini-batch as the columns of a matrix and returns the *sum* of the per-example nablas,
which is exactly what update_mini_batch accumulates one example at a time. Everything is float64, as
in network.py.

Data: the first 50,000 images of train-images-idx3-ubyte are training data, the last 10,000 are
validation data, t10k is test data, as loadIdxDir does. Pixels are scaled by 1/255 by default, as
simdnet does; `--scale 256` uses the 1/256 of Nielsen's mnist.pkl.gz (whose largest pixel is
255/256 = 0.99609375).

Each epoch prints validation and test accuracy; the summary gives, per seed, the peak test accuracy
(what network.py prints and the book quotes), the test accuracy of the best validation epoch (our
README's statistic) and the final epoch's, and whether the run got stuck (peak test below --stuck).
"""
import argparse
import gzip
import json
import os
import random
import sys
import time

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist")


#### Data, as src/data/node.ts loadIdxDir
def read_idx(path, magic, header_words):
    gz = os.path.exists(path + ".gz")
    with (gzip.open(path + ".gz", "rb") if gz else open(path, "rb")) as f:
        raw = f.read()
    header = np.frombuffer(raw[: 4 * header_words], dtype=">u4")
    assert header[0] == magic, "%s: wrong magic %x" % (path, header[0])
    return header[1:], np.frombuffer(raw[4 * header_words :], dtype=np.uint8)


def load_mnist(directory, scale):
    """(training, validation, test): inputs as (784, n) float64 columns, labels as (n,) ints."""
    def load(images, labels):
        (n, rows, cols), pixels = read_idx(os.path.join(directory, images), 0x803, 4)
        (m,), lab = read_idx(os.path.join(directory, labels), 0x801, 2)
        assert n == m and pixels.size == n * rows * cols
        return pixels.reshape(n, rows * cols).T.astype(np.float64) / scale, lab.astype(np.int64)
    x, y = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    xt, yt = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    cut = x.shape[1] - 10000
    return (x[:, :cut], y[:cut]), (x[:, cut:], y[cut:]), (xt, yt)


#### network.py
class Network(object):

    def __init__(self, sizes):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [np.random.randn(y, 1) for y in sizes[1:]]
        self.weights = [np.random.randn(y, x)
                        for x, y in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        """Return the output of the network if ``a`` is input (columns: one example each)."""
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a)+b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta, validation_data, test_data, log):
        """network.py's SGD, evaluating the validation and test data after every epoch."""
        x, y = training_data
        n = x.shape[1]
        order = list(range(n))
        history = []
        for j in range(epochs):
            t0 = time.time()
            random.shuffle(order)  # random.shuffle(training_data) permutes the same way
            for k in range(0, n, mini_batch_size):
                batch = order[k:k+mini_batch_size]
                self.update_mini_batch(x[:, batch], y[batch], eta)
            val = self.evaluate(validation_data)
            test = self.evaluate(test_data)
            history.append((val, test))
            log("Epoch {0}: validation {1} / {2}, test {3} / {4} ({5:.1f} s)".format(
                j, val, validation_data[1].size, test, test_data[1].size, time.time() - t0))
        return history

    def update_mini_batch(self, x, y, eta):
        """x: (784, m) inputs, y: (m,) labels; network.py's loop over the batch, summed in one go."""
        nabla_b, nabla_w = self.backprop(x, vectorized_result(y))
        m = x.shape[1]
        self.weights = [w-(eta/m)*nw
                        for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b-(eta/m)*nb
                       for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        """Σ over the batch's columns of network.py's per-example (nabla_b, nabla_w)."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation)+b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass
        delta = self.cost_derivative(activations[-1], y) * \
            sigmoid_prime(zs[-1])
        nabla_b[-1] = delta.sum(axis=1, keepdims=True)
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l+1].transpose(), delta) * sp
            nabla_b[-l] = delta.sum(axis=1, keepdims=True)
            nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
        return (nabla_b, nabla_w)

    def evaluate(self, data):
        x, y = data
        return int(np.sum(np.argmax(self.feedforward(x), axis=0) == y))

    def cost_derivative(self, output_activations, y):
        return (output_activations-y)


#### Miscellaneous functions
def sigmoid(z):
    return 1.0/(1.0+np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z)*(1-sigmoid(z))


def vectorized_result(j):
    """(10, m): column i is the unit vector e_{j[i]} (mnist_loader's vectorized_result)."""
    e = np.zeros((10, j.size))
    e[j, np.arange(j.size)] = 1.0
    return e


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=DATA)
    p.add_argument("--sizes", default="784,100,10")
    p.add_argument("--eta", type=float, default=3.0)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--scale", type=float, default=255.0, help="pixel divisor: 255 as simdnet, 256 as mnist.pkl.gz")
    p.add_argument("--stuck", type=float, default=92.0, help="a run whose peak test accuracy (%%) is below this is stuck")
    p.add_argument("--out", help="write the per-seed results as JSON here")
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    training, validation, test = load_mnist(a.data, a.scale)
    log = lambda s: (print(s), sys.stdout.flush())
    results = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        np.random.seed(seed)
        random.seed(seed)
        log("seed {0}: network.py {1} eta={2} m={3}, {4} epochs, pixels/{5:g}".format(seed, sizes, a.eta, a.batch, a.epochs, a.scale))
        net = Network(sizes)
        h = net.SGD(training, a.epochs, a.batch, a.eta, validation, test, log)
        best = max(range(len(h)), key=lambda i: (h[i][0], -i))  # first epoch with the best validation
        r = {"seed": seed, "peakTest": 100.0 * max(t for _, t in h) / test[1].size,
             "bestValTest": 100.0 * h[best][1] / test[1].size, "bestEpoch": best,
             "finalTest": 100.0 * h[-1][1] / test[1].size, "history": h}
        r["stuck"] = r["peakTest"] < a.stuck
        results.append(r)
        log("seed {seed}: peak test {peakTest:.2f}%, best val -> test {bestValTest:.2f}% (epoch {bestEpoch}), final {finalTest:.2f}%{0}".format(" STUCK" if r["stuck"] else "", **r))
        if a.out:
            with open(a.out, "w") as f:
                json.dump({"sizes": sizes, "eta": a.eta, "batch": a.batch, "epochs": a.epochs, "scale": a.scale, "runs": results}, f, indent=1)
    stuck = [r["seed"] for r in results if r["stuck"]]
    log("\n{0} of {1} runs stuck (peak test < {2}%): seeds {3}".format(len(stuck), len(results), a.stuck, stuck))
    for r in results:
        log("  seed {seed}: peak {peakTest:.2f}  best-val->test {bestValTest:.2f}  final {finalTest:.2f}".format(**r))


if __name__ == "__main__":
    main()
