import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const Q = { scale: [0.05], zeroPoint: [0] };
const dir = tempDir();

test('an unsupported SPLIT is labelled with its data type, not its int32 axis', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const axis = g.constant({ name: 'axis', shape: [], dtype: 'INT32', data: [1] });
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'UINT8', quant: { scale: [0.05], zeroPoint: [128] } });
  const outs = [0, 1].map((i) => ({ name: `y${i}`, shape: [1, 4], dtype: 'UINT8' as const, quant: { scale: [0.05], zeroPoint: [128] } }));
  g.output(...g.op('SPLIT', { inputs: [axis, x], outputs: outs, options: { numSplits: 2 } }));
  const model = readTflite(m.finish());
  const report = analyzeModel(model, 'tflm-reference');
  const split = report.unsupportedOps.find((u) => u.op === 'SPLIT');
  assert.equal(split?.dtype, 'UINT8');
  const support = checkSupport(model, 'tflm-reference', report.detail.failures);
  assert.equal(support.unsupported.find((u) => u.op === 'SPLIT')?.dtype, 'UINT8');
});

test('a tensor arena below arena used is explained: the tail padding of an arena whose end is 16-byte aligned', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input({ name: 'x', shape: [1, 64], dtype: 'FLOAT32' });
  for (let i = 0; i < 2; i++) {
    const w = g.constant({ name: `w${i}`, shape: [64, 64], dtype: 'FLOAT32', data: Array(64 * 64).fill(0.1) });
    x = g.op('FULLY_CONNECTED', { inputs: [x, w], output: { name: `y${i}`, shape: [1, 64], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'NONE' } });
  }
  g.output(x);
  const r = analyzeModel(readTflite(m.finish()), 'tflm-reference');
  const gap = r.memory.arenaUsedBytes - r.memory.minArenaBytes;
  assert.ok(gap > 0 && gap < 16, `gap ${gap}`);
  assert.equal(r.memory.minArenaBytes % 16, 16 - gap);
  const note = r.memory.notes.find((n) => n.startsWith(`The tensor arena is ${gap} bytes below arena used`));
  assert.match(note ?? '', /16-byte aligned/);
});

test('analyze --runtime ethos-u of a Vela-compiled op: status ok and no "TFLM cannot allocate this model"', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 16], dtype: 'INT8', quant: Q });
  g.output(g.customOp('ethos-u', { inputs: [x], output: { name: 'y', shape: [1, 16], dtype: 'INT8', quant: Q } }));
  const path = join(dir, 'vela.tflite');
  writeFileSync(path, m.finish());
  const r = cli('analyze', path, '--runtime', 'ethos-u');
  assert.equal(r.code, 0);
  assert.match(r.out, /^status\s+ok\b/m);
  assert.doesNotMatch(r.out, /TFLM cannot allocate this model/);
  assert.match(r.out, /no kernel for the ops the accelerator runs/);
  // TFLM itself still cannot allocate it: there the status stays unsupported and the note stays.
  const plain = cli('analyze', path, '--runtime', 'tflm-cmsis-nn');
  assert.equal(plain.code, 1);
  assert.match(plain.out, /TFLM cannot allocate this model/);
});
