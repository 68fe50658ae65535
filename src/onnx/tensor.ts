/**
 * Constant tensors at load time: TensorProto payloads (raw_data or the typed fields) converted to
 * float32 or integer values, validated (sizes, payload lengths, NaN) before anything reaches wasm memory.
 * Integers (int64, int32, bool: shape tensors, axes, indices) are kept as exact doubles.
 */
import type { TensorProto } from "./decode.js";
import { OnnxFormatError } from "./protobuf.js";

export type DType = "float32" | "int64";

/** A constant: float32 values, or integers (int64/int32/bool) held exactly in a Float64Array. */
export interface Value {
  dims: number[];
  dtype: DType;
  data: Float32Array | Float64Array;
}

/** The largest tensor the loader accepts: 2^28 elements (1 GiB of float32), so absurd dims fail before any allocation. */
export const MAX_ELEMENTS = 2 ** 28;

/** ONNX's TensorProto.DataType names, for errors. */
export const DTYPE_NAMES: Record<number, string> = {
  0: "undefined", 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
};

export const dtypeName = (t: number): string => DTYPE_NAMES[t] ?? `type ${t}`;

/** The largest constant constant folding may compute at load (2^24 elements): shape tensors are tiny. */
export const MAX_FOLD_ELEMENTS = 2 ** 24;

/** Element count of dims, checked: non-negative integers, at most `limit` (MAX_ELEMENTS) in all. */
export function checkedSize(dims: readonly number[], where: string, limit = MAX_ELEMENTS): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxFormatError(`${where}: dimension ${d} in [${dims.join(", ")}] is not a non-negative integer`);
    n *= d;
  }
  if (n > limit) {
    throw new OnnxFormatError(`${where}: shape [${dims.join(", ")}] has ${n} elements, over the loader's limit of ${limit}${limit === MAX_ELEMENTS ? " (1 GiB of float32)" : " for a value computed at load"}`);
  }
  return n;
}

/**
 * The values of a TensorProto. `where` names it in errors (an initializer, a Constant node's value).
 * Supported: float32, and int64/int32/bool as integers (for shapes and indices).
 */
export function tensorValue(t: TensorProto, where: string, allowNaN = false): Value {
  if (t.external !== undefined) {
    throw new OnnxFormatError(`${where}: its data is stored in the external file "${t.external}"; external-data models are not supported: ` +
      `re-save the model with all tensors inline (onnx.save(model, path, save_as_external_data=False))`);
  }
  const n = checkedSize(t.dims, where);
  const type = t.dataType;
  if (type === 1) {
    let data: Float32Array;
    if (t.raw) {
      if (t.raw.length !== 4 * n) throw new OnnxFormatError(`${where}: raw_data has ${t.raw.length} bytes, expected ${4 * n} for float32 [${t.dims.join(", ")}]`);
      data = new Float32Array(n);
      new Uint8Array(data.buffer).set(t.raw); // little-endian, as ONNX stores it
    } else {
      const src = t.floats ?? [];
      if (src.length !== n) throw new OnnxFormatError(`${where}: float_data holds ${src.length} values, expected ${n} for [${t.dims.join(", ")}]`);
      data = Float32Array.from(src);
    }
    for (let i = 0; i < n && !allowNaN; i++) {
      if (Number.isNaN(data[i])) throw new OnnxFormatError(`${where}: value ${i} of [${t.dims.join(", ")}] is NaN`);
    }
    return { dims: t.dims, dtype: "float32", data };
  }
  const width = INT_WIDTH[type];
  if (width === undefined) {
    throw new OnnxFormatError(`${where}: element type ${dtypeName(type)} is not supported (float32 for values; int64, int32, bool for shapes and indices)`);
  }
  const data = new Float64Array(n);
  if (t.raw) {
    if (t.raw.length !== width * n) throw new OnnxFormatError(`${where}: raw_data has ${t.raw.length} bytes, expected ${width * n} for ${dtypeName(type)} [${t.dims.join(", ")}]`);
    const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.length);
    for (let i = 0; i < n; i++) {
      if (width === 8) {
        const v = view.getBigInt64(8 * i, true);
        data[i] = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < -BigInt(Number.MAX_SAFE_INTEGER) ? -Number.MAX_SAFE_INTEGER : Number(v);
      } else if (width === 4) data[i] = view.getInt32(4 * i, true);
      else data[i] = view.getUint8(i);
    }
  } else {
    const src = t.ints ?? [];
    if (src.length !== n) throw new OnnxFormatError(`${where}: integer data holds ${src.length} values, expected ${n} for [${t.dims.join(", ")}]`);
    data.set(src);
  }
  return { dims: t.dims, dtype: "int64", data };
}

/** Bytes per element of the integer types read as integers: int64 (7), int32 (6), bool (9). Quantized int8/uint8 weights are not supported. */
const INT_WIDTH: Record<number, number> = { 7: 8, 6: 4, 9: 1 };

/** A float32 Value from numbers. */
export const f32Value = (dims: number[], data: ArrayLike<number>): Value => ({ dims, dtype: "float32", data: Float32Array.from(data) });

/** An integer Value from numbers. */
export const intValue = (dims: number[], data: ArrayLike<number>): Value => ({ dims, dtype: "int64", data: Float64Array.from(data) });

/** Element count (dims already validated). */
export const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
