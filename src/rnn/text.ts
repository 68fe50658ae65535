/**
 * Characters ↔ token ids for the character-level models, and data sets of token sequences built from
 * text: id 0 is padding (masked out), id 1 is the boundary "\n" that starts and ends every word or line.
 */
import type { DataSet } from "../data/dataset.js";
import { fail, positiveInt } from "./model.js";

/** A character vocabulary: ids 0 (padding) and 1 (boundary, "\n") then the characters in code-point order. */
export class Vocab {
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  /** From the characters of some texts, or from a saved list (entry 0 "" and entry 1 "\n"). */
  constructor(chars: readonly string[]) {
    if (chars.length < 3 || chars[0] !== "" || chars[1] !== "\n") fail('a vocabulary lists "" (padding), "\\n" (boundary) and at least one character');
    this.chars = [...chars];
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of every character in texts. */
  static fromTexts(texts: Iterable<string>): Vocab {
    const set = new Set<string>();
    for (const t of texts) for (const c of t) if (c !== "\n") set.add(c);
    if (set.size === 0) fail("cannot build a vocabulary from empty text");
    return new Vocab(["", "\n", ...[...set].sort()]);
  }

  /** Number of ids, padding and boundary included. */
  get size(): number {
    return this.chars.length;
  }

  /** The ids of text's characters; throws naming the first character the vocabulary lacks. */
  encode(text: string): number[] {
    return [...text].map((c, i) => {
      const id = this.ids.get(c);
      if (id === undefined || id === 0) fail(`unknown character ${JSON.stringify(c)} at position ${i} of ${JSON.stringify(text)}; the vocabulary has ${JSON.stringify(this.chars.slice(2).join(""))}`);
      return id;
    });
  }

  /** The text of ids (padding dropped). */
  decode(ids: Iterable<number>): string {
    let s = "";
    for (const id of ids) if (id > 0) s += this.chars[id] ?? fail(`token id ${id} is outside this vocabulary of ${this.size}`);
    return s;
  }
}

/**
 * One sequence per word: [boundary, characters…, boundary], zero-padded to L + 1 ids (the model reads
 * ids 0..L−1 and predicts ids 1..L). Words longer than L − 1 characters are refused.
 */
export function wordSequences(words: readonly string[], vocab: Vocab, L: number): DataSet {
  positiveInt("sequence length L", L);
  if (words.length === 0) fail("no words given");
  const out = new Uint8Array(words.length * (L + 1));
  words.forEach((w, i) => {
    if (w.length === 0) fail(`word ${i} is empty`);
    if (w.length > L - 1) fail(`word ${i} ${JSON.stringify(w)} has ${w.length} characters; at most L − 1 = ${L - 1} fit`);
    out.set([1, ...vocab.encode(w), 1], i * (L + 1));
  });
  return { n: words.length, inputShape: [L + 1], inputs: out, scale: 1 };
}

/**
 * A continuous text cut into n = ⌊(len − 1)/L⌋ sequences of L + 1 ids that overlap by one (each one's
 * last id is the next one's first), for truncated BPTT over a stream.
 */
export function textStream(text: string, vocab: Vocab, L: number): DataSet {
  positiveInt("sequence length L", L);
  const ids = text.split("\n").flatMap((line) => [...vocab.encode(line), 1]);
  const n = Math.floor((ids.length - 1) / L);
  if (n < 1) fail(`the text has ${ids.length} characters; a sequence needs L + 1 = ${L + 1}`);
  const out = new Uint8Array(n * (L + 1));
  for (let i = 0; i < n; i++) out.set(ids.slice(i * L, i * L + L + 1), i * (L + 1));
  return { n, inputShape: [L + 1], inputs: out, scale: 1 };
}

/**
 * Source → target pairs for an encoder–decoder: per example S source ids (zero-padded) then the decoder's
 * L + 1 ids [boundary, target…, boundary, 0…]. Sources need 1..S characters, targets 1..L − 1.
 */
export function pairSequences(pairs: readonly (readonly [string, string])[], vocab: Vocab, S: number, L: number): DataSet {
  positiveInt("source length S", S);
  positiveInt("target length L", L);
  if (pairs.length === 0) fail("no pairs given");
  const W = S + L + 1;
  const out = new Uint8Array(pairs.length * W);
  pairs.forEach(([src, tgt], i) => {
    if (src.length < 1 || src.length > S) fail(`pair ${i}: the source ${JSON.stringify(src)} has ${src.length} characters; expected 1..${S}`);
    if (tgt.length < 1 || tgt.length > L - 1) fail(`pair ${i}: the target ${JSON.stringify(tgt)} has ${tgt.length} characters; expected 1..${L - 1}`);
    out.set(vocab.encode(src), i * W);
    out.set([1, ...vocab.encode(tgt), 1], i * W + S);
  });
  return { n: pairs.length, inputShape: [W], inputs: out, scale: 1 };
}

/** A model's vocabulary option: the characters (→ a Vocab) or just the number of ids (≥ 3). */
export function vocabOption(v: number | readonly string[]): { vocab: Vocab | null; V: number; saved: number | string[] } {
  const vocab = typeof v === "number" ? null : new Vocab(v);
  const V = vocab ? vocab.size : positiveInt("vocab size", v);
  if (V < 3) fail(`a vocabulary needs padding, a boundary and a character: at least 3 ids, got ${V}`);
  return { vocab, V, saved: vocab ? [...vocab.chars] : V };
}
