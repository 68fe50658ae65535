/**
 * The demo's digits, in the order a run needs them and compressed: build/mnist-demo.gz (written by
 * scripts/embed-mnist.ts) holds the library's embedded split (loadEmbeddedMnist(): 8,000 / 1,000 / 1,000)
 * as validation, then test, then training, gzipped. The worker streams it through DecompressionStream and
 * a run may start as soon as the validation and test digits and its first `trainSize` training digits are
 * in, long before the rest arrived. The bytes are the split's own, so training is bit for bit the same.
 *
 * Layout (before gzip): "SNMD", then u32 little-endian version, validation, test and training counts,
 * rows, cols; then per set, in that order, its count u8 labels and count·rows·cols u8 pixels.
 */
import type { DataSet, MnistSplit } from "../src/index.js";

const MAGIC = [0x53, 0x4e, 0x4d, 0x44]; // "SNMD"
const VERSION = 1;
/** Magic plus six u32. */
export const DIGITS_HEADER_BYTES = 28;
/** The order of the sets in the file. */
const ORDER = ["validation", "test", "training"] as const;

/** Packs a split (u8 inputs, labels) into the demo's layout, uncompressed. */
export function packDigits(split: MnistSplit, rows = 28, cols = 28): Uint8Array {
  const sets = ORDER.map((k) => split[k]);
  const size = rows * cols;
  const out = new Uint8Array(DIGITS_HEADER_BYTES + sets.reduce((a, d) => a + d.n * (1 + size), 0));
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  [VERSION, ...sets.map((d) => d.n), rows, cols].forEach((v, i) => view.setUint32(4 + 4 * i, v, true));
  let at = DIGITS_HEADER_BYTES;
  for (const d of sets) {
    if (!(d.inputs instanceof Uint8Array) || !d.labels) throw new Error("packDigits: the split must hold u8 inputs and labels");
    out.set(d.labels, at);
    out.set(d.inputs, at + d.n);
    at += d.n * (1 + size);
  }
  return out;
}

/** A split whose arrays fill in as the bytes arrive: `arrived` says how many bytes are in. */
export interface StreamedDigits {
  split: MnistSplit;
  /** Total (decompressed) bytes and how many have arrived. */
  total: number;
  arrived: number;
  /** The training digits fully arrived (validation and test come first, so they are in too when > 0). */
  trainingReady(): number;
  /** True once validation and test are complete. */
  evaluationReady(): boolean;
}

function fail(msg: string): never {
  throw new Error(`the demo's digits (build/mnist-demo.gz): ${msg}. Rebuild them with \`npm run data\``);
}

/** Reads the header and lays out empty sets over one buffer of the whole file's size. */
function layout(head: Uint8Array): { buffer: Uint8Array; digits: StreamedDigits; offsets: number[] } {
  if (MAGIC.some((b, i) => head[i] !== b)) fail(`wrong magic bytes; expected "SNMD"`);
  const v = new DataView(head.buffer, head.byteOffset, DIGITS_HEADER_BYTES);
  const [version, nVal, nTest, nTrain, rows, cols] = [0, 1, 2, 3, 4, 5].map((i) => v.getUint32(4 + 4 * i, true));
  if (version !== VERSION) fail(`format version ${version}; this page reads ${VERSION}`);
  const size = rows * cols;
  const counts = [nVal, nTest, nTrain];
  const total = DIGITS_HEADER_BYTES + counts.reduce((a, n) => a + n * (1 + size), 0);
  if (total > 64 << 20) fail(`${counts.join("+")} digits of ${rows}×${cols} is more than this page expects`);
  const buffer = new Uint8Array(total);
  const offsets: number[] = [];
  const sets: DataSet[] = [];
  let at = DIGITS_HEADER_BYTES;
  for (const n of counts) {
    offsets.push(at);
    sets.push({ n, inputShape: [size], inputs: buffer.subarray(at + n, at + n * (1 + size)), scale: 1 / 255, labels: buffer.subarray(at, at + n) });
    at += n * (1 + size);
  }
  const [validation, test, training] = sets;
  const digits: StreamedDigits = {
    split: { training, validation, test },
    total,
    arrived: 0,
    // training pixels are example-major after its labels: digit k is complete when its last pixel is in
    trainingReady: () => Math.max(0, Math.min(nTrain, Math.floor((digits.arrived - offsets[2] - nTrain) / size))),
    evaluationReady: () => digits.arrived >= offsets[2],
  };
  return { buffer, digits, offsets };
}

/**
 * Fetches and decompresses the digits as a stream, calling `onData` as bytes arrive (at most every
 * `everyMs`); resolves when all are in. A server that already decoded the gzip (Content-Encoding) is fine.
 */
export async function streamDigits(url: URL, onData: (d: StreamedDigits) => void, everyMs = 100): Promise<StreamedDigits> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`the digits ${url.pathname} could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok || !res.body) throw new Error(`the digits ${url.pathname} could not be fetched (HTTP ${res.status})`);
  const raw = res.body.getReader();
  const first = await raw.read();
  if (first.done) fail("the file is empty");
  const gzipped = first.value[0] === 0x1f && first.value[1] === 0x8b;
  if (gzipped && typeof DecompressionStream === "undefined") throw new Error("this browser has no DecompressionStream (Chrome ≥ 80, Firefox ≥ 113, Safari ≥ 16.4) to unpack the digits");
  // put the first chunk back in front of the rest, then (if gzipped) decompress
  const rest = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(first.value),
    pull: async (c) => {
      const r = await raw.read();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
  });
  const reader = (gzipped ? rest.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>) : rest).getReader();
  const head = new Uint8Array(DIGITS_HEADER_BYTES);
  let got = 0;
  let out: ReturnType<typeof layout> | null = null;
  let last = 0;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  for (;;) {
    const r = await reader.read().catch((err: unknown) => fail(`decompressing failed (${err instanceof Error ? err.message : String(err)})`));
    if (r.done) break;
    let chunk = r.value;
    if (!out) {
      const k = Math.min(chunk.length, DIGITS_HEADER_BYTES - got);
      head.set(chunk.subarray(0, k), got);
      got += k;
      chunk = chunk.subarray(k);
      if (got < DIGITS_HEADER_BYTES) continue;
      out = layout(head);
      out.buffer.set(head, 0);
      out.digits.arrived = DIGITS_HEADER_BYTES;
    }
    const d = out.digits;
    if (d.arrived + chunk.length > d.total) fail(`more bytes than its header announces (${d.total})`);
    out.buffer.set(chunk, d.arrived);
    d.arrived += chunk.length;
    if (performance.now() - last >= everyMs) {
      last = performance.now();
      onData(d);
    } else {
      // a report skipped now still comes (the stream may stall right after these bytes)
      trailing ??= setTimeout(() => {
        trailing = undefined;
        last = performance.now();
        onData(d);
      }, everyMs);
    }
  }
  if (!out || out.digits.arrived !== out.digits.total) fail(`truncated: ${out?.digits.arrived ?? got} of ${out?.digits.total ?? DIGITS_HEADER_BYTES} bytes`);
  clearTimeout(trailing);
  onData(out.digits);
  return out.digits;
}
