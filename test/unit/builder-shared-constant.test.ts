import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { constantData } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

test("sharedConstant: a second tensor on a constant's buffer, with its own name and parameters", () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.constant({ name: 'a', shape: [2, 2], dtype: 'INT8', data: [1, -2, 3, -4], quant: { scale: [0.5], zeroPoint: [0] } });
  g.sharedConstant({ name: 'b', shape: [4], dtype: 'INT8', quant: { scale: [0.25], zeroPoint: [0] } }, a);
  const model = readTflite(m.finish());
  const [ta, tb] = model.subgraphs[0]!.tensors;
  assert.equal(ta!.buffer, tb!.buffer);
  assert.equal(model.buffers.length, 2);
  assert.deepEqual([...new Int8Array(constantData(model, tb!)!.slice().buffer)], [1, -2, 3, -4]);
  assert.deepEqual(tb!.quantization!.scale, [0.25]);
});

test('sharedConstant refuses a tensor without data, another type or another element count', () => {
  for (const uniqueBuffers of [false, true]) {
    const g = new ModelBuilder({ uniqueBuffers }).subgraph();
    const a = g.constant({ name: 'a', shape: [4], dtype: 'INT8', data: [1, 2, 3, 4] });
    const x = g.tensor({ name: 'x', shape: [4], dtype: 'INT8' });
    assert.throws(() => g.sharedConstant({ name: 'b', shape: [4], dtype: 'INT8' }, x), /not a constant/);
    assert.throws(() => g.sharedConstant({ name: 'b', shape: [4], dtype: 'UINT8' }, a), /cannot share the buffer/);
    assert.throws(() => g.sharedConstant({ name: 'b', shape: [5], dtype: 'INT8' }, a), /cannot share the buffer/);
    assert.equal(g.tensorCount, 2);
  }
});
