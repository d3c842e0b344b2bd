import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport, memoryKernelsFor } from '../../server/src/analysis/support/index.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

const Q = { scale: [0.05], zeroPoint: [0] };

/** One binary op on inputs of shapes `a` and `b` (both live), output of shape `out`. */
function binary(op: 'ADD' | 'MUL', dtype: DType, a: number[], b: number[], out: number[]) {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: a, dtype, quant: Q });
  const y = g.input({ name: 'y', shape: b, dtype, quant: Q });
  g.output(g.op(op, { inputs: [x, y], output: { name: 'z', shape: out, dtype, quant: Q }, options: { fusedActivationFunction: 'NONE' } }));
  const model = readTflite(m.finish());
  const s = checkSupport(model, 'tflm-cmsis-nn', analyzeModel(model, memoryKernelsFor('tflm-cmsis-nn')).detail.failures);
  return s.layers[0]!;
}

test('CMSIS-NN ADD int8 on same-shape inputs runs arm_elementwise_add_s8 (cmsis_nn/add.cc), not the reference kernel', () => {
  const l = binary('ADD', 'INT8', [1, 8, 8, 16], [1, 8, 8, 16], [1, 8, 8, 16]);
  assert.equal(l.verdict, 'optimized');
  assert.equal(l.kernel, 'arm_elementwise_add_s8');
});

test('ranks padded with leading 1s are not a broadcast (ProcessBroadcastShapes compares extended shapes)', () => {
  assert.equal(binary('ADD', 'INT8', [8, 16], [1, 8, 16], [1, 8, 16]).verdict, 'optimized');
});

for (const [op, dtype] of [['ADD', 'INT8'], ['ADD', 'INT16'], ['MUL', 'INT8'], ['MUL', 'INT16']] as const) {
  test(`CMSIS-NN ${op} ${dtype} with a broadcast input falls back to the reference broadcast kernel`, () => {
    const l = binary(op, dtype, [1, 8, 8, 16], [1, 1, 1, 16], [1, 8, 8, 16]);
    assert.equal(l.verdict, 'reference');
    assert.match(l.reason ?? '', /\[1, 1, 1, 16\] broadcast/);
    assert.equal(binary(op, dtype, [1, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 2]).verdict, 'optimized');
  });
}
