/**
 * Writes digits.bin for the examples: the first 600 digits of the embedded test split (seed 0: digits
 * that examples/assets/mlp.simdnet never trained on), in the embedded format that parseEmbedded reads.
 * Run in a checkout: `npm run data && node --import tsx examples/make-digits.ts OUT.bin`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EMBEDDED_HEADER_BYTES, EMBEDDED_MAGIC, EMBEDDED_VERSION, loadEmbeddedMnist } from "../src/data/mnist.js";

/** The examples' digits file: "SNMN", version, count, 28, 28, count labels, count·784 pixels. */
export async function makeDigits(count = 600): Promise<Uint8Array> {
  const { test } = await loadEmbeddedMnist();
  const out = new Uint8Array(EMBEDDED_HEADER_BYTES + count + count * 784);
  const dv = new DataView(out.buffer);
  out.set(EMBEDDED_MAGIC, 0);
  for (const [i, v] of [EMBEDDED_VERSION, count, 28, 28].entries()) dv.setUint32(4 + 4 * i, v, true);
  out.set(test.labels!.subarray(0, count), EMBEDDED_HEADER_BYTES);
  out.set(test.inputs.subarray(0, count * 784), EMBEDDED_HEADER_BYTES + count);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(process.argv[2] ?? "digits.bin", await makeDigits());
}
