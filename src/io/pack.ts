/**
 * A compact container for JSON-like values holding typed arrays (checkpoints): "SNPK" · u32 JSON bytes ·
 * JSON (each Float32Array / Int32Array / Uint8Array replaced by {"$t": type, "o": offset, "n": length}) ·
 * padding to 4 · the arrays' bytes (little-endian hosts: every runtime simdnet targets) · CRC-32 of all before.
 */
import { crc32 } from "./model.js";

type Typed = Float32Array | Int32Array | Uint8Array;
const TYPES = { f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

function fail(msg: string): never {
  throw new Error(`simdnet: cannot read checkpoint: ${msg}`);
}

/** Packs a value (objects, arrays, numbers, strings, typed arrays) into bytes. */
export function pack(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array) {
      const t = v instanceof Float32Array ? "f32" : v instanceof Int32Array ? "i32" : "u8";
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      const ref = { $t: t, o: offset, n: v.length };
      blobs.push(bytes);
      offset += Math.ceil(bytes.length / 4) * 4;
      return ref;
    }
    return v;
  });
  const head = new TextEncoder().encode(json);
  const start = Math.ceil((8 + head.length) / 4) * 4;
  const out = new Uint8Array(start + offset + 4);
  out.set(new TextEncoder().encode("SNPK"), 0);
  new DataView(out.buffer).setUint32(4, head.length, true);
  out.set(head, 8);
  let at = start;
  for (const b of blobs) {
    out.set(b, at);
    at += Math.ceil(b.length / 4) * 4;
  }
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Unpacks bytes written by {@link pack}; corrupt or truncated input throws a clear error. */
export function unpack<T = unknown>(bytes: Uint8Array): T {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== "SNPK") fail("not a simdnet checkpoint (bad magic or too short)");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) fail("CRC-32 mismatch (the file is corrupt or truncated)");
  const len = dv.getUint32(4, true);
  if (8 + len > bytes.length - 4) fail("header length exceeds the file (truncated)");
  const start = Math.ceil((8 + len) / 4) * 4;
  const body = bytes.slice(start, bytes.length - 4);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)), (_k, v: unknown) => {
    if (v && typeof v === "object" && "$t" in v) {
      const r = v as { $t: keyof typeof TYPES; o: number; n: number };
      const Ctor = TYPES[r.$t];
      if (!Ctor || r.o + r.n * Ctor.BYTES_PER_ELEMENT > body.length) fail("an array reference points outside the file");
      return new Ctor(body.buffer, body.byteOffset + r.o, r.n) as Typed;
    }
    return v;
  }) as T;
}
