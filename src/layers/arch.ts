/**
 * Architecture strings, for the CLI and the demo: either Nielsen's sizes ("784-30-10", "784,30,10")
 * or a list of layer tokens ("fc100-softmax10", "fc30:relu-dropout0.5-sigmoid10"):
 *   fcN[:act]   dense N followed by an activation (the hidden activation unless :act is given)
 *   softmaxN    dense N followed by softmax          sigmoidN / tanhN / reluN / linearN: dense N + that
 *   dropoutP    dropout with rate P on what comes before
 *   convKxKxF[sS][same|pP][:act]   F feature maps of K×K receptive fields (stride S, zero padding
 *               "same" or P), followed by an activation (the hidden one unless :act is given)
 *   poolP[sS]   max-pooling over P×P regions (stride S, default P); l2poolP[sS] for L2 pooling.
 *               A conv's activation moves after a max-pool that follows it (see poolBeforeActivation).
 * The input size comes from the data, so "fc30-sigmoid10" on MNIST is [784, 30, 10], and a flat
 * square input (784 values) reaches a convolution as one 28×28 channel:
 * "conv5x5x20-pool2-conv5x5x40-pool2-fc100-softmax10" is chapter 6's network.
 */
import { checkActivation, type ActivationName } from "./activation.js";
import type { LayerSpec } from "./layer.js";

/** Turns an architecture string into layer specs (see the file header for the grammar). */
export function parseArch(arch: string, opts: { activation?: ActivationName; output?: ActivationName | "softmax"; inputSize?: number } = {}): LayerSpec[] {
  const text = String(arch).trim();
  if (!text) throw new TypeError("simdnet: empty architecture string");
  const hidden = checkActivation(opts.activation ?? "sigmoid");
  if (/^\d+([,-]\d+)+$/.test(text)) {
    const sizes = text.split(/[,-]/).map(Number);
    if (opts.inputSize !== undefined && sizes[0] !== opts.inputSize) {
      throw new RangeError(`simdnet: architecture ${text} starts with ${sizes[0]} inputs but the data has ${opts.inputSize} per example`);
    }
    const out = opts.output ?? "sigmoid";
    return sizes.slice(1).flatMap((n, i): LayerSpec[] => {
      const last = i === sizes.length - 2;
      const dense: LayerSpec = { type: "dense", outputs: n };
      if (!last) return [dense, { type: "activation", fn: hidden }];
      return [dense, out === "softmax" ? { type: "softmax" } : { type: "activation", fn: checkActivation(out) }];
    });
  }
  const specs: LayerSpec[] = [];
  for (const tok of text.split("-")) {
    let m: RegExpMatchArray | null;
    if ((m = tok.match(/^fc(\d+)(?::(\w+))?$/))) {
      specs.push({ type: "dense", outputs: Number(m[1]) }, { type: "activation", fn: m[2] ? checkActivation(m[2] === "linear" ? "identity" : m[2]) : hidden });
    } else if ((m = tok.match(/^softmax(\d+)$/))) {
      specs.push({ type: "dense", outputs: Number(m[1]) }, { type: "softmax" });
    } else if ((m = tok.match(/^(sigmoid|tanh|relu|linear|identity)(\d+)$/))) {
      specs.push({ type: "dense", outputs: Number(m[2]) }, { type: "activation", fn: m[1] === "linear" ? "identity" : m[1] });
    } else if ((m = tok.match(/^conv(\d+)x(\d+)x(\d+)(?:s(\d+))?(same|p\d+)?(?::(\w+))?$/))) {
      if (m[1] !== m[2]) throw new TypeError(`simdnet: architecture token ${JSON.stringify(tok)}: receptive fields are square (K×K), got ${m[1]}×${m[2]}`);
      const padding = m[5] === undefined ? "valid" : m[5] === "same" ? "same" : Number(m[5].slice(1));
      specs.push(
        { type: "conv2d", kernel: Number(m[1]), filters: Number(m[3]), stride: m[4] === undefined ? 1 : Number(m[4]), padding },
        { type: "activation", fn: m[6] ? checkActivation(m[6] === "linear" ? "identity" : m[6]) : hidden },
      );
    } else if ((m = tok.match(/^(max|l2)?pool(\d+)(?:s(\d+))?$/))) {
      specs.push({ type: "pool2d", kind: m[1] === "l2" ? "l2" : "max", size: Number(m[2]), stride: m[3] === undefined ? Number(m[2]) : Number(m[3]) });
    } else if ((m = tok.match(/^drop(?:out)?(0?\.\d+|0)$/))) {
      specs.push({ type: "dropout", rate: Number(m[1]) });
    } else {
      throw new TypeError(
        `simdnet: cannot read architecture token ${JSON.stringify(tok)} in ${JSON.stringify(text)}; expected fcN[:act], convKxKxF[sS][same|pP][:act], poolP[sS], l2poolP[sS], softmaxN, sigmoidN, tanhN, reluN, linearN, dropoutP, or sizes like 784-30-10`,
      );
    }
  }
  return poolBeforeActivation(specs);
}

/**
 * conv → activation → max-pool becomes conv → max-pool → activation, network3's ConvPoolLayer order:
 * for a non-decreasing activation f, max(f(z)) = f(max(z)) and the gradients agree, but the
 * activation then runs on a quarter as many values. L2 pooling keeps the written order (it pools the
 * activations, and √Σf(z)² ≠ f(√Σz²)).
 */
function poolBeforeActivation(specs: LayerSpec[]): LayerSpec[] {
  const out = [...specs];
  for (let i = 0; i + 2 < out.length; i++) {
    if (out[i].type === "conv2d" && out[i + 1].type === "activation" && out[i + 2].type === "pool2d" && out[i + 2].kind === "max") {
      [out[i + 1], out[i + 2]] = [out[i + 2], out[i + 1]];
    }
  }
  return out;
}
