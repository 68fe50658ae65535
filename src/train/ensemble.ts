/**
 * Ensembles (chapter 6: "an ensemble of 5 networks … by voting"): K networks trained from different
 * seeds, combined by a plurality vote of their argmaxes or by averaging their output probabilities.
 * Predictions and outputs are (n) i32 and (n, classes) f32, example-major.
 */
import type { Network } from "../network.js";
import type { DataSet } from "../data/dataset.js";
import { sgd, type History, type SgdOptions } from "./trainer.js";

/** How members' answers are combined: a plurality vote of argmaxes, or the argmax of the mean output. */
export type Combine = "vote" | "average";

/** Options of {@link trainEnsemble}: the trainer's options, plus how many members and their seeds. */
export interface EnsembleOptions extends SgdOptions {
  /** Number of members K. */
  members: number;
  /** One seed per member (default: seed, seed+1, …, seed+K−1 with seed = options.seed ?? 0). */
  seeds?: readonly number[];
  /** Called after each member has trained. */
  onMember?: (index: number, net: Network, history: History) => void;
}

/** Accuracy of one predictor (a member or a combination rule) on a labelled data set. */
export interface Score {
  correct: number;
  n: number;
  accuracy: number;
}

/** What {@link evaluateEnsemble} reports. */
export interface EnsembleEvaluation {
  members: Score[];
  vote: Score;
  average: Score;
}

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/** The argmax of each row of an (n, classes) buffer; ties go to the lowest class index. */
export function argmaxRows(out: ArrayLike<number>, classes: number): Int32Array {
  const n = out.length / classes;
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (out[i * classes + c] > out[i * classes + best]) best = c;
    pred[i] = best;
  }
  return pred;
}

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 1) fail(`classes must be a positive integer, got ${String(classes)}`);
}

/**
 * Plurality vote: for each example the class most members predicted. Ties go to the tied class with
 * the largest summed output when `outputs` (each member's (n, classes) outputs) are given, and
 * otherwise, or if still tied, to the lowest class index.
 */
export function voteCombine(predictions: readonly Int32Array[], classes: number, outputs?: readonly Float32Array[]): Int32Array {
  checkClasses(classes);
  if (predictions.length === 0) fail("voteCombine needs the predictions of at least one member");
  const n = predictions[0].length;
  predictions.forEach((p, m) => {
    if (p.length !== n) fail(`member ${m} predicted ${p.length} examples; member 0 predicted ${n}`);
    const bad = p.findIndex((c) => !(c >= 0 && c < classes));
    if (bad >= 0) fail(`member ${m} predicted class ${p[bad]} for example ${bad}; expected one in [0, ${classes})`);
  });
  if (outputs) checkOutputs(outputs, classes, n, predictions.length);
  const votes = new Int32Array(classes);
  const sums = new Float64Array(classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    for (const p of predictions) votes[p[i]]++;
    if (outputs) {
      sums.fill(0);
      for (const o of outputs) for (let c = 0; c < classes; c++) sums[c] += o[i * classes + c];
    }
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (votes[c] > votes[best] || (votes[c] === votes[best] && outputs && sums[c] > sums[best])) best = c;
    }
    out[i] = best;
  }
  return out;
}

function checkOutputs(outputs: readonly Float32Array[], classes: number, n?: number, members?: number): void {
  if (members !== undefined && outputs.length !== members) fail(`${outputs.length} members' outputs for ${members} members' predictions`);
  if (outputs.length === 0) fail("averageCombine needs the outputs of at least one member");
  const len = n === undefined ? outputs[0].length : n * classes;
  if (len % classes !== 0) fail(`member 0's outputs hold ${len} values, not a multiple of ${classes} classes`);
  outputs.forEach((o, m) => {
    if (o.length !== len) fail(`member ${m}'s outputs hold ${o.length} values; expected ${len / classes} examples × ${classes} classes`);
  });
}

/** Averaging: the argmax of the members' mean output (ties go to the lowest class index). */
export function averageCombine(outputs: readonly Float32Array[], classes: number): Int32Array {
  checkClasses(classes);
  checkOutputs(outputs, classes);
  const mean = new Float64Array(outputs[0].length);
  for (const o of outputs) for (let i = 0; i < o.length; i++) mean[i] += o[i];
  return argmaxRows(mean, classes);
}

/** Throws unless members is a non-empty list of networks with the same input and output sizes. */
export function checkMembers(members: readonly Network[]): void {
  if (!Array.isArray(members) || members.length === 0) fail("an ensemble needs at least one member network");
  const [a] = members;
  members.forEach((m, i) => {
    if (m.inputSize !== a.inputSize || m.outputSize !== a.outputSize) {
      fail(`ensemble member ${i} maps ${m.inputSize} inputs to ${m.outputSize} outputs; member 0 maps ${a.inputSize} to ${a.outputSize}`);
    }
  });
}

/**
 * Outputs (n, outputSize) of a network on every example of a data set, gathered in chunks by kernels
 * from its resident copy (u8 pixels are scaled as in training).
 */
export function datasetOutputs(net: Network, data: DataSet): Float32Array {
  net.prepare(256);
  const r = net.residentData(data);
  const { x, y, lab } = net.buffers;
  const C = net.outputSize;
  const out = new Float32Array(r.n * C);
  for (let s = 0; s < r.n; s += net.batchCapacity) {
    const B = Math.min(net.batchCapacity, r.n - s);
    r.gather(r.iota + 4 * s, B, x, y, lab);
    out.set(net.engine.f32(net.forwardPtr(x, B), B * C), s * C);
  }
  return out;
}

/**
 * The ensemble's predicted class for each example in inputs (one example or many, example-major, as
 * {@link Network.predict}). "vote" breaks ties by the summed outputs, then the lowest class.
 */
export function ensemblePredict(members: readonly Network[], inputs: ArrayLike<number>, opts: { combine?: Combine } = {}): Int32Array {
  checkMembers(members);
  return combine(members.map((m) => m.feedforward(inputs)), members[0].outputSize, opts.combine ?? "vote");
}

function combine(outputs: Float32Array[], classes: number, how: Combine): Int32Array {
  if (how === "average") return averageCombine(outputs, classes);
  if (how === "vote") return voteCombine(outputs.map((o) => argmaxRows(o, classes)), classes, outputs);
  return fail(`unknown combine rule ${JSON.stringify(how)}; expected "vote" or "average"`);
}

function score(pred: Int32Array, labels: ArrayLike<number>): Score {
  let correct = 0;
  for (let i = 0; i < pred.length; i++) correct += pred[i] === labels[i] ? 1 : 0;
  return { correct, n: pred.length, accuracy: correct / pred.length };
}

/** Accuracy on labelled data of each member and of the ensemble under both rules. */
export function evaluateEnsemble(members: readonly Network[], data: DataSet): EnsembleEvaluation {
  checkMembers(members);
  const labels = data.labels ?? fail("evaluateEnsemble needs labelled data");
  const classes = members[0].outputSize;
  const outputs = members.map((m) => datasetOutputs(m, data));
  return {
    members: outputs.map((o) => score(argmaxRows(o, classes), labels)),
    vote: score(combine(outputs, classes, "vote"), labels),
    average: score(combine(outputs, classes, "average"), labels),
  };
}

/**
 * Trains K networks built by `factory(seed)`, one per seed, each by {@link sgd} with `options` and its
 * own seed for the shuffles; returns the members, their histories and seeds.
 */
export function trainEnsemble(
  factory: (seed: number) => Network,
  data: DataSet,
  options: EnsembleOptions,
): { members: Network[]; histories: History[]; seeds: number[] } {
  const { members: K, seeds: given, onMember, ...sgdOpts } = options;
  if (!Number.isInteger(K) || K < 1) fail(`an ensemble needs a positive integer number of members, got ${String(K)}`);
  if (given && given.length !== K) fail(`${given.length} seeds given for ${K} members`);
  const seeds = given ? [...given] : Array.from({ length: K }, (_, i) => (options.seed ?? 0) + i);
  const members: Network[] = [];
  const histories: History[] = [];
  seeds.forEach((seed, i) => {
    const net = factory(seed);
    if (members.length) checkMembers([members[0], net]);
    const h = sgd(net, data, { ...sgdOpts, seed });
    members.push(net);
    histories.push(h);
    onMember?.(i, net, h);
  });
  return { members, histories, seeds };
}
