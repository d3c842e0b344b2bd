import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { toJson } from '../../server/src/cli/format.js';
import { writeJson } from '../../server/src/cli/json-out.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { addChain } from './helpers/chains.js';

/** What the CLI prints: every write is a block of whole lines, and the CLI's `out` ends it with a newline. */
function written(value: unknown, chunk?: number): { text: string; writes: string[] } {
  const writes: string[] = [];
  writeJson(value, (s) => writes.push(s), chunk);
  return { text: writes.map((s) => `${s}\n`).join(''), writes };
}

const expected = (value: unknown): string => {
  const s = JSON.stringify(value, null, 2) as string | undefined;
  return s === undefined ? '' : `${s}\n`;
};

test('writeJson writes what JSON.stringify(value, null, 2) writes, whatever the chunk size', () => {
  const values: unknown[] = [
    0, 'text', null, undefined, [], {}, [[]], [{}], { x: [[1]] }, new Date(5), { toJSON: () => 'z' },
    [1, [2, [3, { a: [] }]]],
    { a: undefined, b: () => 1, c: [undefined, () => 2, { d: new Date(0) }], e: {}, f: { g: { h: [1, 2] } }, 'q"k': 'line\nbreak' },
    { layers: Array.from({ length: 40 }, (_, i) => ({ i, live: [{ a: i }], shape: [1, i], none: [] })), memory: { notes: ['a'] } },
  ];
  for (const value of values) {
    for (const chunk of [1, 7, 1 << 16]) assert.equal(written(value, chunk).text, expected(value), `${JSON.stringify(value)} in chunks of ${chunk}`);
  }
});

test('a large report is written in many chunks of whole lines, never as one string, and reads back equal', () => {
  const report = analyzeModel(readTflite(addChain(2000, 3)), 'tflm-cmsis-nn');
  const document = toJson('chain.tflite', report);
  const { text, writes } = written(document, 1 << 12);
  const whole = expected(document);
  assert.equal(text, whole);
  assert.ok(writes.length > 50, `${writes.length} writes`);
  assert.ok(Math.max(...writes.map((w) => w.length)) < whole.length / 20, 'no write carries a large part of the document');
  assert.deepEqual(JSON.parse(text), JSON.parse(whole));
});
