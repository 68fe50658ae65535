/**
 * Runs ONNX's backend test data (libonnx-testdata) through simdnet's ONNX importer and prints, per
 * operator, how many cases pass, fail, or cannot load (an operator or data type outside the supported
 * set), as the Markdown table in the README. `--failures` also lists each failing case.
 *
 * Usage: node --import tsx scripts/onnx-conformance.ts [--failures] [--json]
 */
import { isSupported } from "../src/onnx/plan.js";
import { createEngine } from "../src/wasm/engine.js";
import { cases, haveTestData, INSTALL_HINT, runCase, SUITES } from "../test/onnx/testdata.js";

if (!haveTestData()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
const engine = await createEngine({ variant: "plain" });
const rows = new Map<string, { pass: number; fail: number; unsupported: number }>();
const failures: string[] = [];
for (const suite of SUITES) {
  for (const c of cases(suite)) {
    const r = runCase(c, engine);
    const supported = r.ops.every(isSupported);
    for (const op of r.ops) {
      const row = rows.get(op) ?? { pass: 0, fail: 0, unsupported: 0 };
      if (!supported) row.unsupported++;
      else if (r.ok) row.pass++;
      else row.fail++;
      rows.set(op, row);
    }
    if (supported && !r.ok) failures.push(`${suite}/${c.name}: ${r.detail}`);
  }
}
const list = [...rows].filter(([op]) => isSupported(op)).sort(([a], [b]) => a.localeCompare(b));
if (process.argv.includes("--json")) console.log(JSON.stringify(Object.fromEntries(list)));
else {
  console.log("| operator | pass | not passing (skip list) | with an unsupported op or type |\n|---|---:|---:|---:|");
  for (const [op, r] of list) console.log(`| ${op} | ${r.pass} | ${r.fail} | ${r.unsupported} |`);
  const cnt = (k: "pass" | "fail") => list.reduce((a, [, r]) => a + r[k], 0);
  console.log(`\n${cnt("pass")} operator-cases pass, ${cnt("fail")} do not.`);
}
if (process.argv.includes("--failures")) for (const f of failures) console.log(f);
