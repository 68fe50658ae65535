/**
 * A minimal protobuf wire-format reader: just what decoding ONNX needs (varints incl. negative int64,
 * fixed32 floats, length-delimited fields, packed repeated scalars) and nothing else. Hand-written
 * instead of a library: 1.1 KB minified + gzipped against 2.5 KB for pbf 5.2 (the smallest maintained
 * general reader, which writes too), and protobufjs is ruled out; ONNX needs no encoding, reflection
 * or code generation.
 *
 * Every read is bounds-checked: a truncated or corrupt message throws an {@link OnnxFormatError}
 * naming the message being read and the byte offset, never reads past its bytes, and never loops
 * without advancing.
 */

/** Wire types (protobuf encoding): 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
export const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

/** A malformed ONNX file (bad protobuf, inconsistent graph, unsupported content). */
export class OnnxFormatError extends Error {
  constructor(message: string) {
    super(`simdnet: ONNX: ${message}`);
    this.name = "OnnxFormatError";
  }
}

const TWO32 = 4294967296;

/** Reads the fields of one message: `for (const f of r.fields()) switch (f.no) { … }`. */
export class ProtoReader {
  pos: number;

  /** Reads bytes [start, end) of buf as the message `what` (named in errors). */
  constructor(readonly buf: Uint8Array, readonly what: string, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  fail(message: string): never {
    throw new OnnxFormatError(`${this.what}: ${message} at byte ${this.pos}`);
  }

  /** An unsigned varint up to 2^53 (larger values are not sizes or counts ONNX can hold here). */
  varint(): number {
    const { lo, hi } = this.varint64();
    if (hi > 0x1fffff) this.fail(`varint ${hi * TWO32 + lo} is too large`);
    return hi * TWO32 + lo;
  }

  /** A signed int64 (two's complement, as ONNX's int64 fields are encoded) as a number; exact up to ±2^53. */
  int64(): number {
    const { lo, hi } = this.varint64();
    if (hi & 0x80000000) return -((~hi >>> 0) * TWO32 + (~lo >>> 0) + 1);
    return hi * TWO32 + lo;
  }

  private varint64(): { lo: number; hi: number } {
    let lo = 0, hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (!(b & 0x80)) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    return this.fail("varint longer than 10 bytes");
  }

  /** A little-endian float32 (wire type 5). */
  float(): number {
    if (this.pos + 4 > this.end) this.fail("truncated fixed32");
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** The [start, end) of a length-delimited field's payload; advances past it. */
  span(): [number, number] {
    const n = this.varint();
    const start = this.pos;
    if (n > this.end - start) this.fail(`length ${n} runs past the end of the message (${this.end - start} bytes left)`);
    this.pos = start + n;
    return [start, start + n];
  }

  /** A length-delimited payload as a view (no copy). */
  bytes(): Uint8Array {
    const [s, e] = this.span();
    return this.buf.subarray(s, e);
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A sub-reader over an embedded message named `what`. */
  message(what: string): ProtoReader {
    const [s, e] = this.span();
    return new ProtoReader(this.buf, what, s, e);
  }

  /** Skips a field of wire type `wire`. */
  skip(wire: number): void {
    if (wire === VARINT) this.varint64();
    else if (wire === I64) this.advance(8);
    else if (wire === LEN) this.span();
    else if (wire === I32) this.advance(4);
    else this.fail(`unsupported wire type ${wire} (groups are not used by ONNX)`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) this.fail(`truncated field of ${n} bytes`);
    this.pos += n;
  }

  /** The fields in order: field number and wire type; the caller reads or skips each value. */
  *fields(): Generator<{ no: number; wire: number }> {
    while (this.pos < this.end) {
      const key = this.varint();
      const no = Math.floor(key / 8), wire = key & 7;
      if (no < 1) this.fail(`invalid field number ${no}`);
      yield { no, wire };
    }
  }

  /** Checks that field `name` arrived with wire type `want`. */
  expect(wire: number, want: number, name: string): void {
    if (wire !== want) this.fail(`field ${name} has wire type ${wire}, expected ${want}`);
  }

  /** A repeated int64 field, packed (LEN) or one value (VARINT), appended to `out`. */
  int64s(wire: number, out: number[], name: string): void {
    if (wire === VARINT) out.push(this.int64());
    else if (wire === LEN) {
      const [s, e] = this.span();
      const sub = new ProtoReader(this.buf, `${this.what}.${name}`, s, e);
      while (sub.pos < e) out.push(sub.int64());
    } else this.fail(`field ${name} has wire type ${wire}, expected a varint or packed varints`);
  }

  /** A repeated float field, packed (LEN) or one value (I32), appended to `out`. */
  floats(wire: number, out: number[], name: string): void {
    if (wire === I32) out.push(this.float());
    else if (wire === LEN) {
      const [s, e] = this.span();
      if ((e - s) % 4) this.fail(`packed ${name} has ${e - s} bytes, not a multiple of 4`);
      const view = new DataView(this.buf.buffer, this.buf.byteOffset + s, e - s);
      for (let i = 0; i < e - s; i += 4) out.push(view.getFloat32(i, true));
    } else this.fail(`field ${name} has wire type ${wire}, expected fixed32 or packed fixed32`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
