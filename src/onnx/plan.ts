/**
 * From a checked graph and concrete input shapes to a runnable plan: fold constants, build each compute
 * node into an {@link Op} (shape inference), then a memory plan in which an intermediate tensor's buffer
 * is reused once its last reader has run (liveness, best-fit slots). The whole size is known and checked
 * against the engine's limit before the first allocation; if anything fails, the arena is released to
 * where it was, so nothing half-loads.
 */
import type { Engine, Ptr } from "../wasm/engine.js";
import { FOLDABLE, foldNode, runtimeOp } from "./fold.js";
import type { Graph } from "./graph.js";
import { context, numel, type Op, type Sym } from "./op.js";
import { OPS } from "./ops/index.js";
import { OnnxFormatError } from "./protobuf.js";
import { checkedSize, type Value } from "./tensor.js";

/** True when op_type can load (it computes, or it folds when its inputs are known at load). */
export const isSupported = (opType: string): boolean => opType in OPS || FOLDABLE.has(opType);

export const SUPPORTED_OPS: readonly string[] = [...new Set([...Object.keys(OPS), ...FOLDABLE])].sort();

interface Step { op: Op; ins: Ptr[]; outs: Ptr[]; label: string }

/** A built graph for one set of input shapes. */
export interface Plan {
  steps: Step[];
  inputs: { name: string; shape: number[]; ptr: Ptr }[];
  outputs: { name: string; shape: number[]; ptr?: Ptr; value?: Value }[];
  scratch: Ptr;
  /** The arena region the plan owns: [start, end). */
  start: Ptr;
  end: Ptr;
  /** Bytes of buffers (intermediates) the plan allocated, and what they would take without reuse. */
  bufferBytes: number;
  naiveBytes: number;
}

/** Builds and allocates a plan for `shapes` (graph input name → shape, batch included). */
export function buildPlan(g: Graph, e: Engine, shapes: Map<string, number[]>, maxBytes: number): Plan {
  const syms = new Map<string, Sym>();
  for (const [name, v] of g.consts) syms.set(name, { shape: v.dims, value: v });
  for (const inp of g.inputs) {
    const s = shapes.get(inp.name)!;
    checkedSize(s, `graph input "${inp.name}"`);
    syms.set(inp.name, { shape: s });
  }
  const pending: { op: Op; ins: string[]; outs: string[]; label: string }[] = [];
  for (const node of g.nodes) {
    const ins = node.inputs.map((n) => (n === "" ? undefined : syms.get(n)));
    const c = context(node, g.opset, ins);
    const folded = foldNode(c);
    if (folded) {
      if (node.outputs.some((o, i) => o && !folded[i])) c.fail(`it has ${node.outputs.length} outputs; folding it gives ${folded.length}`);
      node.outputs.forEach((o, i) => o && syms.set(o, { shape: folded[i].dims, value: folded[i] }));
      continue;
    }
    const build = OPS[node.opType] ?? (FOLDABLE.has(node.opType) ? runtimeOp : undefined);
    if (!build) c.fail(`operator ${node.opType} is not supported; supported: ${SUPPORTED_OPS.join(", ")}`);
    const op = build(c);
    if (node.outputs.some((o, i) => o && !op.out[i])) c.fail(`it has ${node.outputs.length} outputs; this implementation produces ${op.out.length}`);
    node.outputs.forEach((o, i) => {
      if (o) {
        checkedSize(op.out[i], `output "${o}" of ${node.label}`);
        syms.set(o, { shape: op.out[i] });
      }
    });
    pending.push({ op, ins: node.inputs, outs: node.outputs, label: node.label });
  }
  return allocatePlan(g, e, syms, pending, maxBytes);
}

function allocatePlan(g: Graph, e: Engine, syms: Map<string, Sym>, pending: { op: Op; ins: string[]; outs: string[]; label: string }[], maxBytes: number): Plan {
  const isOutput = new Set(g.outputs);
  const lastUse = new Map<string, number>();
  pending.forEach((p, i) => p.ins.forEach((n, j) => n && !p.op.constInputs?.includes(j) && lastUse.set(n, i)));
  // slots: buffer sizes in floats; a tensor maps to a slot while it is live
  const slots: number[] = [];
  const free: number[] = [];
  const slotOf = new Map<string, number>();
  // a slot is free once no live tensor maps to it (aliases share one); a graph output's slot never frees
  const refs: number[] = [];
  const pinned = new Set<number>();
  const take = (n: number): number => {
    let best = -1;
    for (const s of free) if (slots[s] >= n && (best < 0 || slots[s] < slots[best])) best = s;
    if (best < 0 && free.length) best = free.reduce((a, b) => (slots[a] >= slots[b] ? a : b));
    if (best < 0) {
      slots.push(n);
      refs.push(1);
      return slots.length - 1;
    }
    free.splice(free.indexOf(best), 1);
    slots[best] = Math.max(slots[best], n);
    refs[best] = 1;
    return best;
  };
  const bind = (name: string, s: number) => {
    slotOf.set(name, s);
    if (isOutput.has(name)) pinned.add(s);
  };
  const release = (name: string) => {
    const s = slotOf.get(name);
    if (s !== undefined && --refs[s] === 0 && !pinned.has(s)) free.push(s);
  };
  for (const inp of g.inputs) bind(inp.name, take(numel(syms.get(inp.name)!.shape)));
  let naive = 0;
  const aliased = new Set<number>();
  pending.forEach((p, i) => {
    const src = p.ins[0];
    if (p.op.alias && src && slotOf.has(src) && p.outs[0]) {
      const s = slotOf.get(src)!;
      refs[s]++;
      bind(p.outs[0], s);
      aliased.add(i);
    } else {
      p.outs.forEach((o, j) => {
        if (!o) return;
        const n = numel(p.op.out[j]);
        naive += n;
        bind(o, take(n));
      });
    }
    for (const n of new Set(p.ins)) if (n && slotOf.has(n) && (lastUse.get(n) ?? -1) <= i) release(n);
    for (const o of p.outs) if (o && !lastUse.has(o)) release(o);
  });
  // constants the steps read, each uploaded once
  const consts = new Map<Value, number>();
  let constFloats = 0, scratch = 0;
  const pad = (n: number) => Math.ceil(n / 4) * 4 + 4;
  for (const p of pending) {
    p.ins.forEach((n, j) => {
      const v = n ? syms.get(n)?.value : undefined;
      if (!v || p.op.constInputs?.includes(j)) return;
      if (v.dtype !== "float32") throw new OnnxFormatError(`${p.label}: input "${n}" is an integer constant where float32 values are needed`);
      if (!consts.has(v)) { consts.set(v, 0); constFloats += pad(v.data.length); }
    });
    for (const x of p.op.extra ?? []) constFloats += pad(x.length);
    scratch = Math.max(scratch, p.op.scratch ?? 0);
  }
  const total = 4 * (slots.reduce((a, n) => a + pad(n), 0) + constFloats + pad(scratch));
  if (total > maxBytes) {
    const inputs = g.inputs.map((i) => `"${i.name}" [${syms.get(i.name)!.shape.join(", ")}]`).join(", ");
    throw new OnnxFormatError(`running the model on ${inputs || "its constants"} needs ${total} bytes of weights and buffers, over the limit of ${maxBytes} (option maxBytes)`);
  }
  const start = e.mark();
  e.reserve(e.bytesUsed + total + 64); // throws a clear RangeError before anything is allocated
  try {
    const ptrs = slots.map((n) => e.alloc(n));
    const ptrOf = (name: string) => ptrs[slotOf.get(name)!];
    for (const v of consts.keys()) consts.set(v, e.allocFrom(v.data));
    const steps: Step[] = pending.filter((_, i) => !aliased.has(i)).map((p) => ({
      op: p.op, label: p.label,
      ins: [
        ...p.ins.map((n, j) => {
          if (!n || p.op.constInputs?.includes(j)) return 0;
          const v = syms.get(n)!.value;
          return v ? consts.get(v)! : ptrOf(n);
        }),
        ...(p.op.extra ?? []).map((x) => e.allocFrom(x)),
      ],
      outs: p.outs.map((o) => (o ? ptrOf(o) : 0)),
    }));
    const scratchPtr = e.alloc(Math.max(scratch, 1));
    return {
      steps, scratch: scratchPtr, start, end: e.mark(),
      inputs: g.inputs.map((i) => ({ name: i.name, shape: syms.get(i.name)!.shape, ptr: ptrOf(i.name) })),
      outputs: g.outputs.map((name) => {
        const s = syms.get(name)!;
        return s.value ? { name, shape: s.shape, value: s.value } : { name, shape: s.shape, ptr: ptrOf(name) };
      }),
      bufferBytes: 4 * slots.reduce((a, n) => a + n, 0),
      naiveBytes: 4 * naive,
    };
  } catch (err) {
    e.release(start);
    throw err;
  }
}
