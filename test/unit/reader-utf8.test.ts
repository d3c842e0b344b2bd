/**
 * The reader's strict UTF-8 decoding (names, metadata strings) against TextDecoder's fatal mode, on seeded random byte
 * runs that are mostly ASCII (the fast path), sometimes not (the full decoder), at every length up to past the ASCII
 * chunk: the same string, or an error exactly where TextDecoder has one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8 } from '../../server/src/model/tflite/utf8.js';

const strict = new TextDecoder('utf-8', { fatal: true });

function reference(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

test('decodeUtf8 equals TextDecoder (fatal) on mostly-ASCII, mixed and long runs', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let ascii = 0;
  let invalid = 0;
  for (let k = 0; k < 20000; k++) {
    const length = Math.floor(random() * 40) + (k % 500 === 0 ? 4090 + (k % 13) : 0);
    const bytes = new Uint8Array(length + 4);
    const highShare = k % 3 === 0 ? 0 : 0.1;
    for (let i = 0; i < bytes.length; i++) bytes[i] = random() < highShare ? Math.floor(random() * 256) : Math.floor(random() * 128);
    const start = Math.floor(random() * 3);
    const end = bytes.length - Math.floor(random() * 3);
    const expected = reference(bytes.subarray(start, end));
    const got = decodeUtf8(bytes, start, end);
    if (expected === null) invalid++;
    if (bytes.subarray(start, end).every((b) => b < 0x80)) ascii++;
    assert.equal(typeof got === 'string' ? got : null, expected, `case ${k}`);
  }
  assert.ok(ascii > 5000 && invalid > 1000, `both paths taken (${ascii} ASCII, ${invalid} invalid)`);
  // Multi-byte text and the first invalid byte's index.
  const text = 'conv_ß_€_😀_end';
  const bytes = new TextEncoder().encode(text);
  assert.equal(decodeUtf8(bytes, 0, bytes.length), text);
  assert.deepEqual(decodeUtf8(new Uint8Array([0x61, 0x62, 0xc0, 0x80]), 0, 4), { invalidAt: 2 });
});
