/**
 * Settings per workspace folder: two folders with the same manifest text, a client that answers
 * `workspace/configuration` differently per `scopeUri`, and every check, hover, listing and request using the
 * settings of the folder that holds its document (a listing or a model request: the model's folder).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

const A = { defaultRuntime: 'tflm-cmsis-nn', defaultTarget: '', safetyMargin: 0 };
let B: Record<string, unknown> = { defaultRuntime: 'tflm-reference', defaultTarget: 'atsamd21g18', safetyMargin: 50 };
/** Documents in no folder get their own answer. */
const OUTSIDE = { safetyMargin: 10 };

const folderUri = (name: string): string => pathToFileURL(ws.path(name)).href;
const answer = (scopeUri: string | undefined): Record<string, unknown> =>
  scopeUri?.startsWith(`${folderUri('b')}/`) ? B : scopeUri?.startsWith(`${folderUri('a')}/`) ? A : OUTSIDE;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    for (const f of ['a', 'b']) {
      mkdirSync(ws.path(f));
      copyFileSync(ws.path('kws.tflite'), ws.path(`${f}/kws.tflite`));
    }
  },
  folders: (w) => [w.path('a'), w.path('b')],
  settings: (scopeUri) => answer(scopeUri),
});

const TEXT = 'model: kws.tflite\nbudgets: {ram: 1B}\nreserve: {ram: 1KiB}\n';
const need = (ds: Diagnostic[], code: string): number | undefined => (ds.find((d) => d.code === code)?.data as { need?: number } | undefined)?.need;
const withMargin = (bytes: number, percent: number): number => bytes + Math.ceil((bytes * percent) / 100);

async function modelHover(uri: string): Promise<string> {
  const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
  return (h.contents as MarkupContent).value;
}

test('the same manifest in two folders gets each folder\'s runtime, target and safety margin', async () => {
  const a = await client.open(ws.uri('a/m.tinyml.yaml'), TEXT);
  const b = await client.open(ws.uri('b/m.tinyml.yaml'), TEXT);
  assert.deepEqual(a.map((d) => d.code), ['ram-over-budget']);
  assert.equal(need(a, 'ram-over-budget'), ws.analysis('kws.tflite', 'tflm-cmsis-nn').memory.minArenaBytes + 1024);
  const bNeed = withMargin(ws.analysis('kws.tflite', 'tflm-reference').memory.minArenaBytes + 1024, 50);
  assert.equal(need(b, 'ram-over-budget'), bNeed);
  const overTarget = b.find((d) => d.code === 'ram-over-target');
  assert.ok(overTarget, JSON.stringify(b));
  assert.equal(textAt(TEXT, overTarget.range), 'kws.tflite');
  assert.equal((overTarget.data as { available: number }).available, 32 * 1024);
  assert.match(await modelHover(ws.uri('a/m.tinyml.yaml')), /for `tflm-cmsis-nn`/);
  assert.match(await modelHover(ws.uri('b/m.tinyml.yaml')), /for `tflm-reference`/);
});

test('settings are asked with the document as scopeUri, once per folder', async () => {
  await client.open(ws.uri('a/second.tinyml.yaml'), TEXT);
  const scopes = client.configurationItems.map((i) => i.scopeUri ?? '');
  assert.ok(client.configurationItems.every((i) => i.section === 'tinymlLens'));
  assert.deepEqual(scopes.filter((s) => s.startsWith(`${folderUri('a')}/`)), [ws.uri('a/m.tinyml.yaml')]);
  assert.deepEqual(scopes.filter((s) => s.startsWith(`${folderUri('b')}/`)), [ws.uri('b/m.tinyml.yaml')]);
});

test('a manifest in no workspace folder is asked about by itself', async () => {
  const uri = ws.uri('outside.tinyml.yaml');
  const ds = await client.open(uri, 'model: a/kws.tflite\nbudgets: {ram: 1B}\n');
  assert.equal(need(ds, 'ram-over-budget'), withMargin(ws.analysis('kws.tflite').memory.minArenaBytes, 10));
  assert.ok(client.configurationItems.some((i) => i.scopeUri === uri));
});

test('listings and generated code take the settings of the model\'s folder', async () => {
  type Listing = { uri: string; runtime: string; target: string | null; text: string };
  const la = await client.request<Listing>('tinymlLens/listing', { uri: ws.uri('a/kws.tflite') });
  const lb = await client.request<Listing>('tinymlLens/listing', { uri: ws.uri('b/kws.tflite') });
  assert.deepEqual([la.runtime, la.target], ['tflm-cmsis-nn', null]);
  assert.deepEqual([lb.runtime, lb.target], ['tflm-reference', 'atsamd21g18']);
  assert.match(lb.text, /on tflm-reference, target atsamd21g18/);
  // The listing document (its URI names neither runtime nor target) answers hovers with the same settings.
  client.openQuietly(lb.uri, lb.text, 'tinyml-listing');
  const row = lb.text.split('\n').findIndex((l) => /\bCONV_2D\b/.test(l));
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: lb.uri }, position: { line: row, character: 6 } });
  assert.match((hover.contents as MarkupContent).value, /tflm-reference: \*\*/);
  type Generated = { kind: string; runtime: string; arenaBytes: number };
  const ga = await client.request<Generated>('tinymlLens/generateTflm', { modelUri: ws.uri('a/kws.tflite') });
  const gb = await client.request<Generated>('tinymlLens/generateTflm', { modelUri: ws.uri('b/kws.tflite') });
  assert.deepEqual([ga.kind, ga.runtime, gb.kind, gb.runtime], ['ok', 'tflm-cmsis-nn', 'ok', 'tflm-reference']);
  assert.ok(gb.arenaBytes >= withMargin(ws.analysis('kws.tflite', 'tflm-reference').memory.minArenaBytes, 50), `${gb.arenaBytes}`);
  assert.ok(ga.arenaBytes < gb.arenaBytes);
  // From a manifest: the manifest's folder decides.
  const gm = await client.request<Generated>('tinymlLens/generateTflm', { manifestUri: ws.uri('b/m.tinyml.yaml') });
  assert.equal(gm.arenaBytes, gb.arenaBytes);
});

test('a configuration change re-reads every folder and re-checks the manifests of the folder that changed', async () => {
  const a = ws.uri('a/m.tinyml.yaml');
  const b = ws.uri('b/m.tinyml.yaml');
  const asked = client.configurationItems.length;
  const ds = await client.configure((scopeUri) => {
    if (scopeUri?.startsWith(`${folderUri('b')}/`)) B = { ...B, safetyMargin: 0, defaultTarget: '' };
    return answer(scopeUri);
  }, b);
  assert.deepEqual(ds.map((d) => d.code), ['ram-over-budget']);
  assert.equal(need(ds, 'ram-over-budget'), ws.analysis('kws.tflite', 'tflm-reference').memory.minArenaBytes + 1024);
  const scopes = client.configurationItems.slice(asked).map((i) => i.scopeUri);
  assert.ok(scopes.includes(a) && scopes.includes(b), JSON.stringify(scopes));
  assert.match(await modelHover(a), /for `tflm-cmsis-nn`/);
});

test('workspace folders that change move an unsaved manifest\'s model base and the settings scopes', async () => {
  copyFileSync(ws.path('sine.tflite'), ws.path('b/sine.tflite'));
  const uri = 'untitled:Untitled-folders';
  const before = await client.open(uri, 'model: sine.tflite\n');
  assert.deepEqual(before.map((d) => d.code), ['model-not-found']);
  assert.equal((before[0]!.data as { path: string }).path, ws.path('a/sine.tflite'));
  const asked = client.configurationItems.length;
  const after = client.nextDiagnostics(uri);
  const moved = client.nextDiagnostics(ws.uri('a/m.tinyml.yaml'));
  client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: folderUri('a'), name: 'ws0' }] } });
  assert.deepEqual(await after, []);
  // a/ is no folder any more: its manifest is its own scope now, asked about again.
  await moved;
  assert.ok(client.configurationItems.slice(asked).some((i) => i.scopeUri === ws.uri('a/m.tinyml.yaml')));
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
  assert.match((hover.contents as MarkupContent).value, /\*\*sine\.tflite\*\*/);
});
