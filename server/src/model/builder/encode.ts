/**
 * Turning tensor values into the bytes a .tflite buffer holds: little-endian, row-major, in the layout TFLite
 * kernels read. Written with DataView so the output does not depend on the host's byte order.
 */
import type { DType } from '../ir.js';

/** Values for a constant tensor, one per element (two per element, real then imaginary, for complex types). */
export type TensorData = ArrayLike<number | bigint> | readonly string[] | readonly boolean[];

/** Product of the dimensions; 1 for a scalar (`[]`). Throws on a negative or non-integer dimension. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new RangeError(`bad dimension ${dim} in shape [${shape.join(', ')}]`);
    count *= dim;
  }
  return count;
}

interface IntRange {
  readonly bytes: 1 | 2 | 4;
  readonly min: number;
  readonly max: number;
  readonly set: (view: DataView, offset: number, value: number) => void;
}

const INT_TYPES: Partial<Record<DType, IntRange>> = {
  INT8: { bytes: 1, min: -128, max: 127, set: (v, o, x) => v.setInt8(o, x) },
  UINT8: { bytes: 1, min: 0, max: 255, set: (v, o, x) => v.setUint8(o, x) },
  BOOL: { bytes: 1, min: 0, max: 1, set: (v, o, x) => v.setUint8(o, x) },
  INT16: { bytes: 2, min: -32768, max: 32767, set: (v, o, x) => v.setInt16(o, x, true) },
  UINT16: { bytes: 2, min: 0, max: 65535, set: (v, o, x) => v.setUint16(o, x, true) },
  INT32: { bytes: 4, min: -2147483648, max: 2147483647, set: (v, o, x) => v.setInt32(o, x, true) },
  UINT32: { bytes: 4, min: 0, max: 4294967295, set: (v, o, x) => v.setUint32(o, x, true) },
};

/**
 * Encodes `data` as the buffer contents of a tensor of `dtype` with `count` elements.
 *
 * - Integer types take integers (booleans for BOOL too) and reject out-of-range values rather than wrapping them.
 * - FLOAT16 and BFLOAT16 take float values, rounded to nearest-even.
 * - INT4 packs two values per byte, the first in the low nibble (TFLite's packing).
 * - STRING takes strings and writes TFLite's string-tensor layout: count, count + 1 offsets, then UTF-8 bytes.
 * - COMPLEX64/COMPLEX128 take 2 x `count` floats, real and imaginary interleaved.
 */
export function encodeTensorData(dtype: DType, count: number, data: TensorData): Uint8Array {
  if (dtype === 'STRING') return encodeStrings(count, data);
  if (dtype === 'RESOURCE' || dtype === 'VARIANT') throw new TypeError(`${dtype} tensors cannot hold constant data`);
  const perElement = dtype === 'COMPLEX64' || dtype === 'COMPLEX128' ? 2 : 1;
  if (data.length !== count * perElement) {
    throw new RangeError(`${dtype} tensor of ${count} elements given ${data.length} values`);
  }
  const int = INT_TYPES[dtype];
  if (int) {
    const out = new Uint8Array(count * int.bytes);
    const view = new DataView(out.buffer);
    for (let i = 0; i < count; i++) int.set(view, i * int.bytes, toInt(data[i], int.min, int.max, dtype));
    return out;
  }
  switch (dtype) {
    case 'FLOAT32':
    case 'COMPLEX64':
      return floats(data, 4, (v, o, x) => v.setFloat32(o, x, true));
    case 'FLOAT64':
    case 'COMPLEX128':
      return floats(data, 8, (v, o, x) => v.setFloat64(o, x, true));
    case 'FLOAT16':
      return floats(data, 2, (v, o, x) => v.setUint16(o, float16Bits(x), true));
    case 'BFLOAT16':
      return floats(data, 2, (v, o, x) => v.setUint16(o, bfloat16Bits(x), true));
    case 'INT64':
    case 'UINT64': {
      const out = new Uint8Array(count * 8);
      const view = new DataView(out.buffer);
      for (let i = 0; i < count; i++) {
        const value = toBigInt(data[i], dtype);
        if (dtype === 'INT64') view.setBigInt64(i * 8, value, true);
        else view.setBigUint64(i * 8, value, true);
      }
      return out;
    }
    case 'INT4': {
      const out = new Uint8Array(Math.ceil(count / 2));
      for (let i = 0; i < count; i++) {
        const nibble = toInt(data[i], -8, 7, dtype) & 0x0f;
        const byte = i >> 1;
        out[byte] = (out[byte] ?? 0) | (i % 2 === 0 ? nibble : nibble << 4);
      }
      return out;
    }
    default:
      throw new TypeError(`no encoding for ${dtype}`);
  }
}

function toInt(value: unknown, min: number, max: number, dtype: DType): number {
  const n = typeof value === 'boolean' ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${String(value)} is not a valid ${dtype} value (${min}..${max})`);
  }
  return n;
}

function toBigInt(value: unknown, dtype: DType): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new RangeError(`${String(value)} is not a valid ${dtype} value (give a bigint or a safe integer)`);
}

function floats(data: TensorData, bytes: number, set: (view: DataView, offset: number, value: number) => void): Uint8Array {
  const out = new Uint8Array(data.length * bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (typeof value !== 'number') throw new TypeError(`float tensor given a ${typeof value}`);
    set(view, i * bytes, value);
  }
  return out;
}

// Scratch views to read a float32's bit pattern; the pair shares memory, so host byte order cancels out.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

function float32Bits(value: number): number {
  F32[0] = value;
  return U32[0] ?? 0;
}

/** The value of IEEE 754 half-precision `bits` (subnormals, infinities and NaN included): float16Bits' inverse. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** IEEE half-precision bits of `value` (via float32), rounded to nearest-even, with subnormals and infinities. */
export function float16Bits(value: number): number {
  const x = float32Bits(value);
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the full significand (implicit 1 included) down to units of 2^-24.
    return sign | roundShift(mant | 0x800000, 14 - e);
  }
  // A carry out of the mantissa correctly bumps the exponent (and reaches infinity at the top).
  return sign | ((e << 10) + roundShift(mant, 13));
}

/** bfloat16 bits of `value`: the top half of its float32 bits, rounded to nearest-even. */
export function bfloat16Bits(value: number): number {
  const x = float32Bits(value);
  if (((x >>> 23) & 0xff) === 0xff && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

function encodeStrings(count: number, data: TensorData): Uint8Array {
  if (data.length !== count) throw new RangeError(`STRING tensor of ${count} elements given ${data.length} values`);
  const encoded: number[][] = [];
  for (let i = 0; i < count; i++) {
    const value = data[i];
    if (typeof value !== 'string') throw new TypeError(`STRING tensor given a ${typeof value}`);
    encoded.push(utf8(value));
  }
  const header = 4 * (count + 2);
  const total = encoded.reduce((sum, s) => sum + s.length, header);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setInt32(0, count, true);
  let offset = header;
  encoded.forEach((bytes, i) => {
    view.setInt32(4 * (i + 1), offset, true);
    out.set(bytes, offset);
    offset += bytes.length;
  });
  view.setInt32(4 * (count + 1), offset, true);
  return out;
}

/** UTF-8 bytes of a string (the core has no TextEncoder: it is type-checked without DOM or Node types). */
export function utf8(text: string): number[] {
  const out: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}
