// The demo's digit file (demo/digits.ts): packed from the embedded split, gzipped, served in pieces
// over HTTP, and streamed back into the same three sets byte for byte; the sets fill in the order a
// run needs them; bad files and failed fetches get a clear message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { loadEmbeddedMnist, type MnistSplit } from "../../src/data/mnist.js";
import { DIGITS_HEADER_BYTES, packDigits, streamDigits, type StreamedDigits } from "../../demo/digits.js";

let split: MnistSplit;
let packed: Uint8Array;
let server: Server;
let base: string;
/** What the server answers for /<name>: bytes sent in `pieces` writes, 20 ms apart. */
const files = new Map<string, { body: Uint8Array; pieces: number; status?: number }>();

beforeAll(async () => {
  split = await loadEmbeddedMnist();
  packed = packDigits(split);
  server = createServer((req, res) => {
    const f = files.get(req.url!.slice(1));
    if (!f || f.status) return void res.writeHead(f?.status ?? 404).end();
    res.writeHead(200, { "content-length": f.body.length });
    const size = Math.ceil(f.body.length / f.pieces);
    let at = 0;
    const next = (): void => {
      res.write(f.body.subarray(at, at + size));
      at += size;
      if (at < f.body.length) setTimeout(next, 20);
      else res.end();
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the demo's digits (demo/digits.ts)", () => {
  it("streams back the embedded split byte for byte, validation and test before the training digits", async () => {
    const gz = gzipSync(packed, { level: 9 });
    expect(gz.length).toBeLessThan(packed.length / 4); // 7.85 MB → about 1.6 MB
    files.set("digits.gz", { body: gz, pieces: 12 });
    const seen: { training: number; evaluation: boolean; arrived: number }[] = [];
    const d: StreamedDigits = await streamDigits(new URL("digits.gz", base), (x) => seen.push({ training: x.trainingReady(), evaluation: x.evaluationReady(), arrived: x.arrived }), 0);
    expect(d.arrived).toBe(packed.length);
    for (const k of ["training", "validation", "test"] as const) {
      expect(d.split[k].n).toBe(split[k].n);
      expect(Buffer.from(d.split[k].inputs).equals(Buffer.from(split[k].inputs))).toBe(true);
      expect(Buffer.from(d.split[k].labels!).equals(Buffer.from(split[k].labels!))).toBe(true);
      expect(d.split[k].inputShape).toEqual([784]);
      expect(d.split[k].scale).toBe(1 / 255);
    }
    expect(seen.length).toBeGreaterThan(3); // it reported as the pieces came
    const partial = seen.filter((s) => s.arrived < packed.length);
    expect(partial.some((s) => s.evaluation && s.training > 0 && s.training < split.training.n)).toBe(true);
    for (const s of seen) if (s.training > 0) expect(s.evaluation).toBe(true); // validation and test come first
    for (let i = 1; i < seen.length; i++) expect(seen[i].training).toBeGreaterThanOrEqual(seen[i - 1].training);
    expect(seen[seen.length - 1].training).toBe(split.training.n);
  });

  it("takes the file uncompressed too (a server that already decoded its Content-Encoding)", async () => {
    files.set("plain", { body: packed, pieces: 3 });
    const d = await streamDigits(new URL("plain", base), () => {});
    expect(Buffer.from(d.split.test.inputs).equals(Buffer.from(split.test.inputs))).toBe(true);
  });

  it("says what is wrong with a bad file or a failed fetch", async () => {
    const bad = packed.slice(0, 4096);
    bad[3] = 0x58;
    files.set("magic", { body: gzipSync(bad), pieces: 1 });
    await expect(streamDigits(new URL("magic", base), () => {})).rejects.toThrow(/wrong magic bytes; expected "SNMD".*npm run data/);
    files.set("short", { body: gzipSync(packed.subarray(0, DIGITS_HEADER_BYTES + 5000)), pieces: 2 });
    await expect(streamDigits(new URL("short", base), () => {})).rejects.toThrow(/truncated: 5028 of 7850028 bytes/);
    files.set("gone", { body: packed, pieces: 1, status: 404 });
    await expect(streamDigits(new URL("gone", base), () => {})).rejects.toThrow(/the digits \/gone could not be fetched \(HTTP 404\)/);
    files.set("empty", { body: new Uint8Array(0), pieces: 1 });
    await expect(streamDigits(new URL("empty", base), () => {})).rejects.toThrow(/the file is empty/);
  });
});
