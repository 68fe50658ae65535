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

/** The token forms of a layer list: what an error shows when a token cannot be read. */
const FORMS: readonly { prefix: RegExp; form: string; example: string }[] = [
  { prefix: /^fc/, form: "fcN[:act]", example: "fc100:relu" },
  { prefix: /^conv/, form: "convKxKxF[sS][same|pP][:act]", example: "conv5x5x20:relu" },
  { prefix: /^(max)?pool/, form: "poolP[sS]", example: "pool2" },
  { prefix: /^l2pool/, form: "l2poolP[sS]", example: "l2pool2" },
  { prefix: /^softmax/, form: "softmaxN", example: "softmax10" },
  { prefix: /^(sigmoid|tanh|relu|linear|identity)/, form: "sigmoidN, tanhN, reluN or linearN", example: "sigmoid10" },
  { prefix: /^drop/, form: "dropoutP (0 ≤ P < 1)", example: "dropout0.5" },
];

/** Every layer token form, for help texts: "fcN[:act], convKxKxF[sS][same|pP][:act], …". */
export const ARCH_TOKENS = `${FORMS.map((f) => f.form).join(", ")}; N, K, F, S, P positive integers, act one of sigmoid, tanh, relu, linear`;

const ALL_FORMS = `${FORMS.map((f) => f.form).join(", ")} (N, K, F, S, P positive integers; act one of sigmoid, tanh, relu, linear), or sizes like 784-30-10`;

function bad(tok: string, text: string, why: string): never {
  if (tok === "") throw new TypeError(`simdnet: architecture ${JSON.stringify(text)} has an empty token (a separator at either end, or two in a row)`);
  throw new TypeError(`simdnet: architecture ${JSON.stringify(text)}: token ${JSON.stringify(tok)} ${why}`);
}

/** The error for a layer token that matches no form: the form its prefix promises, else every form. */
function unreadable(tok: string, text: string): never {
  const f = FORMS.find((x) => x.prefix.test(tok));
  if (f) bad(tok, text, `is not ${f.form}, e.g. ${f.example}`);
  if (/^\d+$/.test(tok)) bad(tok, text, `is a size, but the other tokens are layers: write sizes only (784-30-10) or layers only (fc30-softmax10; the input size comes from the data)`);
  bad(tok, text, `is not a layer; expected one of ${ALL_FORMS}`);
}

/** A positive integer read from a token, with an error naming the token. */
function positive(v: string, tok: string, text: string, what: string): number {
  const n = Number(v);
  if (!(n >= 1)) bad(tok, text, `has ${what} ${v}; it must be at least 1`);
  return n;
}

/** The activation after `:` in a token, with an error naming the token. */
function act(name: string | undefined, hidden: ActivationName, tok: string, text: string): ActivationName {
  if (!name) return hidden;
  try {
    return checkActivation(name === "linear" ? "identity" : name);
  } catch (err) {
    bad(tok, text, `ends in ${(err as Error).message.replace(/^simdnet: /, "")}`);
  }
}

/** Nielsen's sizes "784-30-10": every token a positive integer, the first one the data's input size. */
function parseSizes(text: string, hidden: ActivationName, output: ActivationName | "softmax", inputSize: number | undefined): LayerSpec[] {
  const tokens = text.split(/[,-]/);
  for (const tok of tokens) {
    if (tok === "") bad(tok, text, "");
    if (/^\d+$/.test(tok)) positive(tok, tok, text, "size");
    else if (FORMS.some((f) => f.prefix.test(tok))) bad(tok, text, `is a layer, but ${JSON.stringify(tokens[0])} starts a list of sizes: write sizes only (784-30-10) or layers only (fc30-softmax10; the input size comes from the data)`);
    else bad(tok, text, `is not a layer size: sizes architectures are positive integers like 784-30-10 (or write layers: ${FORMS.map((f) => f.form).join(", ")})`);
  }
  if (tokens.length < 2) bad(tokens[0], text, `is only the input size; add at least an output layer, e.g. ${tokens[0]}-10`);
  const sizes = tokens.map(Number);
  if (inputSize !== undefined && sizes[0] !== inputSize) {
    throw new RangeError(`simdnet: architecture ${text} starts with ${sizes[0]} inputs but the data has ${inputSize} per example`);
  }
  return sizes.slice(1).flatMap((n, i): LayerSpec[] => {
    const last = i === sizes.length - 2;
    const dense: LayerSpec = { type: "dense", outputs: n };
    if (!last) return [dense, { type: "activation", fn: hidden }];
    return [dense, output === "softmax" ? { type: "softmax" } : { type: "activation", fn: checkActivation(output) }];
  });
}

/**
 * Turns an architecture string into layer specs (see the file header for the grammar). A string whose
 * first token is a number is a list of sizes; anything else a list of layer tokens. Errors name the
 * token that is wrong and the forms that would be valid.
 */
export function parseArch(arch: string, opts: { activation?: ActivationName; output?: ActivationName | "softmax"; inputSize?: number } = {}): LayerSpec[] {
  const text = String(arch).trim();
  if (!text) throw new TypeError("simdnet: empty architecture string");
  const hidden = checkActivation(opts.activation ?? "sigmoid");
  if (/^\d+(,|-|$)/.test(text)) return parseSizes(text, hidden, opts.output ?? "sigmoid", opts.inputSize);
  const specs: LayerSpec[] = [];
  for (const tok of text.split("-")) {
    if (tok === "") bad(tok, text, "");
    let m: RegExpMatchArray | null;
    const n = (v: string, what = "size") => positive(v, tok, text, what);
    if ((m = tok.match(/^fc(\d+)(?::(\w+))?$/))) {
      specs.push({ type: "dense", outputs: n(m[1]) }, { type: "activation", fn: act(m[2], hidden, tok, text) });
    } else if ((m = tok.match(/^softmax(\d+)$/))) {
      specs.push({ type: "dense", outputs: n(m[1]) }, { type: "softmax" });
    } else if ((m = tok.match(/^(sigmoid|tanh|relu|linear|identity)(\d+)$/))) {
      specs.push({ type: "dense", outputs: n(m[2]) }, { type: "activation", fn: m[1] === "linear" ? "identity" : m[1] });
    } else if ((m = tok.match(/^conv(\d+)x(\d+)x(\d+)(?:s(\d+))?(same|p\d+)?(?::(\w+))?$/))) {
      if (m[1] !== m[2]) bad(tok, text, `has a ${m[1]}×${m[2]} receptive field; they are square: convKxKxF, e.g. conv5x5x20`);
      const padding = m[5] === undefined ? "valid" : m[5] === "same" ? "same" : Number(m[5].slice(1));
      specs.push(
        { type: "conv2d", kernel: n(m[1], "receptive field"), filters: n(m[3], "feature maps"), stride: m[4] === undefined ? 1 : n(m[4], "stride"), padding },
        { type: "activation", fn: act(m[6], hidden, tok, text) },
      );
    } else if ((m = tok.match(/^(max|l2)?pool(\d+)(?:s(\d+))?$/))) {
      specs.push({ type: "pool2d", kind: m[1] === "l2" ? "l2" : "max", size: n(m[2], "pooling region"), stride: m[3] === undefined ? Number(m[2]) : n(m[3], "stride") });
    } else if ((m = tok.match(/^drop(?:out)?(0?\.\d+|0)$/))) {
      specs.push({ type: "dropout", rate: Number(m[1]) });
    } else {
      unreadable(tok, text);
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
