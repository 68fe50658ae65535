/**
 * Load-time graph rewrites that do not depend on input shapes: BatchNormalization folded into the Conv
 * or Gemm before it (W' = a·W per output channel, b' = a·b + (B − mean·a), a = scale / √(var + ε)) when
 * that node's output feeds only the BatchNormalization and every parameter is a constant.
 */
import { Attrs, type Graph, type Node } from "./graph.js";
import { bnAffine } from "./ops/norm.js";
import type { Value } from "./tensor.js";

/** Folds BatchNormalization into its producer where possible; returns how many were folded. */
export function foldBatchNorms(g: Graph): number {
  const users = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) users.set(i, (users.get(i) ?? 0) + 1);
  for (const o of g.outputs) users.set(o, (users.get(o) ?? 0) + 1);
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  let folded = 0;
  g.nodes = g.nodes.filter((bn) => {
    if (bn.opType !== "BatchNormalization" || bn.outputs.filter((o) => o).length !== 1) return true;
    const at = new Attrs(bn);
    if (at.int("training_mode", 0) !== 0 || at.int("spatial", 1) !== 1) return true;
    const p = producer.get(bn.inputs[0]);
    if (!p || (p.opType !== "Conv" && p.opType !== "Gemm") || users.get(bn.inputs[0]) !== 1 || p.outputs.length !== 1) return true;
    const params = bn.inputs.slice(1, 5).map((n) => g.consts.get(n));
    const W = g.consts.get(p.inputs[1]), B = p.inputs[2] ? g.consts.get(p.inputs[2]) : undefined;
    if (params.length !== 4 || params.some((v) => !v || v.dtype !== "float32") || !W || W.dtype !== "float32" || (p.inputs[2] && !B)) return true;
    const [a, b] = bnAffine(params[0]!.data, params[1]!.data, params[2]!.data, params[3]!.data, at.float("epsilon", 1e-5));
    const F = a.length;
    const w = new Float32Array(W.data), bias = new Float32Array(F);
    if (p.opType === "Conv") {
      if (W.dims[0] !== F) return true;
      const per = w.length / F;
      for (let f = 0; f < F; f++) for (let k = 0; k < per; k++) w[f * per + k] *= a[f];
      for (let f = 0; f < F; f++) bias[f] = (B ? B.data[f] : 0) * a[f] + b[f];
    } else {
      const pa = new Attrs(p), tB = pa.int("transB", 0), beta = pa.float("beta", 1);
      if (pa.int("transA", 0) || W.dims.length !== 2 || (tB ? W.dims[0] : W.dims[1]) !== F) return true;
      if (B && !(B.data.length === F && B.dims[B.dims.length - 1] === F)) return true;
      const K = tB ? W.dims[1] : W.dims[0];
      for (let j = 0; j < F; j++) for (let k = 0; k < K; k++) w[tB ? j * K + k : k * F + j] *= a[j];
      for (let j = 0; j < F; j++) bias[j] = (B ? beta * B.data[j] : 0) * a[j] + b[j];
      p.attrs.set("beta", { name: "beta", type: 1, f: 1, floats: [], ints: [], strings: [], hasGraph: false });
    }
    const wName = uniqueName(g, `${p.inputs[1]}:bn`), bName = uniqueName(g, `${bn.outputs[0]}:bias`);
    g.consts.set(wName, { dims: W.dims, dtype: "float32", data: w } satisfies Value);
    g.consts.set(bName, { dims: [F], dtype: "float32", data: bias });
    p.inputs = [p.inputs[0], wName, bName];
    p.outputs = [bn.outputs[0]];
    producer.set(bn.outputs[0], p);
    folded++;
    return false;
  });
  return folded;
}

function uniqueName(g: Graph, base: string): string {
  let name = base, i = 0;
  while (g.consts.has(name)) name = `${base}${++i}`;
  return name;
}
