import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeTfjs, tfjsLayerProblem } from '../../server/src/analysis/tfjs.ts';
import { readTfjsModel } from '../../server/src/model/tfjs/reader.ts';
import { castGraphFiles, layersModelFiles, nestedModelFiles, type TfjsFiles } from './helpers/tfjs-fixtures.ts';

const reader = (files: TfjsFiles) => (path: string): Uint8Array => {
  const bytes = files.shards.get(path);
  if (!bytes) throw new Error(`no shard ${path}`);
  return bytes;
};

test('a Sequential of Sequentials (Teachable Machine) is read as its inner layers, named outer/inner, with their JSON spans', async () => {
  const files = await nestedModelFiles();
  const m = await readTfjsModel(files.json, reader(files));
  assert.deepEqual(m.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
  assert.deepEqual(m.layers.map((l) => l.name), ['base/conv', 'base/pool', 'base/flat', 'head/dense']);
  assert.deepEqual(m.layers.map((l) => l.tflite), [['CONV_2D'], ['MAX_POOL_2D'], ['RESHAPE'], ['FULLY_CONNECTED', 'SOFTMAX']]);
  assert.equal(m.params, 40 + 111);
  for (const l of m.layers) {
    assert.ok(l.span, l.name);
    const entry = JSON.parse(files.json.slice(l.span.start, l.span.end)) as { config: { name: string } };
    assert.equal(entry.config.name, l.name.split('/').pop());
  }
  // Nothing is unsupported: the nested models are not layers TFLM would have to run.
  const report = analyzeTfjs(m, 'tflm-cmsis-nn');
  assert.deepEqual(report.unsupportedLayers, []);
  assert.equal(report.status, 'ok');
});

test('the flat model and its nested twin have the same figures', async () => {
  const flat = await layersModelFiles();
  const nested = await nestedModelFiles();
  const a = await readTfjsModel(flat.json, reader(flat));
  const b = await readTfjsModel(nested.json, reader(nested));
  const conv = (m: typeof a) => m.layers.find((l) => l.className === 'Conv2D');
  assert.deepEqual(conv(b)?.outputShapes, conv(a)?.outputShapes);
  assert.equal(b.peakActivationBytesInt8, a.peakActivationBytesInt8);
});

test('a graph Cast from int64 fails at Invoke in TFLM (cast.cc has no INT64 input case); from int32 it runs', async () => {
  const int64 = await readTfjsModel(castGraphFiles('DT_INT64').json, () => new Uint8Array());
  const cast = int64.layers.find((l) => l.className === 'Cast');
  assert.deepEqual(cast?.dtypes, { input: 'INT64', output: 'FLOAT32' });
  for (const kernels of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    assert.match(tfjsLayerProblem(cast!, kernels) ?? '', /^Cast becomes CAST, which fails at Invoke: TFLM's CAST prepares a INT64 input 0.*no INT64 case/);
  }
  const int32 = await readTfjsModel(castGraphFiles('DT_INT32').json, () => new Uint8Array());
  assert.equal(tfjsLayerProblem(int32.layers.find((l) => l.className === 'Cast')!, 'tflm-cmsis-nn'), null);
  // A Cast to a type TFLM's CAST cannot write (UINT8) is named too.
  const toU8 = await readTfjsModel(castGraphFiles('DT_FLOAT', 'DT_UINT8').json, () => new Uint8Array());
  assert.match(tfjsLayerProblem(toU8.layers.find((l) => l.className === 'Cast')!, 'tflm-reference') ?? '', /no case for a UINT8 output/);
});
