/**
 * Just enough of a FlexBuffers reader to get the scalar entries of a custom op's options map (the signal library's
 * kernels read fft_length, num_channels, ... from it in Init, and size persistent buffers by them), and the bytes of a
 * string or blob entry (the Edge TPU's compiled executable).
 */

const TYPE_INT = 1;
const TYPE_UINT = 2;
const TYPE_FLOAT = 3;
const TYPE_INDIRECT_INT = 6;
const TYPE_INDIRECT_UINT = 7;
const TYPE_INDIRECT_FLOAT = 8;
const TYPE_STRING = 5;
const TYPE_MAP = 9;
const TYPE_BLOB = 25;
const TYPE_BOOL = 26;

function readUint(bytes: Uint8Array, at: number, width: number): number {
  if (at < 0 || at + width > bytes.length) throw new RangeError('flexbuffer read out of bounds');
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  return v;
}

function readInt(bytes: Uint8Array, at: number, width: number): number {
  const u = readUint(bytes, at, width);
  const bits = width * 8;
  return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
}

function readFloat(bytes: Uint8Array, at: number, width: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, width);
  return width === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
}

/** Keys longer than this are no key a kernel reads; stopping there keeps a map of unterminated keys linear. */
const MAX_KEY = 64;

function readKey(bytes: Uint8Array, at: number): string {
  if (at < 0 || at >= bytes.length) throw new RangeError('flexbuffer key out of bounds');
  let end = at;
  while (end < bytes.length && end - at <= MAX_KEY && bytes[end] !== 0) end++;
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Scalar value of an element given its packed type byte. */
function scalar(bytes: Uint8Array, at: number, parentWidth: number, packed: number): number | null {
  const type = packed >> 2;
  const width = 1 << (packed & 3);
  switch (type) {
    case TYPE_INT: return readInt(bytes, at, parentWidth);
    case TYPE_UINT: case TYPE_BOOL: return readUint(bytes, at, parentWidth);
    case TYPE_FLOAT: return readFloat(bytes, at, parentWidth);
    case TYPE_INDIRECT_INT: return readInt(bytes, at - readUint(bytes, at, parentWidth), width);
    case TYPE_INDIRECT_UINT: return readUint(bytes, at - readUint(bytes, at, parentWidth), width);
    case TYPE_INDIRECT_FLOAT: return readFloat(bytes, at - readUint(bytes, at, parentWidth), width);
    default: return null;
  }
}

/** A map at the root of `bytes`: where its values, type bytes and keys are, checked against the buffer. */
interface RootMap {
  readonly width: number;
  readonly size: number;
  readonly values: number;
  readonly types: number;
  readonly keys: number;
  readonly keyWidth: number;
}

function rootMap(bytes: Uint8Array): RootMap | null {
  if (bytes.length < 3) return null;
  const rootWidth = bytes[bytes.length - 1]!;
  const rootPacked = bytes[bytes.length - 2]!;
  const rootAt = bytes.length - 2 - rootWidth;
  if (rootPacked >> 2 !== TYPE_MAP) return null;
  const width = 1 << (rootPacked & 3);
  const values = rootAt - readUint(bytes, rootAt, rootWidth);
  const size = readUint(bytes, values - width, width);
  const keysField = values - 3 * width;
  const keys = keysField - readUint(bytes, keysField, width);
  const keyWidth = readUint(bytes, values - 2 * width, width);
  const types = values + size * width;
  // The size comes from the bytes: a map claims no more values and type bytes than the buffer holds (one changed
  // byte must not make the loop run over a size of billions).
  if (![1, 2, 4, 8].includes(keyWidth) || values < 0 || types + size > bytes.length) return null;
  return { width, size, values, types, keys, keyWidth };
}

function keyAt(bytes: Uint8Array, map: RootMap, i: number): string {
  const keyField = map.keys + i * map.keyWidth;
  return readKey(bytes, keyField - readUint(bytes, keyField, map.keyWidth));
}

/**
 * The numeric (int, uint, bool, float) entries of a FlexBuffers map at the root of `bytes`, by key. Returns an empty
 * map when the buffer is not a map or is malformed.
 */
export function flexbufferMap(bytes: Uint8Array | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!bytes) return out;
  try {
    const map = rootMap(bytes);
    if (!map) return out;
    for (let i = 0; i < map.size; i++) {
      const v = scalar(bytes, map.values + i * map.width, map.width, bytes[map.types + i]!);
      if (v !== null) out.set(keyAt(bytes, map, i), v);
    }
  } catch {
    return new Map();
  }
  return out;
}

/**
 * The bytes of a string or blob entry `key` of a FlexBuffers map at the root of `bytes` (a view, not a copy), or
 * null when there is no such entry or the buffer is malformed. Its length is checked against the buffer.
 */
export function flexbufferBytes(bytes: Uint8Array | null, key: string): Uint8Array | null {
  if (!bytes) return null;
  try {
    const map = rootMap(bytes);
    if (!map) return null;
    for (let i = 0; i < map.size; i++) {
      if (keyAt(bytes, map, i) !== key) continue;
      const packed = bytes[map.types + i]!;
      const type = packed >> 2;
      if (type !== TYPE_STRING && type !== TYPE_BLOB) return null;
      const at = map.values + i * map.width;
      const data = at - readUint(bytes, at, map.width);
      // A string's and a blob's size precede the data, in the width of the value's own packed type.
      const sizeWidth = 1 << (packed & 3);
      const length = readUint(bytes, data - sizeWidth, sizeWidth);
      if (data < 0 || data + length > bytes.length) return null;
      return bytes.subarray(data, data + length);
    }
  } catch {
    return null;
  }
  return null;
}
