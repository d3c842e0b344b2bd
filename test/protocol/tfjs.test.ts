import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { readTfjsModel, type TfjsModel } from '../../server/src/model/tfjs/reader.ts';
import { graphModelFiles, layersModelFiles, type TfjsFiles } from '../unit/helpers/tfjs-fixtures.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;
let layers: TfjsFiles;
let expected: TfjsModel;

function writeModel(dir: string, files: TfjsFiles, skipShards = false): void {
  mkdirSync(ws.path(dir), { recursive: true });
  ws.write(join(dir, 'model.json'), files.json);
  if (!skipShards) for (const [name, bytes] of files.shards) ws.write(join(dir, name), bytes);
}

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    layers = await layersModelFiles();
    expected = await readTfjsModel(layers.json, (p) => layers.shards.get(p)!);
    writeModel('layers', layers);
    writeModel('graph', graphModelFiles());
    writeModel('noshard', layers, true);
    writeModel('shards', layers);
    // Older TF.js converters wrote shards without an extension.
    writeModel('bare', { json: layers.json.replace('group1-shard1of1.bin', 'group1-shard1of1'), shards: new Map([['group1-shard1of1', layers.shards.get('group1-shard1of1.bin')!]]) });
  },
});

// A layers model that converts gets the converted model's figures (tfjs-converted.test.ts); this one has a layer the
// converter does not map, so it is model-not-converted with the TF.js estimates beside it.
test('a manifest on a layers model.json that does not convert: why, then unsupported layers and int8 estimates against the budgets', async () => {
  const text = 'model: layers/model.json\nbudgets: {ram: 1B, flash: 1B}\n';
  const uri = ws.uri('tfjs.tinyml.yaml');
  const ds = await client.open(uri, text);
  assert.deepEqual(ds.map((d) => d.code).sort(), ['flash-over-budget', 'model-not-converted', 'op-unsupported', 'ram-over-budget']);
  const refused = ds.find((d) => d.code === 'model-not-converted')!;
  assert.equal(textAt(text, refused.range), 'layers/model.json');
  assert.match((refused.data as { where: string }).where, /thresh/);
  const op = ds.find((d) => d.code === 'op-unsupported')!;
  assert.equal(textAt(text, op.range), 'layers/model.json');
  assert.equal((op.data as { op: string; layer: string }).op, 'ThresholdedReLU');
  assert.equal((ds.find((d) => d.code === 'ram-over-budget')!.data as { need: number }).need, expected.peakActivationBytesInt8);
  assert.equal((ds.find((d) => d.code === 'flash-over-budget')!.data as { need: number }).need, expected.weightBytesInt8);
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } });
  assert.match((hover.contents as MarkupContent).value, /^Not converted by TinyML Lens: .*thresh[\s\S]*TensorFlow\.js layers-model/);
});

test('the model.json itself: op-unsupported on the layer class, hover on each layer entry with its footprint', async () => {
  const uri = ws.uri('layers/model.json');
  const ds = await client.open(uri, layers.json, 'json');
  assert.equal(ds.length, 1, JSON.stringify(ds));
  assert.equal(textAt(layers.json, ds[0]!.range), '"ThresholdedReLU"');
  const conv = expected.layers[0]!;
  const position = (() => {
    const before = layers.json.slice(0, conv.span!.start + 2).split('\n');
    return { line: before.length - 1, character: (before[before.length - 1] ?? '').length };
  })();
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position });
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /\*\*conv\*\* \(Conv2D\)/);
  assert.match(value, /int8/);
  assert.match(value, /CONV_2D/);
});

test('a graph model: the op without a TFLite builtin is reported; a missing shard is model-unreadable, naming it', async () => {
  const ds = await client.open(ws.uri('graph.tinyml.yaml'), 'model: graph/model.json\n');
  assert.deepEqual(ds.map((d) => (d.data as { op: string }).op), ['Erf']);
  const bad = await client.open(ws.uri('noshard.tinyml.yaml'), 'model: noshard/model.json\n');
  assert.deepEqual(bad.map((d) => d.code), ['model-unreadable']);
  assert.match(String(bad[0]!.message), /weight shard 'group1-shard1of1\.bin'/);
});

test('editing a manifest on a model.json does not re-read it', async () => {
  const uri = ws.uri('tfjs-edit.tinyml.yaml');
  await client.open(uri, 'model: layers/model.json\nbudgets: {ram: 1MiB}\n');
  const before = await client.request<{ reads: number }>('tinymlLens/stats', null);
  for (let i = 0; i < 5; i++) await client.change(uri, `model: layers/model.json\nbudgets: {ram: ${i + 1}MiB}\n`);
  const after = await client.request<{ reads: number }>('tinymlLens/stats', null);
  assert.equal(after.reads, before.reads);
});

/** Rewrites a file on disk and tells the server, as the client's file watcher would. */
function rewrite(name: string, bytes: Uint8Array): void {
  ws.write(name, bytes);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri(name), type: 2 }] });
}

test('weight shards are watched: *.bin, and a shard named otherwise once a model.json names it', async () => {
  assert.ok(client.watchedGlobs.includes('**/*.bin'), JSON.stringify(client.watchedGlobs));
  await client.open(ws.uri('bare.tinyml.yaml'), 'model: bare/model.json\n');
  assert.ok(client.watchedGlobs.includes('**/group1-shard1of1'), JSON.stringify(client.watchedGlobs));
});

test('a weight shard rewritten on disk re-checks the manifests and the open model.json that name it', async () => {
  const manifest = ws.uri('shards.tinyml.yaml');
  const modelJson = ws.uri('shards/model.json');
  const before = await client.open(manifest, 'model: shards/model.json\nbudgets: {flash: 1MiB}\n');
  assert.deepEqual(before.map((d) => d.code), ['model-not-converted', 'op-unsupported']);
  assert.equal((await client.open(modelJson, layers.json, 'json')).length, 1);
  const shard = layers.shards.get('group1-shard1of1.bin')!;
  // A shard cut short (a training run still writing it): the converter finds the model broken (and no estimates).
  let next = client.nextDiagnostics(manifest);
  let nextJson = client.nextDiagnostics(modelJson);
  rewrite('shards/group1-shard1of1.bin', shard.subarray(0, 16));
  const cut = await next;
  assert.deepEqual(cut.map((d) => d.code), ['model-not-converted']);
  assert.deepEqual(await nextJson, []);
  // The whole shard back: the same diagnostics as before.
  next = client.nextDiagnostics(manifest);
  nextJson = client.nextDiagnostics(modelJson);
  rewrite('shards/group1-shard1of1.bin', shard);
  assert.deepEqual((await next).map((d) => d.code), ['model-not-converted', 'op-unsupported']);
  assert.equal((await nextJson).length, 1);
});

test('a shard without .bin re-checks its manifest too; a file no model.json names re-checks nothing', async () => {
  const manifest = ws.uri('bare.tinyml.yaml');
  const other = client.nextDiagnostics(manifest);
  rewrite('unrelated.bin', new Uint8Array(8));
  const next = client.nextDiagnostics(manifest);
  rewrite('bare/group1-shard1of1', new Uint8Array(4));
  assert.deepEqual((await next).map((d) => d.code), ['model-not-converted']);
  // The first publish after both notifications is the shard's, so the unrelated file published nothing.
  assert.deepEqual((await other).map((d) => d.code), ['model-not-converted']);
});
