import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { QuantizeError, quantizeModel, randomSamples } from '../../server/src/quantize/index.ts';

// Fuzz seed 9099 case 32195: a damaged float model whose CONV_2D bias has more values than the filter has output
// channels ended the quantizer in the builder's untyped RangeError ("2 weight scales for 6 biases").
test('a CONV_2D bias that disagrees with the filter\'s output channels is a located bad-model QuantizeError', () => {
  const m = new ModelBuilder({ description: 'bad bias' });
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4, 4, 3], dtype: 'FLOAT32' });
  const w = g.constant({ name: 'w', shape: [2, 1, 1, 3], dtype: 'FLOAT32', data: [0.5, -0.25, 1, 0.75, 0.1, -0.6] });
  const b = g.constant({ name: 'b', shape: [6], dtype: 'FLOAT32', data: [0, 0.1, 0.2, 0.3, 0.4, 0.5] });
  g.output(g.op('CONV_2D', { inputs: [x, w, b], output: { name: 'y', shape: [1, 4, 4, 2], dtype: 'FLOAT32' }, options: { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' } }));
  const model = readTflite(m.finish());
  assert.throws(() => quantizeModel(model, randomSamples([[1, 4, 4, 3]], 2, -1, 1), 'int8'), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.code, 'bad-model');
    assert.match(e.message, /^layer 0 \(CONV_2D -> 'y'\): the bias has 6 values for 2 output channels/);
    return true;
  });
});
