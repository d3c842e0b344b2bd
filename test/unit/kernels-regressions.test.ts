/**
 * Regressions found by measuring models outside the ground-truth set on a real TFLM build (Cortex-M4 under QEMU):
 * each test pins a request the replay made that TFLM does not (or the reverse).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import type { DType } from '../../server/src/model/ir.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

function cumsumModel(dtype: DType): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const quant = dtype === 'INT8' ? { scale: [0.1], zeroPoint: [0] } : undefined;
  const x = g.input({ name: 'x', shape: [1, 8], dtype, ...(quant ? { quant } : {}) });
  const axis = g.constant({ name: 'axis', shape: [], dtype: 'INT32', data: [1] });
  g.output(g.op('CUMSUM', { inputs: [x, axis], output: { name: 'y', shape: [1, 8], dtype, ...(quant ? { quant } : {}) } }));
  return m.finish();
}

function prepareRequests(bytes: Uint8Array): string[] {
  const sim = simulateAllocateTensors(readTflite(bytes), 'tflm-reference', { arenaSize: 1 << 20, log: true });
  return sim.events.filter((e) => e.phase.startsWith('prepare') && e.kind === 'P').map((e) => `P${e.size}`);
}

test('float CUMSUM keeps no OpData: cumsum.cc allocates it only on the int8 path', () => {
  assert.deepEqual(prepareRequests(cumsumModel('FLOAT32')), []);
  assert.deepEqual(prepareRequests(cumsumModel('INT8')), ['P36']);
});

test('ASSIGN_VARIABLE has no Init without USE_TFLM_COMPRESSION, so it allocates nothing before Prepare', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const id = g.constant({ name: 'id', shape: [1], dtype: 'INT32', data: [0] });
  const value = g.input({ name: 'v', shape: [1, 4], dtype: 'FLOAT32' });
  g.op('ASSIGN_VARIABLE', { inputs: [id, value], outputs: [] });
  const sim = simulateAllocateTensors(readTflite(m.finish()), 'tflm-reference', { arenaSize: 1 << 20, log: true });
  assert.deepEqual(sim.events.filter((e) => e.phase.startsWith('init')), []);
});
