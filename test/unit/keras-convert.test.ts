import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { Interpreter, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { compareWithTfjs, randomizeWeights, relError, saveLayers, tfjsReady } from './helpers/keras-models.js';

const TOL = 1e-4;

/** Builds a model with tfjs, randomizes its weights, converts it and checks it against tfjs. */
async function check(label: string, build: (tf: typeof TF) => TF.LayersModel, expectOps?: (ops: readonly string[]) => void): Promise<void> {
  const tf = await tfjsReady();
  const m = build(tf);
  randomizeWeights(m, 7);
  const r = await compareWithTfjs(m, 3);
  m.dispose();
  assert.ok(r.maxRelError <= TOL, `${label}: max relative error ${r.maxRelError} (ops ${r.ops.join(' ')})`);
  expectOps?.(r.ops);
}

test('Conv2D + BatchNormalization + ReLU folds and fuses into one CONV_2D', async () => {
  await check('conv-bn-relu', (tf) => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 5, kernelSize: 3, strides: 2, padding: 'same', useBias: false }));
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.reLU());
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], dilationRate: 2, activation: 'relu' }));
    m.add(tf.layers.globalAveragePooling2d({}));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    return m;
  }, (ops) => assert.deepEqual(ops, ['CONV_2D', 'CONV_2D', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX']));
});

test('DepthwiseConv2D (multiplier 2) and SeparableConv2D', async () => {
  await check('depthwise', (tf) => {
    const m = tf.sequential();
    m.add(tf.layers.depthwiseConv2d({ inputShape: [8, 8, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same' }));
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.activation({ activation: 'relu6' }));
    m.add(tf.layers.separableConv2d({ filters: 4, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2, activation: 'sigmoid' }));
    return m;
  }, (ops) => assert.deepEqual(ops, ['DEPTHWISE_CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'LOGISTIC']));
});

test('functional model with Add, Concatenate, Multiply, Average and a standalone BatchNormalization', async () => {
  await check('functional', (tf) => {
    const x = tf.input({ shape: [6, 6, 4] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(x) as TF.SymbolicTensor;
    const s = tf.layers.add().apply([x, a]) as TF.SymbolicTensor;
    const r = tf.layers.reLU().apply(s) as TF.SymbolicTensor;
    const bn = tf.layers.batchNormalization().apply(x) as TF.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([r, bn]) as TF.SymbolicTensor;
    const twice = tf.layers.concatenate().apply([bn, r]) as TF.SymbolicTensor;
    const mul = tf.layers.multiply().apply([cat, twice]) as TF.SymbolicTensor;
    const avg = tf.layers.average().apply([mul, cat]) as TF.SymbolicTensor;
    const sub = tf.layers.maximum().apply([avg, twice]) as TF.SymbolicTensor;
    const y = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(sub) as TF.SymbolicTensor;
    return tf.model({ inputs: x, outputs: y });
  });
});

test('Conv1D (valid and same, dilated), pooling 1-D and global max pooling', async () => {
  await check('conv1d', (tf) => {
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ inputShape: [20, 3], filters: 4, kernelSize: 3, dilationRate: 2, activation: 'relu' }));
    m.add(tf.layers.conv1d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same' }));
    m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
    m.add(tf.layers.averagePooling1d({ poolSize: 2 }));
    m.add(tf.layers.globalMaxPooling1d({}));
    m.add(tf.layers.dense({ units: 3, activation: 'tanh' }));
    return m;
  });
});

test('padding, upsampling, permute, reshape, leaky ReLU, PReLU, dropout and Dense on rank 3', async () => {
  await check('shape layers', (tf) => {
    const m = tf.sequential();
    m.add(tf.layers.zeroPadding2d({ inputShape: [4, 5, 2], padding: [[1, 2], [0, 1]] }));
    m.add(tf.layers.upSampling2d({ size: [2, 1] }));
    m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
    m.add(tf.layers.prelu({ sharedAxes: [1, 2] }));
    m.add(tf.layers.dropout({ rate: 0.5 }));
    m.add(tf.layers.permute({ dims: [2, 1, 3] }));
    m.add(tf.layers.reshape({ targetShape: [-1, 4] }));
    m.add(tf.layers.dense({ units: 3 }));
    m.add(tf.layers.globalMaxPooling1d({}));
    m.add(tf.layers.softmax());
    return m;
  });
});

test('a Sequential nested in a Sequential (Teachable Machine shape) is inlined', async () => {
  await check('nested', (tf) => {
    const inner = tf.sequential({ name: 'inner' });
    inner.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'inner_conv' }));
    inner.add(tf.layers.globalAveragePooling2d({ name: 'inner_gap' }));
    const head = tf.sequential({ name: 'head' });
    head.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', name: 'head_dense' }));
    head.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'head_out' }));
    const m = tf.sequential();
    m.add(inner);
    m.add(head);
    return m;
  });
});

test('activations: swish, sigmoid, tanh, relu6 (elu is refused, naming the layer); Add and Minimum; two outputs', async () => {
  await check('activations', (tf) => {
    const x = tf.input({ shape: [5] });
    const a = tf.layers.dense({ units: 6, activation: 'swish' }).apply(x) as TF.SymbolicTensor;
    const b = tf.layers.dense({ units: 6, activation: 'tanh' }).apply(x) as TF.SymbolicTensor;
    const c = tf.layers.dense({ units: 6, activation: 'relu6' }).apply(x) as TF.SymbolicTensor;
    const d = tf.layers.add().apply([a, b]) as TF.SymbolicTensor;
    const e = tf.layers.minimum().apply([d, c]) as TF.SymbolicTensor;
    const y = tf.layers.dense({ units: 3, activation: 'sigmoid' }).apply(e) as TF.SymbolicTensor;
    return tf.model({ inputs: x, outputs: [y, e] });
  });
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: 2, activation: 'elu', name: 'with_elu' }));
  await assert.rejects(compareWithTfjs(m), (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op' && e.where === 'with_elu (Dense)');
  m.dispose();
});

test('a converted CNN allocates in the TFLM memory model and quantizes to int8', async () => {
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, useBias: false }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.reLU());
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  randomizeWeights(m, 11);
  const r = await compareWithTfjs(m);
  m.dispose();
  const model = readTflite(r.converted.tflite);
  const float = analyzeModel(model, 'tflm-reference');
  assert.equal(float.status, 'ok');
  assert.ok(float.memory.minArenaBytes > 4 * 10 * 10 * 4, `float arena ${float.memory.minArenaBytes} holds at least the conv output`);
  const q = quantizeModel(model, randomSamples([[1, 12, 12, 1]], 8, -1, 1, 2), 'int8');
  const int8 = analyzeModel(q.model, 'tflm-cmsis-nn');
  assert.equal(int8.status, 'ok');
  assert.ok(int8.memory.minArenaBytes < float.memory.minArenaBytes, `int8 arena ${int8.memory.minArenaBytes} < float ${float.memory.minArenaBytes}`);
  assert.ok(r.converted.notes.some((n) => /folded into Conv2D/.test(n)), r.converted.notes.join('; '));
});

test('Rescaling and GlobalAveragePooling1D', async () => {
  await check('preprocessing', (tf) => {
    const m = tf.sequential();
    m.add(tf.layers.rescaling({ inputShape: [7, 3], scale: 1 / 127.5, offset: -1 }));
    m.add(tf.layers.conv1d({ filters: 4, kernelSize: 2, activation: 'relu' }));
    m.add(tf.layers.globalAveragePooling1d({}));
    return m;
  }, (ops) => assert.deepEqual(ops, ['MUL', 'ADD', 'RESHAPE', 'CONV_2D', 'RESHAPE', 'MEAN']));
});

test('Conv2D with groups equals the ungrouped convolution with a block-diagonal kernel', async () => {
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [5, 5, 4], filters: 6, kernelSize: 3, padding: 'same', name: 'conv' }));
  randomizeWeights(m, 21);
  // Keep only the block diagonal: output channels 0-2 read input channels 0-1, 3-5 read 2-3.
  const [k, b] = m.getWeights();
  const full = k!.dataSync() as Float32Array;
  const grouped = new Float32Array(3 * 3 * 2 * 6);
  const blockDiagonal = new Float32Array(full.length);
  for (let pos = 0; pos < 9; pos++) {
    for (let ci = 0; ci < 4; ci++) {
      for (let co = 0; co < 6; co++) {
        if (Math.floor(ci / 2) !== Math.floor(co / 3)) continue;
        const v = full[(pos * 4 + ci) * 6 + co]!;
        blockDiagonal[(pos * 4 + ci) * 6 + co] = v;
        grouped[(pos * 2 + (ci % 2)) * 6 + co] = v;
      }
    }
  }
  m.setWeights([tf.tensor(blockDiagonal, [3, 3, 4, 6]), b!]);
  const plain = await saveLayers(m);
  m.dispose();
  const doc = JSON.parse(new TextDecoder().decode(plain.bytes)) as { modelTopology: { config: { layers: { config: Record<string, unknown> }[] } }; weightsManifest: { weights: { shape: number[] }[] }[] };
  doc.modelTopology.config.layers[0]!.config.groups = 2;
  doc.weightsManifest[0]!.weights[0]!.shape = [3, 3, 2, 6];
  const bias = plain.shards.get('w.bin')!.slice(full.length * 4);
  const shard = new Uint8Array(grouped.length * 4 + bias.length);
  shard.set(new Uint8Array(grouped.buffer), 0);
  shard.set(bias, grouped.length * 4);
  const groupedModel = readTflite(convertKeras({ format: 'tfjs-layers', name: 'g.json', bytes: new TextEncoder().encode(JSON.stringify(doc)), shards: new Map([['w.bin', shard]]) }).tflite);
  const plainModel = readTflite(convertKeras({ format: 'tfjs-layers', name: 'p.json', ...plain }).tflite);
  assert.deepEqual(groupedModel.subgraphs[0]!.operators.map((o) => o.opName), ['SPLIT', 'CONV_2D', 'CONV_2D', 'CONCATENATION']);
  const x = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i * 0.7));
  const got = new Interpreter(groupedModel).run([x])[0]!;
  const want = new Interpreter(plainModel).run([x])[0]!;
  assert.ok(relError(got, want) <= 1e-6, `relative error ${relError(got, want)}`);
});
