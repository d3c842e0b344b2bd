import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeTfjs, tfjsNeeds } from '../../server/src/analysis/tfjs.ts';
import { readTfjsModel } from '../../server/src/model/tfjs/reader.ts';
import { graphModelFiles, layersModelFiles, type TfjsFiles } from './helpers/tfjs-fixtures.ts';

const read = (files: TfjsFiles) => readTfjsModel(files.json, (path) => files.shards.get(path)!);

test('a layers model: ThresholdedReLU has no TFLite builtin, the rest runs; estimates are the int8 lower bounds', async () => {
  const report = analyzeTfjs(await read(await layersModelFiles()), 'tflm-cmsis-nn');
  assert.equal(report.status, 'unsupported');
  assert.deepEqual(report.unsupportedLayers.map((u) => [u.index, u.name, u.tflite]), [[2, 'thresh', null]]);
  assert.deepEqual(report.layers.map((l) => l.unsupported === null), [true, true, false, true, true]);
  // Flash: int8 kernels + int32 biases; RAM: the conv's 8x8x1 input + 6x6x4 output.
  assert.deepEqual(report.estimate, { exact: false, ramBytes: 64 + 144, flashBytes: 36 + 16 + 108 + 12 });
});

test('a graph model: Erf has no TFLite builtin', async () => {
  const report = analyzeTfjs(await read(graphModelFiles()), 'tflm-reference');
  assert.deepEqual(report.unsupportedLayers.map((u) => u.className), ['Erf']);
  assert.equal(report.format, 'graph-model');
});

test('needs add the reserves and the safety margin on RAM', async () => {
  const model = await read(await layersModelFiles());
  assert.deepEqual(tfjsNeeds(model, { reserveRamBytes: 92, reserveFlashBytes: 1000, marginPercent: 10 }), { ram: 300 + 30, flash: 172 + 1000 });
});
