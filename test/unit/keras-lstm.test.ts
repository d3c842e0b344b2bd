import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { randomizeWeights, relError, saveLayers, tfjsReady } from './helpers/keras-models.js';
import { runTfliteLstm } from './helpers/lstm-reference.js';

test('LSTM becomes UNIDIRECTIONAL_SEQUENCE_LSTM (+ last-step slice) whose gates match tfjs, and allocates in TFLM', async () => {
  const tf = await tfjsReady();
  for (const sequences of [false, true]) {
    const m = tf.sequential();
    m.add(tf.layers.lstm({ inputShape: [6, 3], units: 5, recurrentActivation: 'sigmoid', returnSequences: sequences }));
    randomizeWeights(m, 9);
    const { bytes, shards } = await saveLayers(m);
    const converted = convertKeras({ format: 'tfjs-layers', name: 'lstm.json', bytes, shards });
    const model = readTflite(converted.tflite);
    assert.deepEqual(model.subgraphs[0]!.operators.map((o) => o.opName), sequences ? ['UNIDIRECTIONAL_SEQUENCE_LSTM'] : ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'STRIDED_SLICE']);
    const rng = new SeededRandom(4);
    const x = Float32Array.from({ length: 18 }, () => rng.uniform(-1, 1));
    const y = m.predict(tf.tensor(x, [1, 6, 3])) as import('@tensorflow/tfjs').Tensor;
    const want = y.dataSync() as Float32Array;
    // TFLite's LSTM equations on the converted model's own constants (5 units, 6 steps).
    const sequence = runTfliteLstm(model, x);
    const got = sequences ? sequence : sequence.subarray(5 * 5);
    assert.ok(relError(got, want) <= 1e-4, `return_sequences=${sequences}: relative error ${relError(got, want)}`);
    const report = analyzeModel(model, 'tflm-reference');
    assert.equal(report.status, 'ok');
    y.dispose();
    m.dispose();
  }
});

test("an LSTM with tfjs' default hard_sigmoid recurrent activation is refused, naming the layer and the fix", async () => {
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.lstm({ inputShape: [4, 2], units: 3, name: 'rnn' }));
  const { bytes, shards } = await saveLayers(m);
  m.dispose();
  assert.throws(() => convertKeras({ format: 'tfjs-layers', name: 'lstm.json', bytes, shards }),
    (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op' && e.where === 'rnn (LSTM)' && /sigmoid/.test(e.needs ?? ''));
});
