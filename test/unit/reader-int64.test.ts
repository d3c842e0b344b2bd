/**
 * 64-bit integers in a flatbuffer (zero points, large custom option sizes, buffer offsets): read as two 32-bit halves,
 * each value must equal what a BigInt read gives while it is a safe integer, and anything beyond is a located
 * 'bad-value' error, at the edges of the range too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFormatError } from '../../server/src/model/errors.js';
import { FbFile } from '../../server/src/model/tflite/bounds.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = BigInt(Number.MIN_SAFE_INTEGER);

function fileWith(value: bigint, signed: boolean): FbFile {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  if (signed) view.setBigInt64(4, value, true);
  else view.setBigUint64(4, value, true);
  return new FbFile(bytes, 1000);
}

function check(value: bigint, signed: boolean): void {
  const file = fileWith(value, signed);
  if (value > MAX || value < MIN) {
    assert.throws(() => file.i64(4, signed, 'buffers[1].offset'), (e: unknown) => e instanceof ModelFormatError
      && e.code === 'bad-value' && e.offset === 4 && e.message.includes(`is ${value}, beyond the range`), `${value}`);
  } else {
    assert.equal(file.i64(4, signed, 'x'), Number(value), `${value} (${signed ? 'signed' : 'unsigned'})`);
  }
}

test('int64 and uint64 fields: exact within the safe range, a located error beyond it, at every edge', () => {
  const edges: bigint[] = [0n, 1n, 255n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 52n + 12345n,
    MAX - 1n, MAX, MAX + 1n, 2n ** 53n + 2n, 2n ** 62n, 2n ** 63n - 1n];
  for (const v of edges) {
    check(v, true);
    check(-v, true);
    check(v, false);
  }
  for (const v of [2n ** 63n, 2n ** 64n - 1n, 2n ** 53n * 3n]) check(v, false);
  check(-(2n ** 63n), true);
  for (let high = -2097154; high <= -2097150; high++) {
    for (const low of [0n, 1n, 2n ** 32n - 1n]) check(BigInt(high) * 2n ** 32n + low, true);
  }
  // Seeded random values across the whole range, for both readings.
  let seed = 12345n;
  const next = (): bigint => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n);
  for (let i = 0; i < 2000; i++) {
    const raw = next();
    const shifted = raw >> BigInt(i % 64);
    check(shifted, false);
    check(BigInt.asIntN(64, shifted), true);
  }
});
