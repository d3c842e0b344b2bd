import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceilInUnit, formatBytes, formatBytesIn, formatHertz, formatJoules, formatSeconds, parseQuantity, type QuantityKind } from '../../server/src/manifest/units.ts';

/** One case: text and kind -> value in the base unit and the unit, or the error reason. */
function check(text: string, kind: QuantityKind, expected: [number, string] | string): void {
  const q = parseQuantity(text, kind);
  if (typeof expected === 'string') {
    assert.ok('reason' in q, `${text} should be rejected`);
    assert.equal(q.reason, expected, text);
  } else {
    assert.ok(!('reason' in q), `${text} should parse: ${JSON.stringify(q)}`);
    assert.ok(Math.abs(q.value - expected[0]) <= Math.abs(expected[0]) * 1e-12, `${text}: ${q.value}`);
    assert.equal(q.unit, expected[1]);
  }
}

test('byte units: decimal KB/MB, binary KiB/MiB, spaces allowed', () => {
  check('180KiB', 'bytes', [184320, 'KiB']);
  check('180 KiB', 'bytes', [184320, 'KiB']);
  check('1.5MiB', 'bytes', [1572864, 'MiB']);
  check('600KB', 'bytes', [600000, 'KB']);
  check('2MB', 'bytes', [2000000, 'MB']);
  check('512B', 'bytes', [512, 'B']);
  check('.5KiB', 'bytes', [512, 'KiB']);
});

test('time, energy and frequency units', () => {
  check('50ms', 'time', [0.05, 'ms']);
  check('850us', 'time', [0.00085, 'us']);
  check('1s', 'time', [1, 's']);
  check('2mJ', 'energy', [0.002, 'mJ']);
  check('300uJ', 'energy', [0.0003, 'uJ']);
  check('64MHz', 'frequency', [64e6, 'MHz']);
  check('32.768kHz', 'frequency', [32768, 'kHz']);
});

test('strictness: no unit, wrong case, wrong kind, negative, garbage are errors', () => {
  check('180', 'bytes', 'missing-unit');
  check('180kb', 'bytes', 'unknown-unit');
  check('180kib', 'bytes', 'unknown-unit');
  check('50ms', 'bytes', 'wrong-kind');
  check('64MHz', 'time', 'wrong-kind');
  check('-1KiB', 'bytes', 'negative');
  check('lots', 'bytes', 'not-a-quantity');
  check('1 2 KiB', 'bytes', 'not-a-quantity');
  check('50 mS', 'time', 'unknown-unit');
});

test('a mis-cased unit suggests the right one', () => {
  const q = parseQuantity('180kib', 'bytes');
  assert.ok('reason' in q && q.reason === 'unknown-unit');
  assert.equal(q.suggestion, 'KiB');
  const u = parseQuantity('5µs', 'time');
  assert.ok('reason' in u && u.reason === 'unknown-unit');
  assert.equal(u.suggestion, 'us');
});

test('formatting: binary prefixes for bytes, one decimal trimmed', () => {
  assert.equal(formatBytes(900), '900 B');
  assert.equal(formatBytes(17168), '16.8 KiB');
  assert.equal(formatBytes(184320), '180 KiB');
  assert.equal(formatBytes(1572864), '1.5 MiB');
  assert.equal(formatBytesIn(217498, 'KiB'), '212.4 KiB');
  assert.equal(formatSeconds(0.0382), '38.2 ms');
  assert.equal(formatSeconds(0.00085), '850 us');
  assert.equal(formatJoules(0.0018), '1.8 mJ');
  assert.equal(formatHertz(64e6), '64 MHz');
});

test('ceilInUnit never rounds a need down', () => {
  // 212.4 KiB is 217,497.6 B, one fraction short of the need: the fix must say 212.5.
  assert.equal(ceilInUnit(217498, 'bytes', 'KiB'), '212.5KiB');
  assert.ok(parseFloat(ceilInUnit(217498, 'bytes', 'KiB')) * 1024 >= 217498);
  assert.equal(ceilInUnit(184321, 'bytes', 'KiB'), '180.1KiB');
  assert.equal(ceilInUnit(184320, 'bytes', 'KiB'), '180KiB');
  assert.equal(ceilInUnit(1001, 'bytes', 'B', 0), '1001B');
});
