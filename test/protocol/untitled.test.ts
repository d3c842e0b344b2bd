/**
 * Unsaved manifests: an `untitled:` document with language id `tinyml-manifest` (what the extension opens in an
 * untrusted workspace) is checked like a file. A relative model path resolves against the first workspace folder,
 * and a model not found says where it was looked for; absolute paths work as usual.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const messageOf = (d: Diagnostic | undefined): string => (typeof d?.message === 'string' ? d.message : d?.message.value ?? '');

async function hoverText(c: LspClient, uri: string, line: number, character: number): Promise<string> {
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  return h ? (h.contents as MarkupContent).value : '';
}

test('an unsaved manifest is checked, its relative model path resolved against the first workspace folder', async () => {
  const uri = 'untitled:Untitled-1';
  const ds = await client.open(uri, 'model: kws.tflite\nbudgets: {ram: 1KiB}\n');
  assert.deepEqual(ds.map((d) => d.code), ['ram-over-budget']);
  assert.equal((ds[0]!.data as { need: number }).need, ws.analysis('kws.tflite').memory.minArenaBytes);
  assert.match(await hoverText(client, uri, 0, 9), /\*\*kws\.tflite\*\* for `tflm-cmsis-nn`/);
  const profile = await client.request<{ kind: string }>('tinymlLens/costProfile', { uri });
  assert.equal(profile.kind, 'ok');
});

test('a model an unsaved manifest names but the folder lacks: model-not-found says where it looked', async () => {
  const uri = 'untitled:Untitled-2';
  const ds = await client.open(uri, 'model: models/none.tflite\n');
  assert.deepEqual(ds.map((d) => d.code), ['model-not-found']);
  assert.equal((ds[0]!.data as { path: string }).path, ws.path('models/none.tflite'));
  assert.ok(messageOf(ds[0]).includes(ws.path('models/none.tflite')), messageOf(ds[0]));
  assert.ok(messageOf(ds[0]).includes(`first workspace folder, ${ws.dir}`), messageOf(ds[0]));
  const hover = await hoverText(client, uri, 0, 9);
  assert.ok(hover.includes(ws.path('models/none.tflite')) && hover.includes('first workspace folder'), hover);
});

test('an absolute model path in an unsaved manifest is used as it is', async () => {
  const uri = 'untitled:Untitled-3';
  const ds = await client.open(uri, `model: ${ws.path('custom.tflite')}\n`);
  assert.deepEqual(ds.map((d) => d.code), ['op-unsupported']);
  assert.doesNotMatch(messageOf(ds[0]), /workspace folder/);
});

test('an untitled document of another language is not a manifest', async () => {
  const uri = 'untitled:Untitled-4';
  client.openQuietly(uri, 'model: kws.tflite\n', 'yaml');
  assert.equal(await hoverText(client, uri, 0, 9), '');
});

test('without a workspace folder, a relative path in an unsaved manifest is model-not-found with the reason', async () => {
  const alone = await LspClient.start(ws.dir, { folders: [] });
  try {
    const ds = await alone.open('untitled:Untitled-1', 'model: kws.tflite\n');
    assert.deepEqual(ds.map((d) => d.code), ['model-not-found']);
    assert.equal((ds[0]!.data as { path: unknown }).path, null);
    assert.match(messageOf(ds[0]), /none is open/);
    assert.match(await hoverText(alone, 'untitled:Untitled-1', 0, 9), /none is open/);
    const absolute = await alone.open('untitled:Untitled-2', `model: ${ws.path('kws.tflite')}\nbudgets: {ram: 1KiB}\n`);
    assert.deepEqual(absolute.map((d) => d.code), ['ram-over-budget']);
  } finally {
    await alone.stop();
  }
});
