import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { AnalysisLimitError } from '../../server/src/model/limits.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../server/src/quantize/index.js';

/** A tiny input upsampled to `w` columns, then transposed: two large tensors, and a gather table behind each. */
function upsampleTranspose(w: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4, 3, 12], dtype: 'FLOAT32' });
  const size = g.constant({ name: 'size', shape: [2], dtype: 'INT32', data: [8, w] });
  const up = g.op('RESIZE_NEAREST_NEIGHBOR', { inputs: [x, size], output: { name: 'up', shape: [1, 8, w, 12], dtype: 'FLOAT32' } });
  const perm = g.constant({ name: 'perm', shape: [4], dtype: 'INT32', data: [0, 2, 1, 3] });
  g.output(g.op('TRANSPOSE', { inputs: [up, perm], output: { name: 't', shape: [1, w, 8, 12], dtype: 'FLOAT32' } }));
  return m.finish();
}

test('the index tables of gather kernels count against the quantizer\'s memory budget with the tensors', () => {
  const elements = 8 * 4096 * 12;
  const small = new Interpreter(readTflite(upsampleTranspose(4096)));
  // Two activations and two tables of one 4-byte value per output element, beside the tiny input and constants.
  assert.ok(small.allocated >= 4 * elements * 4, `${small.allocated}`);
  // Tensors alone (2 x 1.5 MiB) fit a 5 MiB budget; with their tables (4 x 1.5 MiB) they do not.
  assert.throws(() => new Interpreter(readTflite(upsampleTranspose(4096)), { maxMemory: 5 * 1024 * 1024 }),
    (e: unknown) => e instanceof AnalysisLimitError && /index tables/.test(e.message));
});
