/**
 * Just enough of a FlexBuffers reader to get the scalar entries of a custom op's options map (the signal library's
 * kernels read fft_length, num_channels, ... from it in Init, and size persistent buffers by them).
 */

const TYPE_INT = 1;
const TYPE_UINT = 2;
const TYPE_FLOAT = 3;
const TYPE_INDIRECT_INT = 6;
const TYPE_INDIRECT_UINT = 7;
const TYPE_INDIRECT_FLOAT = 8;
const TYPE_MAP = 9;
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

/**
 * The numeric (int, uint, bool, float) entries of a FlexBuffers map at the root of `bytes`, by key. Returns an empty
 * map when the buffer is not a map or is malformed.
 */
export function flexbufferMap(bytes: Uint8Array | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!bytes || bytes.length < 3) return out;
  try {
    const rootWidth = bytes[bytes.length - 1]!;
    const rootPacked = bytes[bytes.length - 2]!;
    const rootAt = bytes.length - 2 - rootWidth;
    if (rootPacked >> 2 !== TYPE_MAP) return out;
    const width = 1 << (rootPacked & 3);
    const values = rootAt - readUint(bytes, rootAt, rootWidth);
    const size = readUint(bytes, values - width, width);
    const keysField = values - 3 * width;
    const keys = keysField - readUint(bytes, keysField, width);
    const keyWidth = readUint(bytes, values - 2 * width, width);
    const types = values + size * width;
    // The size comes from the bytes: a map claims no more values and type bytes than the buffer holds (one changed
    // byte must not make the loop run over a size of billions).
    if (![1, 2, 4, 8].includes(keyWidth) || values < 0 || types + size > bytes.length) return out;
    for (let i = 0; i < size; i++) {
      const keyField = keys + i * keyWidth;
      const key = readKey(bytes, keyField - readUint(bytes, keyField, keyWidth));
      const v = scalar(bytes, values + i * width, width, bytes[types + i]!);
      if (v !== null) out.set(key, v);
    }
  } catch {
    return new Map();
  }
  return out;
}
