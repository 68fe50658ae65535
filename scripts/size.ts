/**
 * `npm run size`: what installing and shipping simdnet costs. The tarball (`npm pack`'s packed and
 * unpacked sizes), and per entry point the JS a bundler ships (esbuild, browser conditions, minified,
 * tree-shaken) plus the kernel module it loads, each gzipped (level 9). Reads the built package
 * (`npm run build` first: the npm script does it).
 *
 * Usage: node --import tsx scripts/size.ts [--json]
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** One entry point: its minified JS and its wasm, raw and gzipped (bytes). */
export interface EntrySize {
  entry: string;
  wasm: string;
  js: number;
  jsGzip: number;
  wasmBytes: number;
  wasmGzip: number;
  /** jsGzip + wasmGzip: what a page or worker downloads. */
  totalGzip: number;
}

/** The tarball and every entry point's shipped size. */
export interface SizeReport {
  tarball: { packed: number; unpacked: number; files: number };
  entries: EntrySize[];
}

/** The inference entry's budget (issue 8): JS + wasm, gzipped. */
export const INFER_BUDGET = 40 * 1024;

/** The ONNX entry's budget (issue 17): JS + wasm, gzipped. */
export const ONNX_BUDGET = 60 * 1024;

const gz = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length;

/** The minified, tree-shaken browser bundle of `source` (module code importing from `root`'s dist). */
async function bundle(root: string, source: string): Promise<Uint8Array> {
  const out = await build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true, format: "esm", platform: "browser", minify: true, write: false, logLevel: "error",
    legalComments: "none", external: ["*.wasm"],
  });
  return out.outputFiles[0].contents;
}

/** Measures the built package at `root` (the repository root, after `npm run build`). */
export async function measureSizes(root: string): Promise<SizeReport> {
  const dist = join(root, "dist");
  if (!existsSync(join(dist, "bundle", "infer.js")) || !existsSync(join(dist, "build", "simdnet.infer.wasm"))) {
    throw new Error("size: dist/ is not built; run `npm run build` first (`npm run size` does)");
  }
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
  ) as { size: number; unpackedSize: number; entryCount: number }[];
  const wasm = (name: string) => readFileSync(join(dist, "build", name));
  const entries: EntrySize[] = [];
  const specs: [string, string, string][] = [
    ["simdnet/infer (loadModel + predict)", `export { loadModel } from "./dist/bundle/infer.js";`, "simdnet.infer.relaxed.wasm"],
    ["simdnet/onnx (loadOnnx + run)", `export { loadOnnx } from "./dist/bundle/onnx.js";`, "simdnet.infer.relaxed.wasm"],
    ["simdnet/onnx loadModel (simdnet + ONNX files)", `export { loadModel } from "./dist/bundle/onnx.js";`, "simdnet.infer.relaxed.wasm"],
    ["simdnet (everything)", `export * from "./dist/src/index.js";`, "simdnet.relaxed.wasm"],
    ["simdnet: Network + sgd only", `export { init, Network, sgd } from "./dist/src/index.js";`, "simdnet.relaxed.wasm"],
  ];
  for (const [entry, source, wasmName] of specs) {
    const js = await bundle(root, source);
    const w = wasm(wasmName);
    entries.push({ entry, wasm: wasmName, js: js.length, jsGzip: gz(js), wasmBytes: w.length, wasmGzip: gz(w), totalGzip: gz(js) + gz(w) });
  }
  return { tarball: { packed: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount }, entries };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** The report as a markdown table. */
export function formatSizes(r: SizeReport): string {
  const lines = [
    `tarball: ${kb(r.tarball.packed)} packed, ${kb(r.tarball.unpacked)} unpacked, ${r.tarball.files} files`,
    "",
    "| entry | JS min | JS gz | wasm | wasm gz | JS + wasm gz |",
    "|---|---:|---:|---|---:|---:|",
    ...r.entries.map((e) => `| ${e.entry} | ${kb(e.js)} | ${kb(e.jsGzip)} | ${e.wasm} ${kb(e.wasmBytes)} | ${kb(e.wasmGzip)} | **${kb(e.totalGzip)}** |`),
    "",
    `inference budget: ${kb(INFER_BUDGET)} gzipped JS + wasm; ONNX entry budget: ${kb(ONNX_BUDGET)}`,
  ];
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await measureSizes(fileURLToPath(new URL("..", import.meta.url)));
  console.log(process.argv.includes("--json") ? JSON.stringify(report, null, 2) : formatSizes(report));
  const infer = report.entries[0];
  if (infer.totalGzip > INFER_BUDGET) {
    console.error(`size: simdnet/infer is ${kb(infer.totalGzip)} gzipped, over its ${kb(INFER_BUDGET)} budget`);
    process.exit(1);
  }
  for (const onnx of report.entries.filter((e) => e.entry.startsWith("simdnet/onnx"))) {
    if (onnx.totalGzip > ONNX_BUDGET) {
      console.error(`size: ${onnx.entry} is ${kb(onnx.totalGzip)} gzipped, over its ${kb(ONNX_BUDGET)} budget`);
      process.exit(1);
    }
  }
}
