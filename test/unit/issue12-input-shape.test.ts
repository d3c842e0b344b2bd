import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { dynamicInputs, InputShapeError, withInputShapes } from '../../server/src/analysis/shapes.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const Q = { scale: [0.05], zeroPoint: [0] };

/** int8 image model with open height and width: CONV_2D 3x3 stride 2 SAME, RELU, then a RESHAPE to [1, -1, 8]. */
function openImageModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'image', shape: [1, 1, 1, 3], shapeSignature: [1, -1, -1, 3], dtype: 'INT8', quant: Q });
  const w = g.constant({ name: 'w', shape: [8, 3, 3, 3], dtype: 'INT8', quant: Q, data: Array(8 * 27).fill(1) });
  const b = g.constant({ name: 'b', shape: [8], dtype: 'INT32', quant: { scale: [0.0025], zeroPoint: [0] }, data: Array(8).fill(0) });
  const c = g.op('CONV_2D', { inputs: [x, w, b], output: { name: 'conv', shape: [1, 1, 1, 8], shapeSignature: [1, -1, -1, 8], dtype: 'INT8', quant: Q }, options: { padding: 'SAME', strideW: 2, strideH: 2, fusedActivationFunction: 'NONE' } });
  const r = g.op('RELU', { inputs: [c], output: { name: 'relu', shape: [1, 1, 1, 8], shapeSignature: [1, -1, -1, 8], dtype: 'INT8', quant: Q } });
  const s = g.constant({ name: 'new_shape', shape: [3], dtype: 'INT32', data: [1, -1, 8] });
  g.output(g.op('RESHAPE', { inputs: [r, s], output: { name: 'flat', shape: [1, 1, 8], shapeSignature: [1, -1, 8], dtype: 'INT8', quant: Q } }));
  return m.finish();
}

const path = join(tempDir(), 'open.tflite');
writeFileSync(path, openImageModel());

test('a dynamic input is found and warned about in text, JSON and SARIF; a dynamic batch alone is not', () => {
  const model = readTflite(openImageModel());
  assert.deepEqual(dynamicInputs(model).map((d) => [d.position, d.name, d.signature]), [[0, 'image', [1, -1, -1, 3]]]);
  assert.match(cli('analyze', path).out, /^note\s+Input 0 \(image\) has a dynamic shape \[1, -1, -1, 3\]: it is analysed at the stored shape \[1, 1, 1, 3\]/m);
  const json = JSON.parse(cli('analyze', path, '--format', 'json').out) as { dynamicInputs: unknown[] };
  assert.equal(json.dynamicInputs.length, 1);
  const sarif = JSON.parse(cli('analyze', path, '--format', 'sarif').out) as { runs: { results: { ruleId: string; level: string }[] }[] };
  assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level]), [['dynamic-input-shape', 'warning']]);
  const batchOnly = new ModelBuilder();
  const g = batchOnly.subgraph('main');
  g.output(g.op('RELU', { inputs: [g.input({ name: 'x', shape: [1, 4], shapeSignature: [-1, 4], dtype: 'FLOAT32' })], output: { name: 'y', shape: [1, 4], shapeSignature: [-1, 4], dtype: 'FLOAT32' } }));
  assert.deepEqual(dynamicInputs(readTflite(batchOnly.finish())), []);
});

test('--input-shape analyses the given shape, propagated through CONV_2D, RELU and RESHAPE', () => {
  const before = JSON.parse(cli('analyze', path, '--format', 'json').out) as { memory: { arenaUsedBytes: number } };
  for (const given of ['0=1,96,96,3', 'image=1,96,96,3']) {
    const r = cli('analyze', path, '--input-shape', given, '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { dynamicInputs: unknown[]; memory: { arenaUsedBytes: number; notes: string[] }; layers: { op: string; outputShape: number[] }[] };
    assert.deepEqual(j.layers.map((l) => [l.op, l.outputShape]), [['CONV_2D', [1, 48, 48, 8]], ['RELU', [1, 48, 48, 8]], ['RESHAPE', [1, 48 * 48, 8]]]);
    assert.deepEqual(j.dynamicInputs, []);
    assert.ok(j.memory.arenaUsedBytes >= before.memory.arenaUsedBytes + 96 * 96 * 3 + 2 * 48 * 48 * 8 - 48 * 48 * 8);
    assert.ok(j.memory.notes.some((n) => /Input 0 \(image\) analysed at \[1, 96, 96, 3\]/.test(n)));
  }
  // The core on its own: the copy changes, the parsed model does not.
  const model = readTflite(openImageModel());
  const shaped = withInputShapes(model, [{ input: 0, shape: [1, 32, 32, 3] }]);
  assert.deepEqual(shaped.model.subgraphs[0]!.tensors.find((t) => t.name === 'conv')?.shape, [1, 16, 16, 8]);
  assert.deepEqual(model.subgraphs[0]!.tensors.find((t) => t.name === 'conv')?.shape, [1, 1, 1, 8]);
  assert.ok(analyzeModel(shaped.model, 'tflm-reference').memory.arenaUsedBytes > analyzeModel(model, 'tflm-reference').memory.arenaUsedBytes);
});

test('an op whose output shape is not derived here is named, and its output keeps the stored shape', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 2, 2, 4], shapeSignature: [1, -1, -1, 4], dtype: 'FLOAT32' });
  g.output(g.op('SPACE_TO_DEPTH', { inputs: [x], output: { name: 'y', shape: [1, 1, 1, 16], shapeSignature: [1, -1, -1, 16], dtype: 'FLOAT32' } }));
  const shaped = withInputShapes(readTflite(m.finish()), [{ input: 'x', shape: [1, 8, 8, 4] }]);
  assert.deepEqual(shaped.unresolved, [{ index: 0, op: 'SPACE_TO_DEPTH', tensor: 'y' }]);
  assert.deepEqual(shaped.model.subgraphs[0]!.tensors.find((t) => t.name === 'y')?.shape, [1, 1, 1, 16]);
});

test('--input-shape that does not fit the model is a located usage error, exit 2', () => {
  const cases: [string, RegExp][] = [
    ['0=1,96,96', /has 4 dimensions \[1, -1, -1, 3\], the shape given has 3/],
    ['0=1,96,96,4', /dimension 3 of input 0 \(image\) is fixed at 3/],
    ['pixels=1,96,96,3', /no input named 'pixels'; its inputs are 0 \(image\)/],
    ['0=1,x,96,3', /needs NAME_OR_INDEX=D,D,\.\.\./],
  ];
  for (const [given, why] of cases) {
    const r = cli('analyze', path, '--input-shape', given);
    assert.equal(r.code, 2, given);
    assert.match(r.err, why);
    assert.equal(r.out, '');
  }
  assert.match(cli('compile', path, '--input-shape', '0=1,2,2,3').err, /--input-shape fixes an input of a source model .*analyze and fit take --input-shape for a \.tflite/);
  assert.throws(() => withInputShapes(readTflite(openImageModel()), [{ input: 3, shape: [1] }]), InputShapeError);
});

test('--input-shape works with --target and with fit', () => {
  const t = cli('analyze', path, '--target', 'cortex-m4f', '--input-shape', '0=1,64,64,3', '--format', 'json');
  assert.equal(t.code, 0, t.err);
  assert.deepEqual((JSON.parse(t.out) as { layers: { outputShape: number[] }[] }).layers[0]!.outputShape, [1, 32, 32, 8]);
  const small = JSON.parse(cli('fit', path, '--format', 'json').out) as unknown;
  const big = JSON.parse(cli('fit', path, '--input-shape', '0=1,200,200,3', '--format', 'json').out) as unknown;
  assert.notDeepEqual(small, big);
});
