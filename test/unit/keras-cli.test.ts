import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliAsync } from './helpers/cli.ts';
import { randomizeWeights, saveLayers, tfjsReady } from './helpers/keras-models.ts';

let root = '';
before(() => { root = mkdtempSync(join(tmpdir(), 'tinyml-keras-cli-')); });
after(() => rmSync(root, { recursive: true, force: true }));

async function writeModel(name: string, withUnmapped: boolean): Promise<string> {
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }));
  if (withUnmapped) m.add(tf.layers.thresholdedReLU({ name: 'thresh' }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  randomizeWeights(m, 4);
  const { bytes, shards } = await saveLayers(m);
  m.dispose();
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), bytes);
  for (const [p, b] of shards) writeFileSync(join(dir, p), b);
  return join(dir, 'model.json');
}

test('analyze model.json gives exact arena and flash as converted by TinyML Lens, at least the lower-bound estimate', async () => {
  const path = await writeModel('ok', false);
  const text = await cliAsync('analyze', path);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /arena \(exact\)\s+.+ int8, .+ float32: as converted by TinyML Lens \(4 ops, tflm-cmsis-nn\)/);
  const json = await cliAsync('analyze', path, '--format', 'json');
  const doc = JSON.parse(json.out) as { estimate: { ramBytes: number; flashBytes: number }; converted: { exact: boolean; int8: { arenaBytes: number; tfliteBytes: number; status: string }; float32: { arenaBytes: number } } };
  assert.equal(doc.converted.exact, true);
  assert.equal(doc.converted.int8.status, 'ok');
  assert.ok(Number.isSafeInteger(doc.converted.int8.arenaBytes));
  assert.ok(doc.converted.int8.arenaBytes >= doc.estimate.ramBytes, `exact ${doc.converted.int8.arenaBytes} >= lower bound ${doc.estimate.ramBytes}`);
  assert.ok(doc.converted.int8.tfliteBytes >= doc.estimate.flashBytes, `exact ${doc.converted.int8.tfliteBytes} >= lower bound ${doc.estimate.flashBytes}`);
  assert.ok(doc.converted.float32.arenaBytes > doc.converted.int8.arenaBytes);
});

test('a layer the converter does not map: the estimate stays, and the reason names the layer', async () => {
  const path = await writeModel('thresh', true);
  const text = await cliAsync('analyze', path);
  assert.equal(text.code, 1, text.err);
  assert.match(text.out, /as converted\s+not converted by TinyML Lens: unsupported-op: thresh \(ThresholdedReLU\)/);
  const json = JSON.parse((await cliAsync('analyze', path, '--format', 'json')).out) as { converted: { error: string } };
  assert.match(json.converted.error, /thresh \(ThresholdedReLU\)/);
});

test('convert takes a TF.js layers model.json with its shards; it never overwrites without --force; a missing shard is exit 2 naming it', async () => {
  const path = await writeModel('convert', false);
  const out = join(root, 'convert', 'model.tflite');
  const r = await cliAsync('convert', path, '--out', out, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { format: string; ops: Record<string, number>; bytes: number };
  assert.equal(doc.format, 'tfjs-layers');
  assert.deepEqual(Object.keys(doc.ops).sort(), ['CONV_2D', 'FULLY_CONNECTED', 'RESHAPE', 'SOFTMAX']);
  const again = await cliAsync('convert', path, '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.err, /not overwriting .*model\.tflite \(use --force/);
  // A shard that is not there: exit 2 naming it, nothing written.
  const shard = readdirSync(join(root, 'convert')).find((f) => f.endsWith('.bin'))!;
  rmSync(join(root, 'convert', shard));
  const missing = await cliAsync('convert', path, '--out', join(root, 'convert', 'other.tflite'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, new RegExp(`cannot read weight shard '${shard.replace('.', '\\.')}'`));
  assert.ok(!existsSync(join(root, 'convert', 'other.tflite')), 'nothing written');
});

test('convert names an unmapped Keras layer with exit 1', async () => {
  const path = await writeModel('convert-thresh', true);
  const r = await cliAsync('convert', path, '--out', join(root, 'convert-thresh', 'm.tflite'));
  assert.equal(r.code, 1);
  assert.match(r.err, /thresh \(ThresholdedReLU\)/);
});
