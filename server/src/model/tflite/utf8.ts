/**
 * Strict UTF-8 decoding without `TextDecoder`, which is a platform global the pure core may not rely on (it is
 * type-checked with no DOM or Node types).
 */

/**
 * Decodes `bytes[start, end)` as UTF-8, or returns the index of the first byte of an invalid sequence (overlong
 * forms, surrogates and code points above U+10FFFF are invalid, as in `TextDecoder('utf-8', { fatal: true })`).
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | { invalidAt: number } {
  // Names are ASCII almost always (every tensor has one): their bytes are their UTF-16 code units.
  let ascii = end - start <= ASCII_CHUNK;
  for (let i = start; ascii && i < end; i++) if (bytes[i]! >= 0x80) ascii = false;
  if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  const units: number[] = [];
  let out = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i] ?? 0;
    let cp: number;
    let len: number;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xc2 && b0 < 0xe0) {
      cp = b0 & 0x1f;
      len = 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      cp = b0 & 0x0f;
      len = 3;
    } else if (b0 >= 0xf0 && b0 < 0xf5) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return { invalidAt: i };
    }
    if (i + len > end) return { invalidAt: i };
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k] ?? 0;
      if ((b & 0xc0) !== 0x80) return { invalidAt: i };
      cp = (cp << 6) | (b & 0x3f);
    }
    const overlong = (len === 3 && cp < 0x800) || (len === 4 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return { invalidAt: i };
    if (cp >= 0x10000) {
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      units.push(cp);
    }
    i += len;
    // Flush in chunks: String.fromCharCode takes its arguments on the stack.
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** The longest ASCII run decoded in one String.fromCharCode call (its arguments go on the stack). */
const ASCII_CHUNK = 4096;
