import { describe, expect, it } from "vitest";
import { parseArch } from "../../src/layers/arch.js";

describe("parseArch", () => {
  it("reads Nielsen's sizes with the hidden and output activations", () => {
    expect(parseArch("784-30-10", { inputSize: 784 })).toEqual([
      { type: "dense", outputs: 30 }, { type: "activation", fn: "sigmoid" },
      { type: "dense", outputs: 10 }, { type: "activation", fn: "sigmoid" },
    ]);
    expect(parseArch("4,3,2", { activation: "relu", output: "softmax" })).toEqual([
      { type: "dense", outputs: 3 }, { type: "activation", fn: "relu" }, { type: "dense", outputs: 2 }, { type: "softmax" },
    ]);
  });

  it("reads layer tokens", () => {
    expect(parseArch("fc100:relu-dropout0.5-softmax10")).toEqual([
      { type: "dense", outputs: 100 }, { type: "activation", fn: "relu" }, { type: "dropout", rate: 0.5 },
      { type: "dense", outputs: 10 }, { type: "softmax" },
    ]);
    expect(parseArch("tanh20-linear1")).toEqual([
      { type: "dense", outputs: 20 }, { type: "activation", fn: "tanh" }, { type: "dense", outputs: 1 }, { type: "activation", fn: "identity" },
    ]);
  });

  it("names what it could not read", () => {
    expect(() => parseArch("fc100-banana3")).toThrow(/token "banana3" is not a layer/);
    expect(() => parseArch("785-30-10", { inputSize: 784 })).toThrow(/starts with 785 inputs but the data has 784/);
    expect(() => parseArch("fc10:swish")).toThrow(/unknown activation "swish"/);
    expect(() => parseArch("")).toThrow(/empty architecture/);
  });

  it("blames the wrong token, not the first, and says what would be valid", () => {
    // a list of sizes with one bad part: the part is named, and the sizes form is what is expected
    expect(() => parseArch("784-30-banana", { inputSize: 784 })).toThrow(/architecture "784-30-banana": token "banana" is not a layer size: sizes architectures are positive integers like 784-30-10 \(or write layers: fcN\[:act\], convKxKxF/);
    expect(() => parseArch("784-30-banana")).not.toThrow(/"784"/);
    expect(() => parseArch("784-0-10")).toThrow(/token "0" has size 0; it must be at least 1/);
    expect(() => parseArch("784")).toThrow(/token "784" is only the input size; add at least an output layer, e.g. 784-10/);
    // sizes and layers mixed, either way round
    expect(() => parseArch("784-fc30-softmax10")).toThrow(/token "fc30" is a layer, but "784" starts a list of sizes: write sizes only \(784-30-10\) or layers only \(fc30-softmax10/);
    expect(() => parseArch("fc30-784")).toThrow(/token "784" is a size, but the other tokens are layers/);
    // a layer token that starts like a known form gets that form and an example
    expect(() => parseArch("fc30-conv5x5-pool2")).toThrow(/token "conv5x5" is not convKxKxF\[sS\]\[same\|pP\]\[:act\], e\.g\. conv5x5x20:relu/);
    expect(() => parseArch("fc-softmax10")).toThrow(/token "fc" is not fcN\[:act\], e\.g\. fc100:relu/);
    expect(() => parseArch("fc30-softmax10x")).toThrow(/token "softmax10x" is not softmaxN, e\.g\. softmax10/);
    expect(() => parseArch("fc30-dropout1.5-softmax10")).toThrow(/token "dropout1.5" is not dropoutP \(0 ≤ P < 1\)/);
    expect(() => parseArch("conv5x3x20-fc10")).toThrow(/token "conv5x3x20" has a 5×3 receptive field; they are square/);
    expect(() => parseArch("conv5x5x20-pool0-fc10")).toThrow(/token "pool0" has pooling region 0; it must be at least 1/);
    expect(() => parseArch("fc0-softmax10")).toThrow(/token "fc0" has size 0/);
    expect(() => parseArch("fc30:swish-softmax10")).toThrow(/token "fc30:swish" ends in unknown activation "swish"; expected one of sigmoid, tanh, relu/);
    // anything else: every form is listed
    for (const text of ["fc30-banana", "FC30-softmax10"]) {
      const tok = text.split("-").find((t) => t !== "fc30")!;
      expect(() => parseArch(text)).toThrow(new RegExp(`token "${tok}" is not a layer; expected one of fcN\\[:act\\], convKxKxF.*poolP\\[sS\\].*softmaxN.*dropoutP.*or sizes like 784-30-10`));
    }
    for (const text of ["fc30--softmax10", "fc30-softmax10-", "784--10"]) {
      expect(() => parseArch(text)).toThrow(/has an empty token \(a separator at either end, or two in a row\)/);
    }
  });
});
