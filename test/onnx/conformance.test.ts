// ONNX's own backend test data (Debian's libonnx-testdata: node, pytorch-converted, pytorch-operator,
// simple) through loadOnnx, at the backend runner's tolerances (rtol 1e-3, atol 1e-7). Every case whose
// operators are all supported runs and must pass, unless the SKIPS table below says why not. Cases with
// an operator outside the supported set are not run (the README's table counts them per operator);
// that they fail to load with a clear error is checked here on a sample.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel } from "../../src/onnx/decode.js";
import { loadOnnxSync } from "../../src/onnx/model.js";
import { isSupported } from "../../src/onnx/plan.js";
import { engine } from "../helpers.js";
import { cases, haveTestData, INSTALL_HINT, runCase, SUITES, type Case } from "./testdata.js";

/** Cases that load only supported operators but are not expected to pass, with the reason. One table. */
const SKIPS: [RegExp, string][] = [
  [/^(?!test_range_).*_(u?int(8|16|32|64)|float16|float64|bfloat16)(_|$)/, "non-float32 tensors (float16/float64/int8/… at run time): float32 only"],
  [/^test_cast(like)?_/, "casts to or from float16/bfloat16/float64/string: float32 and integer shape tensors only"],
  [/^test_pow_types_|^test_(edge|reflect)_pad$/, "integer operands at run time: float32 only"],
  [/^test_operator_add(_|constant)/, "float64 model (PyTorch double export): float32 only"],
  [/training/, "training mode (BatchNormalization / Dropout with training_mode = 1): inference only"],
  [/^test_dropout_default_mask/, "Dropout's mask output: inference only"],
  [/^test_maxpool_with_argmax/, "MaxPool's Indices output is not supported"],
  [/^test_(greater|less)(_bcast)?$/, "comparisons produce bool tensors at run time: only float32 flows at run time"],
  [/^test_range_float_type_positive_delta$/, "Range on run-time inputs (its output shape depends on values)"],
  [/^test_identity_(opt|sequence)$/, "optional and sequence types"],
];

const skipReason = (c: Case): string | undefined => SKIPS.find(([re]) => re.test(c.name))?.[1];

describe.skipIf(!haveTestData())("ONNX backend conformance", () => {
  for (const suite of SUITES) {
    const all = haveTestData() ? cases(suite) : [];
    const supported = all.filter((c) => decodeModel(new Uint8Array(readFileSync(join(c.dir, "model.onnx")))).graph.nodes.every((n) => isSupported(n.opType)));
    describe(suite, () => {
      for (const c of supported) {
        const reason = skipReason(c);
        it.skipIf(!!reason)(`${c.name}${reason ? ` (skipped: ${reason})` : ""}`, async () => {
          const r = runCase(c, await engine());
          expect(r.detail).toBe("");
          expect(r.ok).toBe(true);
        });
      }
      it("runs at least one case", () => expect(supported.length).toBeGreaterThan(suite === "simple" ? 0 : 10));
    });
  }

  it("refuses an unsupported operator at load, naming node, operator, opset and the supported set", async () => {
    const dir = join(cases("node").find((c) => c.name === "test_cos")!.dir, "model.onnx");
    const e = await engine();
    const mark = e.mark();
    expect(() => loadOnnxSync(new Uint8Array(readFileSync(dir)), e)).toThrow(/node 0 \(Cos\), opset \d+: operator Cos is not supported; supported: .*Conv/);
    expect(e.mark()).toBe(mark);
  });

  it("skips are still failing (a skip that starts passing must leave the table)", async () => {
    const e = await engine();
    const skipped = SUITES.flatMap((s) => cases(s)).filter((c) => skipReason(c));
    for (const c of skipped) expect(runCase(c, e).ok, c.name).toBe(false);
  });
});

describe.skipIf(haveTestData())("ONNX backend conformance data", () => {
  it("is not installed", () => {
    console.warn(INSTALL_HINT);
    expect(haveTestData()).toBe(false);
  });
});
