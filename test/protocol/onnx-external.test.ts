import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { convertModel } from '../../server/src/convert/index.ts';
import { convNetOnnx } from '../unit/helpers/source-models.ts';
import { externalize } from '../unit/helpers/onnx-external.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { assertSameAsConverted, essence, tightManifest, parseCount } from './helpers/converted.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

// A manifest may name a PyTorch export that keeps its weights in model.onnx.data: the server reads the data file
// beside the model (confined, capped), converts with it in the worker, and follows it on disk like a weight shard.
let ws: TestWorkspace;
let client: LspClient;
const ext = externalize(convNetOnnx(), 'net.onnx.data');

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    ws.write('net.onnx', ext.onnx);
    ws.write('net.onnx.data', ext.data);
    // The bytes `tinyml-lens convert` writes for it (the same convertModel, the data file passed by location).
    ws.write('net.tflite', convertModel({ format: 'onnx', name: 'net.onnx', bytes: ext.onnx, shards: new Map([['net.onnx.data', ext.data]]) }).tflite);
  },
});

function changed(name: string, type: 1 | 2 | 3): void {
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri(name), type }] });
}

test('a manifest naming an .onnx with external data gets the figures of the .tflite convert writes', async () => {
  await assertSameAsConverted(client, ws, 'net.onnx', 'net.tflite');
  assert.ok(client.watchedGlobs.includes('**/net.onnx.data'), JSON.stringify(client.watchedGlobs));
});

test('the data file rewritten converts again; gone, model: says which file and tensor; back, the first figures', async () => {
  const uri = ws.uri('data.tinyml.yaml');
  const text = tightManifest('net.onnx');
  const first = await client.open(uri, text);
  const parses = (): Promise<number> => parseCount(client);
  const before = await parses();
  let next = client.nextDiagnostics(uri);
  ws.write('net.onnx.data', ext.data.map((b, i) => (i % 4 === 0 ? b ^ 0x01 : b)));
  changed('net.onnx.data', 2);
  assert.deepEqual(essence(await next), essence(first));
  assert.equal(await parses(), before + 1);
  next = client.nextDiagnostics(uri);
  rmSync(ws.path('net.onnx.data'));
  changed('net.onnx.data', 3);
  const gone = await next;
  assert.deepEqual(gone.map((d) => d.code), ['model-unreadable']);
  assert.equal(textAt(text, gone[0]!.range), 'net.onnx');
  assert.match(String(gone[0]!.message), /external data file 'net\.onnx\.data' \(of tensor 'w'\)/);
  next = client.nextDiagnostics(uri);
  ws.write('net.onnx.data', ext.data);
  changed('net.onnx.data', 1);
  assert.deepEqual(essence(await next), essence(first));
});
