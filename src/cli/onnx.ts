/**
 * `simdnet onnx inspect M.onnx` and `simdnet onnx run --model M.onnx --input x.json [--all]`.
 * inspect: inputs, outputs, opset, producer and operators with counts, marking those this build cannot
 * run. run: the input file holds `{"shape": [...], "data": [...]}` or an object of those by input name;
 * prints the first output as `{"shape", "data"}`, or every output by name with --all.
 */
import { readFile } from "node:fs/promises";
import { decodeModel } from "../onnx/decode.js";
import { buildGraph } from "../onnx/graph.js";
import { loadOnnx, type OnnxInput } from "../onnx/model.js";
import { isSupported } from "../onnx/plan.js";
import { createEngine } from "../wasm/engine.js";

const USAGE = "usage: simdnet onnx inspect M.onnx\n       simdnet onnx run --model M.onnx --input x.json [--all] [--variant plain|relaxed]\n       simdnet onnx export --model M.simdnet --out M.onnx (simdnet onnx export --help)";

/** Runs `simdnet onnx …` with the arguments after "onnx"; `print` receives each output line. */
export async function onnxCommand(args: string[], print: (line: string) => void = console.log): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "inspect") return inspect(rest, print);
  if (sub === "run") return run(rest, print);
  if (!sub || sub === "--help" || sub === "-h") {
    print(USAGE);
    return;
  }
  // one line: the CLI prints it as the whole error
  throw new TypeError(`simdnet onnx: unknown subcommand ${JSON.stringify(sub)}; expected: simdnet onnx inspect M.onnx | run --model M.onnx --input x.json | export --model M.simdnet --out M.onnx`);
}

async function inspect(args: string[], print: (line: string) => void): Promise<void> {
  const file = args.find((a) => !a.startsWith("-"));
  if (!file) throw new TypeError(`simdnet onnx inspect needs a model file\n${USAGE}`);
  const m = decodeModel(new Uint8Array(await readFile(file)));
  const g = buildGraph(m);
  const dims = (d: (number | string | null)[] | null) => (d ? `[${d.map((x) => x ?? "?").join(", ")}]` : "(no shape)");
  print(`${file}: ONNX IR ${m.irVersion}, opset ${g.opset}${g.producer ? `, produced by ${g.producer}` : ""}`);
  print(`inputs:  ${g.inputs.map((i) => `${i.name} ${dims(i.dims)}`).join(", ")}`);
  print(`outputs: ${m.graph.outputs.map((o) => `${o.name} ${dims(o.dims)}`).join(", ")}`);
  const params = [...g.consts.values()].reduce((a, v) => a + v.data.length, 0);
  print(`${g.nodes.length} nodes, ${g.consts.size} initializers (${params} values)`);
  const counts = new Map<string, number>();
  for (const n of g.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  print("operators:");
  for (const [op, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    print(`  ${op.padEnd(24)}${String(n).padStart(5)}${isSupported(op) ? "" : "  unsupported"}`);
  }
  const missing = [...counts.keys()].filter((op) => !isSupported(op));
  print(missing.length ? `unsupported: ${missing.join(", ")}` : "all operators supported");
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new TypeError(`--${name} needs a value\n${USAGE}`);
  return v;
}

const isTensorJson = (v: unknown): v is OnnxInput =>
  typeof v === "object" && v !== null && Array.isArray((v as OnnxInput).shape) && Array.isArray((v as OnnxInput).data);

async function run(args: string[], print: (line: string) => void): Promise<void> {
  const model = flag(args, "model"), input = flag(args, "input");
  if (!model || !input) throw new TypeError(`simdnet onnx run needs --model and --input\n${USAGE}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(input, "utf8"));
  } catch (err) {
    throw new TypeError(`${input} is not valid JSON: ${(err as Error).message}`);
  }
  let feeds: OnnxInput | Record<string, OnnxInput>;
  if (isTensorJson(parsed)) feeds = parsed;
  else if (typeof parsed === "object" && parsed !== null && Object.values(parsed).every(isTensorJson)) feeds = parsed as Record<string, OnnxInput>;
  else throw new TypeError(`${input} must hold {"shape": [...], "data": [...]} or an object of those by input name`);
  const engine = await createEngine({ variant: (flag(args, "variant") ?? "auto") as never });
  const shapes = isTensorJson(feeds) ? feeds.shape : Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.shape]));
  const m = await loadOnnx(new Uint8Array(await readFile(model)), { engine, inputShape: shapes });
  const out = m.run(feeds);
  const plain = (t: { shape: number[]; data: Float32Array }) => ({ shape: t.shape, data: Array.from(t.data) });
  if (args.includes("--all")) print(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, plain(t)]))));
  else print(JSON.stringify(plain(Object.values(out)[0])));
}
