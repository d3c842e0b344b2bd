/**
 * Which models the explorer offers Quantize to int8 on (float or hybrid), and why the quantizer would refuse one:
 * server/src/lsp/quantizable.ts's static look at a parsed model, checked against models made by the builder and
 * against what the quantizer itself does with them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatModelVerdict } from '../../server/src/lsp/quantizable.ts';
import type { DType } from '../../server/src/model/ir.ts';
import { ModelBuilder, SeededRandom } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { prepareFloatModel } from '../../server/src/quantize/index.ts';

const q = { scale: [0.05], zeroPoint: [0] };

/** x[1,8] -> FULLY_CONNECTED(w[4,8]) -> y[1,4], with the types given (int8 tensors carry quantization). */
function fc(types: { io: DType; weights: DType; bias: DType }, extra?: 'quantize-edges' | 'unsupported-op' | 'two-subgraphs') {
  const rng = new SeededRandom(7);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const quant = (t: DType) => (t === 'FLOAT32' ? {} : { quant: q });
  const fx = g.input({ name: 'x', shape: [1, 8], dtype: extra === 'quantize-edges' ? 'FLOAT32' : types.io });
  const x = extra === 'quantize-edges' ? g.op('QUANTIZE', { inputs: [fx], output: { name: 'x_q', shape: [1, 8], dtype: 'INT8', quant: q } }) : fx;
  const wData = types.weights === 'FLOAT32' ? rng.uniformArray(32, -1, 1) : Array.from({ length: 32 }, (_, i) => (i % 11) - 5);
  const w = g.constant({ name: 'w', shape: [4, 8], dtype: types.weights, data: wData, ...quant(types.weights) });
  const b = g.constant({ name: 'b', shape: [4], dtype: types.bias, data: [0, 0, 0, 0], ...quant(types.bias) });
  let y = g.op('FULLY_CONNECTED', { inputs: [x, w, b], output: { name: 'y', shape: [1, 4], dtype: types.io, ...quant(types.io) } });
  if (extra === 'quantize-edges') y = g.op('DEQUANTIZE', { inputs: [y], output: { name: 'y_f', shape: [1, 4], dtype: 'FLOAT32' } });
  if (extra === 'unsupported-op') y = g.op('EXP', { inputs: [y], output: { name: 'e', shape: [1, 4], dtype: 'FLOAT32' } });
  g.output(y);
  if (extra === 'two-subgraphs') {
    const s = m.subgraph('body');
    const a = s.input({ name: 'a', shape: [1], dtype: 'FLOAT32' });
    s.output(s.op('RELU', { inputs: [a], output: { name: 'r', shape: [1], dtype: 'FLOAT32' } }));
  }
  return readTflite(m.finish());
}

/** What the quantizer says before its first sample: null when it takes the model, else its message. */
function quantizerSays(model: ReturnType<typeof fc>): string | null {
  try {
    prepareFloatModel(model);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

test('a float model is offered and taken', () => {
  const model = fc({ io: 'FLOAT32', weights: 'FLOAT32', bias: 'FLOAT32' });
  assert.deepEqual(floatModelVerdict(model), { float: true, reason: null });
  assert.equal(quantizerSays(model), null);
});

test('a hybrid model (int8 weights, float activations) is offered and taken', () => {
  const model = fc({ io: 'FLOAT32', weights: 'INT8', bias: 'FLOAT32' });
  assert.deepEqual(floatModelVerdict(model), { float: true, reason: null });
  assert.equal(quantizerSays(model), null);
});

test('an int8 model is not offered, and the reason names the int8 tensor', () => {
  const model = fc({ io: 'INT8', weights: 'INT8', bias: 'INT32' });
  const v = floatModelVerdict(model);
  assert.equal(v.float, false);
  assert.match(v.reason ?? '', /'x' is INT8/);
  assert.notEqual(quantizerSays(model), null, 'the quantizer refuses it too');
});

test('an int8 model with float edges (QUANTIZE ... DEQUANTIZE) is not offered', () => {
  const model = fc({ io: 'INT8', weights: 'INT8', bias: 'INT32' }, 'quantize-edges');
  const v = floatModelVerdict(model);
  assert.equal(v.float, false);
  assert.match(v.reason ?? '', /already INT8/);
  assert.notEqual(quantizerSays(model), null);
});

test('a float model the quantizer cannot take is offered (it is float) with the reason', () => {
  const op = floatModelVerdict(fc({ io: 'FLOAT32', weights: 'FLOAT32', bias: 'FLOAT32' }, 'unsupported-op'));
  assert.equal(op.float, true);
  assert.match(op.reason ?? '', /layer 1 EXP is not supported/);
  const graphs = floatModelVerdict(fc({ io: 'FLOAT32', weights: 'FLOAT32', bias: 'FLOAT32' }, 'two-subgraphs'));
  assert.equal(graphs.float, true);
  assert.match(graphs.reason ?? '', /2 subgraphs/);
});
