/**
 * `analyzeModel(..., { liveBuffers: false })` (the CLI's text table) leaves the per-layer buffer lists out and must
 * give every other figure the full analysis gives: live bytes, high water, peak, persistent bytes, the arena.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { addChain } from './helpers/chains.js';

const examples = join(__dirname, '../../examples');

function withoutLists(report: ReturnType<typeof analyzeModel>): unknown {
  return {
    ...report,
    layers: report.layers.map((l) => ({ ...l, live: undefined })),
    detail: { ...report.detail, layers: report.detail.layers.map((l) => ({ ...l, live: undefined })) },
  };
}

const models: [string, Uint8Array][] = [
  ['ADD chain with skip connections', addChain(300, 3)],
  ['plain ADD chain', addChain(50)],
  ['KWS DS-CNN (scratch buffers)', new Uint8Array(readFileSync(join(examples, 'kws_dscnn_int8.tflite')))],
  ['IF with two branches (control flow)', new Uint8Array(readFileSync(join(examples, 'if_less_add_mul.tflite')))],
];

for (const [name, bytes] of models) {
  test(`${name}: the same figures without the buffer lists, for every runtime`, () => {
    const model = readTflite(bytes);
    for (const runtime of RUNTIMES) {
      const full = analyzeModel(model, runtime);
      const lean = analyzeModel(model, runtime, {}, 'dsp', 'arm-eabi', { liveBuffers: false });
      assert.ok(full.layers.some((l) => l.live.length > 0), 'the full report lists live buffers');
      assert.ok(lean.layers.every((l) => l.live.length === 0));
      assert.ok(lean.detail.layers.every((l) => l.live.length === 0));
      assert.deepEqual(withoutLists(lean), withoutLists(full));
    }
  });
}
