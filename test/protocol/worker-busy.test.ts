import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { CompletionItem, CompletionList, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { enableWorkerTestHooks, heldModel } from './helpers/held-model.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

// A model whose analysis holds its worker until the test writes a release file (the worker's test hook): as slow as
// the test wants, deterministically, whatever the machine's speed.
enableWorkerTestHooks();

let ws: TestWorkspace;
let client: LspClient;
serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    ws.write('held.tflite', heldModel(ws.path('release-held')));
    ws.write('stale.tflite', heldModel(ws.path('never-released')));
  },
});

const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (r: CompletionItem[] | CompletionList | null): string[] => (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);
const hover = async (uri: string, line: number, character: number): Promise<string> =>
  hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }));

interface Stats { analyses: number; workers: { cancelled: number; workers: number } }

test('while a worker is busy on a slow model, hovers and completions answer before that model\'s diagnostics', async () => {
  const slow = ws.uri('slow.tinyml.yaml');
  const other = ws.uri('other.tinyml.yaml');
  const events: string[] = [];
  // Opening resolves with the diagnostics of that version: only once the held analysis is done.
  const slowDiagnostics = client.open(slow, 'model: held.tflite\ntarget: nrf52840\nbudgets: {ram: 16B}\n').then((d) => {
    events.push('slow diagnostics');
    return d;
  });
  await client.open(other, 'model: kws.tflite\ntarget: nrf52840\n');

  const target = await hover(slow, 1, 10);
  events.push('hover on target');
  assert.match(target, /nRF52840/i, 'the manifest\'s own hovers answer fully');
  const model = await hover(slow, 0, 10);
  events.push('hover on model');
  assert.match(model, /analysing/);
  const completion = labels(await client.request('textDocument/completion', { textDocument: { uri: slow }, position: { line: 3, character: 0 } }));
  events.push('completion');
  assert.ok(completion.includes('runtime'), completion.join(', '));
  assert.match(await hover(other, 0, 10), /tensor arena/, 'another manifest\'s analysed model answers in full');
  events.push('hover on the other manifest');

  ws.write('release-held', '');
  const diagnostics: Diagnostic[] = await slowDiagnostics;
  assert.deepEqual(events, ['hover on target', 'hover on model', 'completion', 'hover on the other manifest', 'slow diagnostics']);
  assert.ok(diagnostics.some((d) => d.code === 'ram-over-budget'), JSON.stringify(diagnostics));
  assert.match(await hover(slow, 0, 10), /tensor arena/);
});

test('a stale job is discarded: the later content\'s diagnostics win and the held worker is cancelled', async () => {
  const uri = ws.uri('edited.tinyml.yaml');
  const before = await client.request<Stats>('tinymlLens/stats', null);
  let firstPublished = false;
  void client.open(uri, 'model: stale.tflite\nbudgets: {ram: 1KiB}\n').then(() => (firstPublished = true));
  // Wait until the held analysis is running in a worker (the hook announces it), not merely pending: a hover says
  // "analysing" while the parse is still under way too, and a parse is not the document's job to cancel.
  while (!existsSync(ws.path('never-released.holding'))) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.match(await hover(uri, 0, 10), /analysing/);
  const later = await client.change(uri, 'model: kws.tflite\nbudgets: {ram: 1KiB}\n');
  assert.ok(later.some((d) => d.code === 'ram-over-budget'));
  const after = await client.request<Stats>('tinymlLens/stats', null);
  assert.equal(after.workers.cancelled, before.workers.cancelled + 1, 'the job nobody waits for any more was cancelled');
  assert.equal(firstPublished, false, 'the first version never published');
  assert.match(await hover(uri, 0, 10), /tensor arena/);
});
