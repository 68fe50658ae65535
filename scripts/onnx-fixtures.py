#!/usr/bin/python3
"""Writes the ONNX fixtures in test/fixtures/onnx/: small models exported from PyTorch (Debian's
python3-torch 1.13, TorchScript exporter, opsets 11-17) and built with onnx.helper (MatMul+Add and
BatchNormalization kept, as the newer exporter emits, at opsets 18-21), each with a seeded input and
the expected output computed by PyTorch (input.json, expected.json: {"shape": [...], "data": [...]}).

Usage: /usr/bin/python3 scripts/onnx-fixtures.py   (needs python3-torch and python3-onnx; deterministic)
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "onnx")


def save_json(path, t):
    a = np.asarray(t, dtype=np.float32)
    with open(path, "w") as f:
        json.dump({"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}, f, separators=(",", ":"))


def write(name, model_bytes, x, y):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model_bytes)
    save_json(os.path.join(d, "input.json"), x)
    save_json(os.path.join(d, "expected.json"), y)
    print(f"{name}: {len(model_bytes)} bytes, input {list(np.shape(x))} -> output {list(np.shape(y))}")


def export(name, net, x, opset=13, batch_axis=0, keep_bn=False):
    """keep_bn: export BatchNormalization nodes (TrainingMode.PRESERVE on an eval-mode net) instead of letting
    the exporter fuse them into the convolutions, so the loader's own folding is exercised."""
    torch.manual_seed(0)
    net.eval()
    with torch.no_grad():
        # give BatchNorm non-trivial statistics so folding it is really tested
        for m in net.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
        y = net(x)
    path = "/tmp/_fixture.onnx"
    torch.onnx.export(net, (x,), path, opset_version=opset, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {batch_axis: "batch"}, "y": {batch_axis: "batch"}}, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL)
    with open(path, "rb") as f:
        write(name, f.read(), x.numpy(), y.numpy())


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 30), nn.Linear(30, 10)

    def forward(self, x):
        return F.softmax(self.fc2(torch.sigmoid(self.fc1(x))), dim=1)


class BookCNN(nn.Module):
    """Nielsen ch. 6: conv 5x5x20 - maxpool 2 - conv 5x5x40 - maxpool 2 - FC 100 - softmax 10 on 1x28x28."""
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 20, 5), nn.Conv2d(20, 40, 5)
        self.fc, self.out = nn.Linear(40 * 4 * 4, 100), nn.Linear(100, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return F.softmax(self.out(F.relu(self.fc(torch.flatten(x, 1)))), dim=1)


class BNCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.c2, self.b2 = nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16)
        self.fc, self.bn = nn.Linear(16, 12), nn.BatchNorm1d(12)
        self.out = nn.Linear(12, 10)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.b1(self.c1(x))), 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        x = F.relu(self.b2(self.c2(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return F.log_softmax(self.out(F.leaky_relu(self.bn(self.fc(x)), 0.1)), dim=1)


class InvertedResidual(nn.Module):
    def __init__(self, c, expand, stride):
        super().__init__()
        h = c * expand
        self.stride = stride
        self.body = nn.Sequential(
            nn.Conv2d(c, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
            nn.Conv2d(h, h, 3, stride=stride, padding=1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(),
            nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.stride == 1 else y


class MobileNetV2ish(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.blocks = nn.Sequential(InvertedResidual(8, 4, 1), InvertedResidual(8, 4, 2), InvertedResidual(8, 2, 1))
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
        self.c2, self.b2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
        self.short = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.short is None else self.short(x)))


class ResNetish(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        self.layers = nn.Sequential(BasicBlock(8, 8, 1), BasicBlock(8, 16, 2))
        self.fc = nn.Linear(16, 6)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class ConcatNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(2, 4, 1), nn.Conv2d(2, 6, (3, 5), padding=(1, 2))
        self.c = nn.Conv2d(2, 3, 3, padding=2, dilation=2)
        self.fc = nn.Linear(13 * 4 * 4, 7)

    def forward(self, x):
        x = torch.cat([torch.tanh(self.a(x)), F.elu(self.b(x)), F.hardswish(self.c(x))], dim=1)
        x = F.max_pool2d(x, 2)
        return torch.sigmoid(self.fc(torch.flatten(x, 1)))


class PadReduceNet(nn.Module):
    """Pad (zero, reflect, replicate) and ReduceMean / ReduceMax, as x.mean(dim=...) and x.amax export."""
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(2, 4, 3), nn.Conv2d(4, 4, 3)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = F.relu(self.c1(F.pad(x, (1, 2, 0, 1))))
        x = F.relu(self.c2(F.pad(x, (1, 1, 1, 1), mode="reflect")))
        x = F.pad(x, (0, 1, 1, 0), mode="replicate")
        return self.fc(torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1))


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn, self.fc = nn.GRU(6, 12, batch_first=True), nn.Linear(12, 4)

    def forward(self, x):
        _, h = self.rnn(x)
        return F.softmax(self.fc(h[-1]), dim=-1)


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn, self.fc = nn.LSTM(5, 8, batch_first=True, bidirectional=True), nn.Linear(16, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y[:, -1, :])


def helper_models(rng):
    """MatMul(+Transpose)+Add MLP at opset 21 and a Conv+BatchNormalization(kept)+GlobalAveragePool net at
    opset 18, as the newer exporter writes them; expected outputs from PyTorch on the same weights."""
    x = rng.standard_normal((3, 20)).astype(np.float32)
    w1, b1 = rng.standard_normal((16, 20)).astype(np.float32) * 0.3, rng.standard_normal(16).astype(np.float32)
    w2, b2 = rng.standard_normal((16, 4)).astype(np.float32) * 0.3, rng.standard_normal(4).astype(np.float32)
    nodes = [
        helper.make_node("Transpose", ["w1"], ["w1t"], perm=[1, 0]),
        helper.make_node("MatMul", ["x", "w1t"], ["h0"]), helper.make_node("Add", ["h0", "b1"], ["h1"]),
        helper.make_node("Relu", ["h1"], ["h2"]),
        helper.make_node("MatMul", ["h2", "w2"], ["h3"]), helper.make_node("Add", ["h3", "b2"], ["h4"]),
        helper.make_node("Softmax", ["h4"], ["y"], axis=-1),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]]
    g = helper.make_graph(nodes, "matmul_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 20])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)], producer_name="onnx-fixtures")
    m.ir_version = 10
    t = torch.from_numpy
    y = torch.softmax(F.relu(t(x) @ t(w1).T + t(b1)) @ t(w2) + t(b2), dim=-1)
    write("matmul_mlp_opset21", m.SerializeToString(), x, y.numpy())

    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    w = rng.standard_normal((5, 3, 3, 3)).astype(np.float32) * 0.3
    sc, bi = rng.uniform(0.5, 1.5, 5).astype(np.float32), rng.uniform(-0.3, 0.3, 5).astype(np.float32)
    mu, var = rng.uniform(-0.5, 0.5, 5).astype(np.float32), rng.uniform(0.5, 1.5, 5).astype(np.float32)
    fw, fb = rng.standard_normal((2, 5)).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[0, 0, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c"], ["r"]),  # BatchNormalization after a ReLU cannot fold: it runs as a layer
        helper.make_node("BatchNormalization", ["r", "sc", "bi", "mu", "var"], ["b"], epsilon=1e-3),
        helper.make_node("GlobalAveragePool", ["b"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in [(w, "w"), (sc, "sc"), (bi, "bi"), (mu, "mu"), (var, "var"), (fw, "fw"), (fb, "fb")]]
    g = helper.make_graph(nodes, "conv_bn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 9, 9])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 18)], producer_name="onnx-fixtures")
    m.ir_version = 8
    c = F.conv2d(F.pad(t(x), (0, 1, 0, 1)), t(w), stride=2)
    b = F.batch_norm(F.relu(c), t(mu), t(var), t(sc), t(bi), False, 0.0, 1e-3)
    y = F.linear(b.mean(dim=(2, 3)), t(fw), t(fb))
    write("conv_bn_opset18", m.SerializeToString(), x, y.numpy())


def main():
    torch.manual_seed(1)
    torch.set_default_dtype(torch.float32)
    export("mlp", MLP(), torch.rand(2, 784))
    export("book_cnn", BookCNN(), torch.rand(2, 1, 28, 28))
    export("bn_cnn", BNCNN(), torch.rand(2, 1, 12, 12), opset=11, keep_bn=True)
    export("mobilenetv2", MobileNetV2ish(), torch.randn(2, 3, 16, 16), opset=13, keep_bn=True)
    export("resnet", ResNetish(), torch.randn(2, 3, 12, 12), opset=17)
    export("concat", ConcatNet(), torch.randn(2, 2, 8, 8), opset=14)
    export("gru", GRUClassifier(), torch.randn(2, 7, 6), opset=14)
    export("pad_reduce", PadReduceNet(), torch.randn(2, 2, 7, 6), opset=13)
    export("lstm", LSTMClassifier(), torch.randn(2, 5, 5), opset=14)
    helper_models(np.random.default_rng(3))


if __name__ == "__main__":
    main()
