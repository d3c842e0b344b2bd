import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { randomizeWeights, saveLayers, tfjsReady } from '../unit/helpers/keras-models.ts';
import { cliAsync } from '../unit/helpers/cli.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { assertSameAsConverted, essence, modelValueHover, tightManifest, parseCount } from './helpers/converted.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

// A manifest may name a TF.js layers model.json: its figures are those of the .tflite `tinyml-lens convert` writes,
// converted in the analysis worker with its weight shards (issue 13 point 3).
let ws: TestWorkspace;
let client: LspClient;
let shard: Uint8Array;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    const tf = await tfjsReady();
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ name: 'conv', inputShape: [12, 12, 2], filters: 6, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }));
    m.add(tf.layers.flatten({ name: 'flat' }));
    m.add(tf.layers.dense({ name: 'dense', units: 4, activation: 'softmax' }));
    randomizeWeights(m, 3);
    const { bytes, shards } = await saveLayers(m);
    m.dispose();
    mkdirSync(ws.path('tfjs'));
    ws.write('tfjs/model.json', bytes);
    for (const [name, b] of shards) ws.write(join('tfjs', name), b);
    shard = shards.get('w.bin')!;
    // Older TF.js converters wrote shards without an extension: the client's *.bin watcher does not see those.
    mkdirSync(ws.path('bare'));
    ws.write('bare/model.json', new TextDecoder().decode(bytes).replace('"w.bin"', '"group1-shard1of1"'));
    ws.write('bare/group1-shard1of1', shard);
    // What the CLI writes for it.
    const c = await cliAsync('convert', ws.path('tfjs/model.json'), '--out', ws.path('net.tflite'));
    assert.equal(c.code, 0, c.err);
  },
});

const manifest = tightManifest;

test('a manifest naming a layers model.json gets the diagnostics of one naming the .tflite convert writes, figures to the byte', async () => {
  const fromJson = await assertSameAsConverted(client, ws, 'tfjs/model.json', 'net.tflite');
  // Figures to the byte, not the TF.js estimates: no estimate wording anywhere.
  assert.ok(!fromJson.some((d) => /lower bound|Estimated/i.test(JSON.stringify(d))), JSON.stringify(fromJson));
});

test('hover on a layers model.json: the converted figures, labelled as converted by TinyML Lens from a TF.js layers model', async () => {
  const { value, covers } = await modelValueHover(client, ws, 'tfjs/model.json');
  assert.match(value, /as converted by TinyML Lens \(from TF\.js layers model/);
  assert.ok(value.includes(ws.analysis('net.tflite', 'tflm-cmsis-nn').memory.minArenaBytes.toLocaleString('en-US')), value);
  assert.equal(covers, 'tfjs/model.json');
});

/** Rewrites a file on disk and tells the server, as the client's file watcher would. */
function rewrite(name: string, bytes: Uint8Array): void {
  ws.write(name, bytes);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri(name), type: 2 }] });
}

test('a weight shard rewritten on disk converts the model again; a missing shard is model-unreadable naming it', async () => {
  const uri = ws.uri('shard.tinyml.yaml');
  const text = manifest('tfjs/model.json');
  const first = await client.open(uri, text);
  const parses = (): Promise<number> => parseCount(client);
  const before = await parses();
  // Other weights of the same size: the content key changes, so the model is converted again (one parse).
  let next = client.nextDiagnostics(uri);
  rewrite('tfjs/w.bin', shard.map((b, i) => (i % 4 === 3 ? b ^ 0x01 : b)));
  assert.deepEqual(essence(await next), essence(first));
  assert.equal(await parses(), before + 1);
  // The shard gone: said on model:, naming the shard.
  next = client.nextDiagnostics(uri);
  rmSync(ws.path('tfjs/w.bin'));
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tfjs/w.bin'), type: 3 }] });
  const gone = await next;
  assert.deepEqual(gone.map((d) => d.code), ['model-unreadable']);
  assert.equal(textAt(text, gone[0]!.range), 'tfjs/model.json');
  assert.match(String(gone[0]!.message), /weight shard 'w\.bin'/);
  // Back as it was: the first figures again, from the cache (no new parse).
  next = client.nextDiagnostics(uri);
  rewrite('tfjs/w.bin', shard);
  assert.deepEqual(essence(await next), essence(first));
});

test('a converted model.json\'s shard named without .bin gets a file watcher of its own', async () => {
  const ds = await client.open(ws.uri('bare.tinyml.yaml'), 'model: bare/model.json\nbudgets: {ram: 1MiB}\n');
  assert.deepEqual(ds.map((d) => d.code), []);
  assert.ok(client.watchedGlobs.includes('**/group1-shard1of1'), JSON.stringify(client.watchedGlobs));
});

test('the model: line of a manifest naming a source model offers Quantize to int8 on that file', async () => {
  const uri = ws.uri('quantize.tinyml.yaml');
  await client.open(uri, 'model: tfjs/model.json\nbudgets: {ram: 1MiB}\n');
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } }, context: { diagnostics: [] } });
  const quantize = actions.find((a) => a.title === 'Quantize to int8');
  assert.ok(quantize, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(quantize.command?.command, 'tinymlLens.quantizeModel');
  assert.equal(quantize.command?.arguments?.[0], ws.path('tfjs/model.json'));
});
