import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFormatError } from '../../server/src/model/errors.ts';
import { indexJsonSpans } from '../../server/src/model/tfjs/json-spans.ts';
import { kerasToTflite } from '../../server/src/model/tfjs/ops.ts';
import { isTfjsModelJson, readTfjsModel } from '../../server/src/model/tfjs/reader.ts';
import { graphModelFiles, layersModelFiles, type TfjsFiles } from './helpers/tfjs-fixtures.ts';

const reader = (files: TfjsFiles) => (path: string): Uint8Array => {
  const bytes = files.shards.get(path);
  if (!bytes) throw new Error(`no shard ${path}`);
  return bytes;
};

test('a layers model: per-layer params, output shapes, float32 and int8 footprints, TFLite lowering, JSON spans', async () => {
  const files = await layersModelFiles();
  assert.ok(isTfjsModelJson(files.json));
  const m = await readTfjsModel(files.json, reader(files));
  assert.equal(m.format, 'layers-model');
  assert.deepEqual(m.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'ThresholdedReLU', 'Flatten', 'Dense']);
  const [conv, pool, thresh, flat, dense] = m.layers;
  assert.deepEqual(conv!.outputShapes, [[1, 6, 6, 4]]);
  assert.equal(conv!.params, 3 * 3 * 1 * 4 + 4);
  assert.equal(conv!.weightBytesFloat32, 4 * 40);
  assert.equal(conv!.weightBytesInt8, 36 + 4 * 4);
  assert.equal(conv!.activationBytesFloat32, 4 * 144);
  assert.equal(conv!.activationBytesInt8, 144);
  assert.deepEqual(pool!.outputShapes, [[1, 3, 3, 4]]);
  assert.deepEqual(flat!.outputShapes, [[1, 36]]);
  assert.equal(dense!.params, 36 * 3 + 3);
  assert.deepEqual(conv!.tflite, ['CONV_2D']);
  assert.deepEqual(dense!.tflite, ['FULLY_CONNECTED', 'SOFTMAX']);
  assert.equal(thresh!.tflite, null);
  assert.equal(m.params, 40 + 111);
  // Peak: the conv's 8x8x1 input plus its 6x6x4 output, in int8.
  assert.equal(m.peakActivationBytesInt8, 64 + 144);
  for (const l of m.layers) {
    assert.ok(l.span, l.name);
    const entry = JSON.parse(files.json.slice(l.span.start, l.span.end)) as { config: { name: string } };
    assert.equal(entry.config.name, l.name);
  }
});

test('a graph model: ops with constants as params, shapes from one run on zeros, spans on the node entries', async () => {
  const files = graphModelFiles();
  const m = await readTfjsModel(files.json, reader(files));
  assert.equal(m.format, 'graph-model');
  assert.deepEqual(m.layers.map((l) => l.className), ['MatMul', 'BiasAdd', 'Relu', 'Erf']);
  assert.deepEqual(m.layers.map((l) => l.params), [12, 3, 0, 0]);
  assert.deepEqual(m.layers.map((l) => l.outputShapes), [[[1, 3]], [[1, 3]], [[1, 3]], [[1, 3]]]);
  assert.deepEqual(m.layers.map((l) => l.tflite), [['FULLY_CONNECTED'], ['ADD'], ['RELU'], null]);
  const erf = m.layers[3]!;
  assert.equal((JSON.parse(files.json.slice(erf.span!.start, erf.span!.end)) as { name: string }).name, 'erf');
});

test('bad input is a ModelFormatError: not JSON, no topology, a missing shard', async () => {
  const files = await layersModelFiles();
  await assert.rejects(readTfjsModel('{nope', reader(files)), (e) => e instanceof ModelFormatError && e.code === 'not-a-model');
  await assert.rejects(readTfjsModel('{"format": "layers-model"}', reader(files)), (e) => e instanceof ModelFormatError && e.code === 'not-a-model');
  await assert.rejects(readTfjsModel(files.json, () => { throw new Error('ENOENT'); }), (e) => e instanceof ModelFormatError && e.code === 'truncated');
  await assert.rejects(readTfjsModel(files.json, () => new Uint8Array(3)), (e) => e instanceof ModelFormatError);
});

test('JSON spans index members and elements', () => {
  const text = '{"a": [1, {"b": "x,]"}], "c": true}';
  const spans = indexJsonSpans(text);
  const at = (p: string): string => text.slice(spans.get(p)!.start, spans.get(p)!.end);
  assert.equal(at('a.0'), '1');
  assert.equal(at('a.1'), '{"b": "x,]"}');
  assert.equal(at('a.1.b'), '"x,]"');
  assert.equal(at('c'), 'true');
});

test('Keras lowering: fused activations, separate activations, unknown classes', () => {
  assert.deepEqual(kerasToTflite('Conv2D', { activation: 'relu6' }), ['CONV_2D']);
  assert.deepEqual(kerasToTflite('Conv2D', { activation: 'sigmoid' }), ['CONV_2D', 'LOGISTIC']);
  assert.deepEqual(kerasToTflite('Activation', { activation: 'swish' }), ['LOGISTIC', 'MUL']);
  assert.deepEqual(kerasToTflite('Dropout', {}), []);
  assert.equal(kerasToTflite('NoSuchLayer', {}), null);
  assert.deepEqual(kerasToTflite('ReLU', { max_value: 6 }), ['RELU6']);
});

test('a short weight shard is a located error naming the shard and the bytes its group needs; a whole one reads', async () => {
  const files = await layersModelFiles();
  const whole = files.shards.get('group1-shard1of1.bin')!;
  const cut = { ...files, shards: new Map([['group1-shard1of1.bin', whole.subarray(0, whole.length - 4)]]) };
  await assert.rejects(readTfjsModel(cut.json, reader(cut)), (e: unknown) => e instanceof ModelFormatError && e.code === 'truncated' &&
    e.where === 'weightsManifest[0]' && e.message.includes(`'group1-shard1of1.bin' is short: weight group 0 needs ${whole.length} B, it holds ${whole.length - 4} B`));
  const longer = { ...files, shards: new Map([['group1-shard1of1.bin', Uint8Array.from([...whole, 0, 0, 0, 0])]]) };
  assert.equal((await readTfjsModel(longer.json, reader(longer))).layers.length, 5);
});
