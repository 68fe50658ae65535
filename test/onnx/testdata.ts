/**
 * ONNX's backend test data (Debian's libonnx-testdata): a directory per case with model.onnx and
 * test_data_set_N/{input,output}_K.pb (TensorProto files). Readers shared by the conformance test.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeModel, decodeTensor, type TensorProto } from "../../src/onnx/decode.js";
import { loadOnnxSync, type OnnxTensor } from "../../src/onnx/model.js";
import { ProtoReader } from "../../src/onnx/protobuf.js";
import { tensorValue } from "../../src/onnx/tensor.js";
import type { Engine } from "../../src/wasm/engine.js";

export const TESTDATA = process.env.ONNX_TESTDATA ?? "/usr/share/libonnx-testdata/data";
export const SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"] as const;
export const INSTALL_HINT = "ONNX backend test data not found at /usr/share/libonnx-testdata/data: `apt-get install libonnx-testdata` (or set ONNX_TESTDATA)";

export const haveTestData = (): boolean => existsSync(join(TESTDATA, "node"));

export interface Case { suite: string; name: string; dir: string; sets: { inputs: TensorProto[]; outputs: TensorProto[] }[] }

const readPb = (file: string): TensorProto => decodeTensor(new ProtoReader(new Uint8Array(readFileSync(file)), file));

/** Every case of a suite, with its data sets (sorted numerically). */
export function cases(suite: string): Case[] {
  const root = join(TESTDATA, suite);
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().flatMap((name) => {
    const dir = join(root, name);
    if (!existsSync(join(dir, "model.onnx"))) return [];
    const sets = readdirSync(dir).filter((d) => d.startsWith("test_data_set_")).sort().map((d) => {
      const files = readdirSync(join(dir, d));
      const pick = (prefix: string) => files.filter((f) => f.startsWith(prefix) && f.endsWith(".pb"))
        .sort((a, b) => parseInt(a.slice(prefix.length)) - parseInt(b.slice(prefix.length))).map((f) => readPb(join(dir, d, f)));
      return { inputs: pick("input_"), outputs: pick("output_") };
    });
    return [{ suite, name, dir, sets }];
  });
}

/** ONNX's backend-test tolerances (onnx/backend/test/runner: rtol 1e-3, atol 1e-7). */
export const RTOL = 1e-3, ATOL = 1e-7;

export interface Outcome { ok: boolean; detail: string; ops: string[] }

/**
 * Loads and runs one case on `engine` (its arena released afterwards) against every data set.
 * Integer inputs (shapes, axes) are bound at load as constants, and so, when an operator needs its
 * parameters at load (BatchNormalization's statistics, Clip's bounds), are all inputs after the first.
 */
export function runCase(c: Case, engine: Engine): Outcome {
  const bytes = new Uint8Array(readFileSync(join(c.dir, "model.onnx")));
  const ops = [...new Set(decodeModel(bytes).graph.nodes.map((n) => n.opType))].sort();
  const attempt = (bindAll: boolean): Outcome => {
    let detail = "";
    for (const [k, set] of c.sets.entries()) {
      const m = decodeModel(bytes);
      const initNames = new Set(m.graph.initializers.map((t) => t.name));
      const inputs = m.graph.inputs.filter((i) => !initNames.has(i.name));
      const feeds: Record<string, OnnxTensor> = {};
      set.inputs.forEach((t, j) => {
        const name = inputs[j]?.name ?? `#${j}`;
        if (t.dataType !== 1 || (bindAll && j > 0)) m.graph.initializers.push({ ...t, name });
        else {
          const v = tensorValue(t, `${c.name} input ${j}`);
          feeds[name] = { shape: v.dims, data: v.data as Float32Array };
        }
      });
      const mark = engine.mark();
      try {
        const model = loadOnnxSync(m, engine, { inputShape: Object.fromEntries(Object.entries(feeds).map(([n, v]) => [n, v.shape])) });
        const out = model.run(feeds);
        set.outputs.forEach((t, j) => {
          const name = m.graph.outputs[j].name, exp = tensorValue(t, `${c.name} output ${j}`, true), got = out[name];
          if (got.shape.join() !== exp.dims.join()) { detail ||= `set ${k} ${name}: shape [${got.shape}] vs expected [${exp.dims}]`; return; }
          for (let i = 0; i < exp.data.length; i++) {
            const a = got.data[i], b = exp.data[i];
            if (!(Math.abs(a - b) <= ATOL + RTOL * Math.abs(b)) && !(Number.isNaN(a) && Number.isNaN(b)) && a !== b) {
              detail ||= `set ${k} ${name}[${i}]: ${a} vs expected ${b}`;
              break;
            }
          }
        });
      } finally {
        engine.release(mark);
      }
    }
    return { ok: !detail, detail, ops };
  };
  try {
    return attempt(false);
  } catch (err) {
    const msg = (err as Error).message;
    if (!/must be a constant known at load time/.test(msg)) return { ok: false, detail: msg, ops };
    try {
      return attempt(true);
    } catch (err2) {
      return { ok: false, detail: (err2 as Error).message, ops };
    }
  }
}
