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
    expect(() => parseArch("fc100-banana3")).toThrow(/cannot read architecture token "banana3"/);
    expect(() => parseArch("785-30-10", { inputSize: 784 })).toThrow(/starts with 785 inputs but the data has 784/);
    expect(() => parseArch("fc10:swish")).toThrow(/unknown activation "swish"/);
    expect(() => parseArch("")).toThrow(/empty architecture/);
  });
});
