/**
 * `simdnet onnx export --model M.simdnet --out M.onnx [--opset N] [--batch N] [--input-shape 1x28x28]
 * [--lengths]`: a saved network or sequence classifier as an ONNX file, written atomically. The output
 * path is checked before the model is read. Node only.
 */
import { access, constants, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createEngine } from "../wasm/engine.js";
import { deserializeModel, MODEL_MAGIC } from "../io/model.js";
import { readModelFile, writeFileAtomic } from "../io/node.js";
import { deserializeSequenceModel } from "../rnn/io.js";
import { saveOnnx, type OnnxExportOptions } from "../onnx/export.js";

const USAGE = [
  "usage: simdnet onnx export --model M.simdnet --out M.onnx [options]",
  "",
  "  --model F          a model saved by simdnet train / simdnet rnn --save (or network2.py's JSON)",
  "  --out F            the ONNX file to write (atomically; its folder must exist)",
  "  --opset N          ai.onnx opset, 11..21 (default 17)",
  "  --batch N          fix the batch dimension (default: dynamic, the symbol N)",
  "  --input-shape S    networks: the input's per-example shape (default: the first layer's, 1x28x28 for a conv net on digits; 784 adds a Reshape)",
  "  --lengths          sequence classifiers: add an int32 `lengths` input [N] for zero-padded sequences",
].join("\n");

function usage(msg: string): never {
  throw new RangeError(`${msg} (see simdnet onnx export --help)`);
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) usage(`--${flag} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Throws unless `out` can be written: not a directory, not the model itself, in an existing writable folder. */
async function checkOutput(out: string, model: string): Promise<void> {
  if (resolve(out) === resolve(model)) usage(`--out ${out} is the model file itself; choose another name`);
  const st = await stat(out).catch(() => null);
  if (st?.isDirectory()) usage(`--out ${out} is a directory; give a file name such as ${out.replace(/\/$/, "")}/model.onnx`);
  const dir = dirname(out) || ".";
  const dst = await stat(dir).catch(() => null);
  if (!dst?.isDirectory()) throw new Error(`simdnet: cannot write ${out}: the folder ${dir} does not exist`);
  await access(dir, constants.W_OK).catch(() => {
    throw new Error(`simdnet: cannot write ${out}: the folder ${dir} is not writable`);
  });
}

/** The "format" of a simdnet file's JSON header ("simdnet-model", "simdnet-sequence-model"), or "" if it has none. */
function headerFormat(bytes: Uint8Array): string {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MODEL_MAGIC) return "";
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  try {
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as { format?: unknown };
    return typeof h?.format === "string" ? h.format : "";
  } catch {
    return ""; // the loader reports the corrupt header
  }
}

/**
 * Runs `simdnet onnx export` with the arguments after "export"; returns the summary line it printed.
 * Bad usage throws a RangeError (exit status 2), anything else an Error (status 1).
 */
export async function onnxExportCommand(argv: readonly string[], log: (s: string) => void = console.log): Promise<string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        model: { type: "string" },
        out: { type: "string" },
        opset: { type: "string" },
        batch: { type: "string" },
        "input-shape": { type: "string" },
        lengths: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    log(USAGE);
    return USAGE;
  }
  const model = values.model as string | undefined;
  const out = values.out as string | undefined;
  if (!model) usage("simdnet onnx export needs --model FILE");
  if (!out) usage("simdnet onnx export needs --out FILE.onnx");
  await checkOutput(out, model);
  const opts: OnnxExportOptions = {};
  if (values.opset !== undefined) opts.opset = positiveInt("opset", values.opset as string);
  if (values.batch !== undefined && values.batch !== "dynamic") opts.batch = positiveInt("batch", values.batch as string);
  if (values.lengths) opts.lengths = true;
  const shapeFlag = values["input-shape"] as string | undefined;
  if (shapeFlag !== undefined) {
    if (!/^\d+(x\d+)*$/.test(shapeFlag)) usage(`--input-shape must look like 784 or 1x28x28, got ${JSON.stringify(shapeFlag)}`);
    opts.inputShape = shapeFlag.split("x").map((d) => positiveInt("input-shape", d));
  }

  const engine = await createEngine();
  const bytes = await readModelFile(model, (b) => b);
  const isSequence = headerFormat(bytes) === "simdnet-sequence-model";
  let onnx: Uint8Array;
  let what: string;
  try {
    if (isSequence) {
      const { model: m } = deserializeSequenceModel(bytes, { engine });
      onnx = saveOnnx(m, opts);
      what = `${m.constructor.name} (${m.kind})`;
    } else {
      const { net, header } = deserializeModel(bytes, { engine });
      onnx = saveOnnx(net, { inputShape: header.inputShape, ...opts });
      what = `network of ${net.layers.length} layers`;
    }
  } catch (err) {
    throw new Error(`${(err as Error).message} (file: ${model})`);
  }
  await writeFileAtomic(out, onnx);
  const line = `${model} → ${out}: ${what}, opset ${opts.opset ?? 17}, ${onnx.length.toLocaleString("en-US")} bytes`;
  log(line);
  return line;
}
