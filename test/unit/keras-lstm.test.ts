import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';
import type { Model } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { constantValues } from '../../server/src/quantize/tensors.js';
import { randomizeWeights, relError, saveLayers, tfjsReady } from './helpers/keras-models.js';

/**
 * TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM (no peephole, no projection, batch 1) run from the converted model's own
 * constants: i, f, o = sigmoid(W x + R h + b), g = tanh(...), c = f c + i g, h = o tanh(c).
 */
function runLstm(model: Model, x: Float32Array, steps: number, features: number): Float32Array[] {
  const g = model.subgraphs[0]!;
  const op = g.operators.find((o) => o.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
  const constant = (k: number): Float32Array => constantValues(model, g.tensors[op.inputs[k]!]!);
  const wi = [1, 2, 3, 4].map(constant);
  const wr = [5, 6, 7, 8].map(constant);
  const b = [12, 13, 14, 15].map(constant);
  const units = b[0]!.length;
  let h = new Float32Array(units);
  const cell = new Float32Array(units);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const out: Float32Array[] = [];
  for (let t = 0; t < steps; t++) {
    const gate = (k: number, u: number): number => {
      let s = b[k]![u]!;
      for (let j = 0; j < features; j++) s += wi[k]![u * features + j]! * x[t * features + j]!;
      for (let j = 0; j < units; j++) s += wr[k]![u * units + j]! * h[j]!;
      return s;
    };
    const next = new Float32Array(units);
    for (let u = 0; u < units; u++) {
      cell[u] = sig(gate(1, u)) * cell[u]! + sig(gate(0, u)) * Math.tanh(gate(2, u));
      next[u] = sig(gate(3, u)) * Math.tanh(cell[u]!);
    }
    h = next;
    out.push(h);
  }
  return out;
}

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
    const steps = runLstm(model, x, 6, 3);
    const got = sequences ? Float32Array.from(steps.flatMap((s) => [...s])) : steps[5]!;
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
