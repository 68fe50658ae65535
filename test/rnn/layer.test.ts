// The recurrent cell is a layer like the others: in a Network (batch-major examples of (steps, features))
// it gives bit-for-bit what the sequence classifier gives, its gradients match central differences with
// every state as output, and it saves and loads through the layer registry.
import { describe, expect, it } from "vitest";
import { engine, RefRng, VARIANTS } from "../helpers.js";
import { RNN } from "../../src/rnn/rnn.js";
import { SequenceClassifier } from "../../src/rnn/classifier.js";
import { Network } from "../../src/network.js";
import { Dense } from "../../src/layers/dense.js";
import { Softmax } from "../../src/layers/softmax.js";
import { Activation } from "../../src/layers/activation.js";
import { deserializeModel, serializeModel } from "../../src/io/model.js";
import { gradErr, modelGradients } from "../gradcheck.js";

describe.each(VARIANTS)("RNN as a Network layer (%s build)", (variant) => {
  it("RNN → Dense → Softmax equals the many-to-one classifier, outputs and gradients", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const [C, H, T, K, B] = [3, 5, 4, 3, 6];
    const cls = new SequenceClassifier({ engine: e, seed: 2, inputs: C, steps: T, hidden: H, classes: K });
    const net = new Network([new RNN(C, H, "tanh", { steps: T }), new Dense(H, K), new Softmax(K)], { engine: e });
    expect(net.params.map((p) => p.shape)).toEqual(cls.params.map((p) => p.shape));
    net.setParams(cls.getParams());
    const x = new RefRng(4).array(B * T * C);
    expect(net.feedforward(x)).toEqual(cls.feedforward(x));
    const labels = Array.from({ length: B }, (_, i) => i % K);
    const y = labels.flatMap((l) => Array.from({ length: K }, (_, c) => (c === l ? 1 : 0)));
    expect(net.lossAndGradient(x, y)).toBe(cls.lossAndGradient(x, labels));
    expect(net.getGrads()).toEqual(cls.getGrads());
    e.release(m);
  });

  it("with every state as output, gradients match central differences", async () => {
    const e = await engine(variant);
    const m = e.mark();
    const [C, H, T, B] = [2, 3, 3, 2];
    const net = new Network([new RNN(C, H, "tanh", { steps: T, sequences: true }), new Dense(T * H, 2), new Activation("sigmoid", [2])], { engine: e, seed: 5, cost: "quadratic" });
    const x = new RefRng(6).array(B * T * C);
    const y = [0, 1, 1, 0];
    const { analytic, numeric } = modelGradients(net, x, y);
    expect(gradErr(analytic, numeric)).toBeLessThan(2e-2);
    const { net: back } = deserializeModel(serializeModel(net), { engine: e });
    expect(back.layers[0].spec()).toEqual({ type: "rnn", hidden: H, activation: "tanh", sequences: true });
    expect(back.feedforward(x)).toEqual(net.feedforward(x));
    e.release(m);
  });
});
