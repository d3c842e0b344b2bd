import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

interface Stats {
  reads: number;
  parses: number;
  analyses: number;
}
/** The cache counters only (the response also carries the server's memory, which varies). */
const stats = async (): Promise<Stats> => {
  const { reads, parses, analyses } = await client.request<Stats>('tinymlLens/stats', null);
  return { reads, parses, analyses };
};
const lensTitle = async (uri: string): Promise<string> =>
  (await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }))[0]?.command?.title ?? '';
const FileChanged = 2;
const FileDeleted = 3;

test('two manifests share one read and one analysis of their model; edits never re-read it', async () => {
  const a = ws.uri('a.tinyml.yaml');
  const b = ws.uri('b.tinyml.yaml');
  await client.open(a, 'model: kws.tflite\nbudgets: {ram: 100KiB}\n');
  await client.open(b, 'model: ./kws.tflite\nbudgets: {flash: 1MiB}\n');
  const start = await stats();
  assert.deepEqual(start, { reads: 1, parses: 1, analyses: 1 });
  for (let i = 0; i < 20; i++) await client.change(a, `model: kws.tflite\nbudgets: {ram: ${100 + i}KiB}\n`);
  assert.deepEqual(await stats(), start);
  // Another runtime is another analysis of the same bytes, still without reading the file again.
  await client.change(b, 'model: kws.tflite\nruntime: tflm-reference\n');
  assert.deepEqual(await stats(), { reads: 1, parses: 1, analyses: 2 });
});

test('a model changed on disk re-checks every manifest using it', async () => {
  const a = ws.uri('a.tinyml.yaml');
  const b = ws.uri('b.tinyml.yaml');
  const sineLayers = ws.analysis('sine.tflite').layers.length;
  const kwsLayers = ws.analysis('kws.tflite').layers.length;
  assert.notEqual(sineLayers, kwsLayers);
  assert.ok((await lensTitle(a)).includes(`${kwsLayers} layers`));
  const before = await stats();

  ws.write('kws.tflite', readFileSync(ws.path('sine.tflite')));
  const republishedA = client.nextDiagnostics(a);
  const republishedB = client.nextDiagnostics(b);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('kws.tflite'), type: FileChanged }] });
  await Promise.all([republishedA, republishedB]);
  assert.equal((await stats()).reads, before.reads + 1);
  assert.ok((await lensTitle(a)).includes(`${sineLayers} layers`), await lensTitle(a));
  assert.ok((await lensTitle(b)).includes(`${sineLayers} layers`));
});

test('a deleted model turns into model-not-found without any edit', async () => {
  const a = ws.uri('a.tinyml.yaml');
  rmSync(ws.path('kws.tflite'));
  const republished = client.nextDiagnostics(a);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('kws.tflite'), type: FileDeleted }] });
  assert.deepEqual((await republished).map((d) => d.code), ['model-not-found']);
});
