/**
 * `npm run bench`: runs every benchmark section in order and prints their Markdown (ready to paste into
 * the README). Each section is a function of the shared context that returns Markdown lines; add one
 * by appending it to SECTIONS. `npm run bench -- cnn conv` runs only the sections named (peak, gemm,
 * mlp, cnn, conv, optimizers, rnn, threads, onnx). With `--json [file]` the raw numbers also go to bench/results/.
 *
 * The shared helpers (context, digits, timing loops) live in bench/lib.ts.
 *
 * Relaxed SIMD needs no flag: the loader enables it on Node 20 (src/wasm/relaxed-flag.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machine, type BenchContext, type Section } from "./lib.js";
import { gemmSection } from "./gemm.js";
import { peakSection } from "./peak.js";
import { mlpSection } from "./mlp.js";
import { cnnSection } from "./cnn.js";
import { convSection } from "./conv.js";
import { optimizersSection } from "./optimizers.js";
import { rnnSection } from "./rnn.js";
import { threadsSection } from "./threads.js";
import { onnxSection } from "./onnx.js";

/** Every section by name, in the order a full run takes them (gemm reads the peak measured before it). */
const SECTIONS: Record<string, Section> = { peak: peakSection, gemm: gemmSection, mlp: mlpSection, cnn: cnnSection, conv: convSection, optimizers: optimizersSection, rnn: rnnSection, threads: threadsSection, onnx: onnxSection };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const ctx: BenchContext = { json: { machine: machine(), date: new Date().toISOString() } };
  const at = args.indexOf("--json");
  const names = args.filter((a, i) => !a.startsWith("--") && !(at >= 0 && i === at + 1 && a.endsWith(".json")));
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (unknown.length > 0) throw new Error(`unknown bench section ${unknown.join(", ")}; expected some of ${Object.keys(SECTIONS).join(", ")}`);
  const t0 = performance.now();
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (names.length > 0 && !names.includes(name)) continue;
    const lines = await section(ctx);
    if (lines.length > 0) console.log(lines.join("\n") + "\n");
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
  if (at >= 0) {
    const root = join(dirname(fileURLToPath(import.meta.url)), "results");
    const given = args[at + 1]?.endsWith(".json") ? args[at + 1] : undefined;
    const file = given ?? join(root, `bench-${(ctx.json.date as string).replace(/[:.]/g, "-")}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(ctx.json, null, 2) + "\n");
    console.log(`results: ${file}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
