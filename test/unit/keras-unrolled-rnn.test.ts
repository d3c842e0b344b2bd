import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { maxRelativeError } from '../../server/src/convert/keras/check.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { compareWithTfjs, randomizeWeights, saveLayers, tfjsReady } from './helpers/keras-models.js';

// SimpleRNN and GRU have no TFLM builtin: they are unrolled into FULLY_CONNECTED / SPLIT / LOGISTIC / TANH / MUL /
// ADD / SUB per step, which our float interpreter runs (so they are compared with tfjs end to end) and the int8
// quantizer takes. tfjs has no reset_after=True GRU (Keras' default), so that one is checked against Keras' equations.

const RNN_BUILTINS = ['UNIDIRECTIONAL_SEQUENCE_RNN', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'WHILE'];

async function checkUnrolled(make: (tf: Awaited<ReturnType<typeof tfjsReady>>) => import('@tensorflow/tfjs').LayersModel): Promise<string[]> {
  const tf = await tfjsReady();
  const m = make(tf);
  randomizeWeights(m, 11);
  const r = await compareWithTfjs(m, 3);
  assert.ok(r.maxRelError <= 1e-5, `max relative error ${r.maxRelError}`);
  assert.ok(!r.ops.some((o) => RNN_BUILTINS.includes(o)), r.ops.join(' '));
  const model = readTflite(r.converted.tflite);
  const shapes = model.subgraphs[0]!.inputs.map((i) => model.subgraphs[0]!.tensors[i]!.shape);
  const q = quantizeModel(model, randomSamples(shapes, 4, -1, 1, 3), 'int8');
  assert.equal(analyzeModel(q.model, 'tflm-cmsis-nn').status, 'ok');
  assert.equal(analyzeModel(model, 'tflm-reference').status, 'ok');
  m.dispose();
  return [...r.ops];
}

test('SimpleRNN (tanh, last step and whole sequence) unrolled: matches tfjs, quantizes, allocates', async () => {
  for (const returnSequences of [false, true]) {
    const ops = await checkUnrolled((tf) => tf.sequential({ layers: [tf.layers.simpleRNN({ inputShape: [5, 3], units: 4, returnSequences }), tf.layers.dense({ units: 2 })] }));
    assert.equal(ops.filter((o) => o === 'TANH').length, 5);
    assert.equal(ops.includes('CONCATENATION'), returnSequences);
  }
});

test('a returned sequence longer than 10 steps is joined by CONCATENATIONs of at most 10 inputs (TFLM\'s kMaxInputNum)', async () => {
  const ops = await checkUnrolled((tf) => tf.sequential({ layers: [tf.layers.simpleRNN({ inputShape: [23, 2], units: 3, returnSequences: true })] }));
  assert.equal(ops.filter((o) => o === 'CONCATENATION').length, 4); // 10 + 10 + 3 rows, then the 3 groups
});

test('GRU reset_after=False unrolled: matches tfjs (last step and sequence), quantizes, allocates', async () => {
  for (const returnSequences of [false, true]) {
    const ops = await checkUnrolled((tf) => tf.sequential({ layers: [tf.layers.gru({ inputShape: [4, 3], units: 5, returnSequences, recurrentActivation: 'sigmoid' })] }));
    assert.equal(ops.filter((o) => o === 'TANH').length, 4);
  }
});

test('LSTM with a relu activation (TFLM\'s LSTM kernel computes tanh only) unrolled: matches tfjs, quantizes, allocates', async () => {
  const ops = await checkUnrolled((tf) => tf.sequential({ layers: [
    tf.layers.lstm({ inputShape: [6, 2], units: 3, activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: true }),
    tf.layers.lstm({ units: 4, activation: 'relu', recurrentActivation: 'sigmoid' }),
  ] }));
  // i, f, o per step and layer, but no forget gate at step 0 (the cell starts at zero).
  assert.equal(ops.filter((o) => o === 'LOGISTIC').length, 2 * (6 * 3 - 1));
});

test('GRU reset_after=True (Keras default): r multiplies the recurrent product with its own bias, as Keras computes it', async () => {
  const tf = await tfjsReady();
  const [steps, features, units] = [4, 3, 2];
  const m = tf.sequential({ layers: [tf.layers.gru({ inputShape: [steps, features], units, recurrentActivation: 'sigmoid' })] });
  randomizeWeights(m, 5);
  const { bytes, shards } = await saveLayers(m);
  const [kernel, recurrent, bias] = m.getWeights().map((w) => w.dataSync() as Float32Array) as [Float32Array, Float32Array, Float32Array];
  const rng = new SeededRandom(6);
  const recBias = Float32Array.from({ length: 3 * units }, () => rng.uniform(-1, 1));
  // The same model as Keras writes it with reset_after=True: bias [2, 3u] (input bias, recurrent bias).
  const doc = JSON.parse(new TextDecoder().decode(bytes)) as { modelTopology: { config: { layers: { config: Record<string, unknown> }[] } }; weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
  doc.modelTopology.config.layers[0]!.config.reset_after = true;
  doc.weightsManifest[0]!.weights.find((w) => /bias/.test(w.name))!.shape = [2, 3 * units];
  const shard = new Uint8Array(shards.get('w.bin')!.length + recBias.byteLength);
  shard.set(shards.get('w.bin')!);
  shard.set(new Uint8Array(recBias.buffer), shards.get('w.bin')!.length);
  const c = convertKeras({ format: 'tfjs-layers', name: 'gru.json', bytes: new TextEncoder().encode(JSON.stringify(doc)), shards: new Map([['w.bin', shard]]) });
  const x = Float32Array.from({ length: steps * features }, () => rng.uniform(-1, 1));
  const ours = new Interpreter(readTflite(c.tflite)).run([x])[0]!;
  // Keras GRUCell, reset_after=True: gates in the order z, r, h along the kernels' second axis.
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  let h = new Float32Array(units);
  for (let t = 0; t < steps; t++) {
    const pre = (g: number, u: number, withBias: Float32Array, m2: Float32Array, v: Float32Array, n: number): number => {
      let s = withBias[g * units + u]!;
      for (let j = 0; j < n; j++) s += v[j]! * m2[j * 3 * units + g * units + u]!;
      return s;
    };
    const xt = x.subarray(t * features, (t + 1) * features);
    const next = new Float32Array(units);
    for (let u = 0; u < units; u++) {
      const z = sig(pre(0, u, bias, kernel, xt, features) + pre(0, u, recBias, recurrent, h, units));
      const r = sig(pre(1, u, bias, kernel, xt, features) + pre(1, u, recBias, recurrent, h, units));
      const hh = Math.tanh(pre(2, u, bias, kernel, xt, features) + r * pre(2, u, recBias, recurrent, h, units));
      next[u] = z * h[u]! + (1 - z) * hh;
    }
    h = next;
  }
  assert.ok(maxRelativeError(Float32Array.from(ours), h) <= 1e-5, `${Array.from(ours)} vs ${Array.from(h)}`);
  m.dispose();
});
