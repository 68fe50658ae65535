/**
 * The data the npm package ships, written into dist/build/ by `npm run build:ts` (and so by prepack):
 *   mnist-embedded.bin   build/mnist-embedded.bin gzipped (7.9 MB → 1.6 MB): the same 10,000 digits,
 *                        which readEmbeddedBytes() gunzips when it sees gzip's magic bytes
 *   english-words.txt    every WORD_STRIDE-th word of the devDependency an-array-of-english-words
 *                        (a–z only, 2..20 letters), for `simdnet rnn --task chars|reverse` when that
 *                        package is not installed
 *
 * Usage: node --import tsx scripts/pack-data.ts [outDir]   (default dist/build)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** One word in this many goes into the package's sample. */
export const WORD_STRIDE = 13;

/** The words src/rnn/cli.ts can use (lower-case a–z, 2..20 letters), in the list's order. */
export function usableWords(all: readonly string[]): string[] {
  return all.filter((w) => w.length >= 2 && w.length <= 20 && /^[a-z]+$/.test(w));
}

/** The package's word file: a comment line naming the source and licence, then one word per line. */
export function wordSample(all: readonly string[], version: string): string {
  const usable = usableWords(all);
  const sample = usable.filter((_, i) => i % WORD_STRIDE === 0);
  return [
    `# every ${WORD_STRIDE}th of the ${usable.length} a–z words of an-array-of-english-words ${version} (MIT licence, © 2014 Zeke Sikelianos): ${sample.length} words`,
    ...sample,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = process.argv[2] ?? join(root, "dist", "build");
  mkdirSync(out, { recursive: true });
  const digits = readFileSync(join(root, "build", "mnist-embedded.bin"));
  const packed = gzipSync(digits, { level: 9 });
  writeFileSync(join(out, "mnist-embedded.bin"), packed);
  const require = createRequire(import.meta.url);
  const words = wordSample(require("an-array-of-english-words") as string[], (require("an-array-of-english-words/package.json") as { version: string }).version);
  writeFileSync(join(out, "english-words.txt"), words);
  console.log(`pack-data: ${out}/mnist-embedded.bin ${digits.length} → ${packed.length} bytes gzipped; english-words.txt ${words.length} bytes`);
}
