import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cli, cliAsync } from './helpers/cli.ts';
import { graphModelFiles, layersModelFiles, type TfjsFiles } from './helpers/tfjs-fixtures.ts';

let root = '';
let layers: TfjsFiles;

/** Writes model.json and its shards (`shard` may replace or drop one) into a new folder; returns the model.json path. */
function write(name: string, files: TfjsFiles, shard?: (path: string, bytes: Uint8Array) => Uint8Array | null): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), files.json);
  for (const [path, bytes] of files.shards) {
    const data = shard ? shard(path, bytes) : bytes;
    if (data) writeFileSync(join(dir, path), data);
  }
  return join(dir, 'model.json');
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'tinyml-cli-tfjs-'));
  layers = await layersModelFiles();
});
after(() => rmSync(root, { recursive: true, force: true }));

test('analyze model.json: a per-layer table with TFLite ops and verdicts, estimates labelled, exit 1 for ThresholdedReLU', async () => {
  const path = write('text', layers);
  const r = await cliAsync('analyze', path);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /TensorFlow\.js layers-model\) on tflm-cmsis-nn/);
  const row = (name: string): string => r.out.split('\n').find((l) => new RegExp(`^\\d+\\s+${name}\\s`).test(l)) ?? '';
  assert.match(row('conv'), /Conv2D\s+CONV_2D\s+\[1,6,6,4\]\s+40\s+160\s+52\s+ok$/);
  assert.match(row('dense'), /Dense\s+FULLY_CONNECTED SOFTMAX\s+\[1,3\]\s+111\s+444\s+120\s+ok$/);
  assert.match(row('thresh'), /ThresholdedReLU\s+\(no builtin\)\s+\[1,3,3,4\].*UNSUPPORTED$/);
  assert.match(r.out, /RAM estimate\s+208 B .*lower bound/);
  assert.match(r.out, /flash estimate\s+172 B /);
  assert.match(r.out, /unsupported\s+layer 2 'thresh' \(ThresholdedReLU\)/);
});

test('analyze model.json --format json: the documented fields', async () => {
  const r = await cliAsync('analyze', write('json', layers), '--format', 'json', '--runtime', 'tflm-reference');
  assert.equal(r.code, 1, r.err);
  const doc = JSON.parse(r.out) as Record<string, unknown> & { layers: { name: string; tflite: string[] | null; outputShapes: number[][]; params: number; weightBytesInt8: number; unsupported: string | null }[]; unsupportedLayers: { index: number; name: string; reason: string }[] };
  assert.deepEqual(Object.keys(doc), ['model', 'runtime', 'kind', 'format', 'status', 'unsupportedLayers', 'estimate', 'params', 'weightBytesFloat32', 'weightBytesInt8',
    'peakActivationBytesFloat32', 'peakActivationBytesInt8', 'shardBytes', 'layers', 'notes', 'converted']);
  assert.equal(doc.runtime, 'tflm-reference');
  assert.equal(doc.kind, 'tfjs');
  assert.equal(doc.format, 'layers-model');
  assert.equal(doc.status, 'unsupported');
  assert.deepEqual(doc.estimate, { exact: false, ramBytes: 208, flashBytes: 172 });
  assert.deepEqual(doc.unsupportedLayers.map((u) => [u.index, u.name]), [[2, 'thresh']]);
  assert.deepEqual(doc.layers.map((l) => l.name), ['conv', 'pool', 'thresh', 'flat', 'dense']);
  assert.deepEqual(doc.layers[0], { index: 0, name: 'conv', className: 'Conv2D', tflite: ['CONV_2D'], outputShapes: [[1, 6, 6, 4]], params: 40,
    weightBytesFloat32: 160, weightBytesInt8: 52, activationBytesFloat32: 576, activationBytesInt8: 144, unsupported: null });
  assert.equal(doc.shardBytes, 604);
});

test('a model.json TFLM can run in full exits 0', async () => {
  // The layers model without its ThresholdedReLU: Conv2D -> MaxPooling2D -> Flatten -> Dense.
  const json = JSON.parse(layers.json) as { modelTopology: { model_config?: { config: { layers: { class_name: string }[] } }; config?: { layers: { class_name: string }[] } } };
  const config = json.modelTopology.model_config?.config ?? json.modelTopology.config!;
  config.layers = config.layers.filter((l) => l.class_name !== 'ThresholdedReLU');
  const r = await cliAsync('analyze', write('clean', { json: JSON.stringify(json), shards: layers.shards }));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /status\s+ok/);
  assert.doesNotMatch(r.out, /UNSUPPORTED/);
});

test('a graph model: Erf has no TFLite builtin; SARIF has one result on its node entry', async () => {
  const files = graphModelFiles();
  const path = write('graph', files);
  const text = await cliAsync('analyze', path);
  assert.equal(text.code, 1, text.err);
  assert.match(text.out, /TensorFlow\.js graph-model/);
  assert.match(text.out, /^0\s+mm\s+MatMul\s+FULLY_CONNECTED\s+\[1,3\]\s+12\s/m);
  const sarif = await cliAsync('analyze', path, '--format', 'sarif');
  assert.equal(sarif.code, 1);
  const results = (JSON.parse(sarif.out) as { runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { region?: { charOffset: number; charLength: number } } }[] }[] }[] }).runs[0]!.results;
  assert.deepEqual(results.map((x) => x.ruleId), ['op-unsupported']);
  assert.match(results[0]!.message.text, /layer 3 'erf' \(Erf\)/);
  const region = results[0]!.locations[0]!.physicalLocation.region!;
  assert.equal((JSON.parse(files.json.slice(region.charOffset, region.charOffset + region.charLength)) as { name: string }).name, 'erf');
});

test('a missing shard and a short shard: exit 2, the shard named', async () => {
  const missing = await cliAsync('analyze', write('missing', layers, () => null));
  assert.equal(missing.code, 2);
  assert.equal(missing.out, '');
  assert.match(missing.err, /group1-shard1of1\.bin' cannot be read: no such file \(.*missing[\\/]group1-shard1of1\.bin\)/);
  const short = await cliAsync('analyze', write('short', layers, (_, b) => b.subarray(0, b.length - 8)), '--format', 'sarif');
  assert.equal(short.code, 2);
  assert.match(short.err, /short[\\/]model\.json: .*'group1-shard1of1\.bin' is short: weight group 0 needs 604 B, it holds 596 B/);
  const results = (JSON.parse(short.out) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results;
  assert.deepEqual(results.map((x) => x.ruleId), ['model-malformed']);
});

test('a model.json that is not a TF.js model, or no file: exit 2', async () => {
  const dir = join(root, 'bad');
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), '{"hello": 1}');
  const bad = await cliAsync('analyze', join(dir, 'model.json'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /modelTopology.*not a TensorFlow\.js model\.json/);
  const none = await cliAsync('analyze', join(dir, 'nothing.json'));
  assert.equal(none.code, 2);
  assert.match(none.err, /no such file/);
});

test('compile, quantize, fit and analyze --target/--clock convert a layers model.json: its unmapped layer is exit 1, named', async () => {
  const path = write('usage', layers);
  for (const args of [['compile', path], ['quantize', path, '--out', join(root, 'x.tflite'), '--random', '4'], ['fit', path], ['analyze', path, '--target', 'nrf52840'], ['analyze', path, '--clock', '64MHz', '--target', 'cortex-m4f']]) {
    const r = await cliAsync(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /model\.json: .*\(ThresholdedReLU\)/, args.join(' '));
    assert.doesNotMatch(r.err, /needs a \.tflite/);
  }
});

test('the synchronous entry refuses a model.json analysis instead of returning a promise', () => {
  assert.throws(() => cli('analyze', join(root, 'text', 'model.json')), /asynchronous/);
});
