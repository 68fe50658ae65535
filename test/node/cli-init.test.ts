// Node-only: the CLI's --init flag accepts every scheme, reaches the network, and rejects bad values.
import { describe, expect, it } from "vitest";
import { helpText, networkOptions, parseFlags } from "../../src/cli/config.js";
import { buildNetwork, train } from "../../src/cli/train.js";
import { Dense } from "../../src/layers/dense.js";
import { Conv2D } from "../../src/layers/conv2d.js";
import { engine } from "../helpers.js";

describe("simdnet --init", () => {
  it.each(["default", "large", "he"])("accepts --init %s", (init) => {
    expect(networkOptions(parseFlags(["--init", init]).flags).init).toBe(init);
  });

  it("defaults to the book's init", () => {
    expect(networkOptions(parseFlags([]).flags).init).toBe("default");
  });

  it("rejects --init bogus with a message naming the choices", () => {
    expect(() => networkOptions(parseFlags(["--init", "bogus"]).flags)).toThrow(/--init must be one of "default", "large", "he"; got "bogus"/);
  });

  it("--help lists he", () => {
    expect(helpText()).toMatch(/--init .*\bhe: W~N\(0,2\/n_in\), b=0/);
  });

  it("--init he reaches every Dense and Conv2D layer: zero biases", async () => {
    const e = await engine();
    const m = e.mark();
    const flags = parseFlags(["--arch", "conv5x5x4:relu-pool2-fc20:relu-softmax10", "--init", "he", "--seed", "2"]).flags;
    const net = buildNetwork(flags, [784], e);
    const weighted = net.layers.filter((l): l is Dense | Conv2D => l instanceof Dense || l instanceof Conv2D);
    expect(weighted).toHaveLength(3);
    for (const l of weighted) expect(Array.from(e.read(l.bias.value, l.bias.size)).every((b) => b === 0)).toBe(true);
    e.release(m);
  });
});

describe("simdnet train on a net that dies at the start", () => {
  // chapter 6's FC 1000 dropout net at seed 1: the book's init leaves its second conv layer's ReLUs
  // all ≤ 0 within a few mini-batches (test/layers/init.test.ts); the CLI says so after epoch 1
  const arch = "conv5x5x20:relu-pool2-conv5x5x40:relu-pool2-dropout0.5-fc1000:relu-dropout0.5-fc1000:relu-dropout0.5-softmax10";
  const run = async (init: string) => {
    const lines: string[] = [];
    const flags = parseFlags(["--arch", arch, "--cost", "log-likelihood", "--eta", "0.03", "--seed", "1", "--train-size", "1000", "--epochs", "1", "-q", "--init", init]).flags;
    const h = await train(flags, (s) => lines.push(s));
    return { text: lines.join("\n"), accuracy: h.epochs[0].evaluationAccuracy! };
  };

  it("warns that validation accuracy is at chance and suggests --init he; with he it learns and says nothing", async () => {
    const dead = await run("default");
    expect(dead.accuracy).toBeLessThan(0.15);
    expect(dead.text).toMatch(/at chance after the first epoch.*try --init he/);
    const he = await run("he");
    expect(he.accuracy).toBeGreaterThan(0.4);
    expect(he.text).not.toMatch(/at chance/);
  }, 60_000);
});
