import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { joinReport, splitReport } from '../../server/src/lsp/worker/lean-report.ts';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';

function chain(n: number): Uint8Array {
  const m = new ModelBuilder({ description: 'chain' });
  const g = m.subgraph('main');
  let x = g.input({ name: 'x', shape: [1, 8, 8, 4], dtype: 'INT8', quant: { scale: [0.5], zeroPoint: [0] } });
  for (let i = 0; i < n; i++) x = g.op('RELU', { inputs: [x], output: { name: `t${i}`, shape: [1, 8, 8, 4], dtype: 'INT8', quant: { scale: [0.5], zeroPoint: [0] } } });
  g.output(x);
  return m.finish();
}

const report = analyzeModel(readTflite(chain(12)), 'tflm-cmsis-nn');

test('a report split for the thread boundary and joined again equals the original, field for field', () => {
  const { lean, bulk } = splitReport(report);
  const joined = joinReport(structuredClone(lean), bulk.slice());
  assert.deepEqual(JSON.parse(JSON.stringify(joined)), JSON.parse(JSON.stringify(report)));
});

test('the lean part carries no live buffers and none of the memory model lists; the bulk is a buffer of its own', () => {
  const { lean, bulk } = splitReport(report);
  assert.ok(lean.layers.length === report.layers.length && lean.layers.every((l) => !('live' in l)));
  assert.ok(!('buffers' in lean.detail) && !('nodes' in lean.detail) && !('layers' in lean.detail));
  assert.equal(lean.detail.failures, report.detail.failures);
  assert.equal(bulk.byteOffset, 0);
  assert.equal(bulk.byteLength, bulk.buffer.byteLength);
});

test('the bulky parts are read once, on first access, and not for the figures', () => {
  const { lean, bulk } = splitReport(report);
  let reads = 0;
  const joined = joinReport(lean, bulk, () => reads++);
  assert.equal(joined.memory.minArenaBytes, report.memory.minArenaBytes);
  assert.equal(joined.layers.reduce((s, l) => s + l.arenaLiveBytes, 0), report.layers.reduce((s, l) => s + l.arenaLiveBytes, 0));
  assert.equal(joined.layers.find((l) => l.peak)?.index, report.layers.find((l) => l.peak)?.index);
  assert.equal(reads, 0);
  assert.deepEqual(joined.layers[3]?.live, report.layers[3]?.live);
  assert.deepEqual(joined.detail.buffers, report.detail.buffers);
  assert.deepEqual(joined.layers[7]?.live, report.layers[7]?.live);
  assert.equal(reads, 1);
});
