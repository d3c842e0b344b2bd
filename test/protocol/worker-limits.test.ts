import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, CompletionList, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { enableWorkerTestHooks, heldModel } from './helpers/held-model.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

// A model held by the worker's test hook until a file that is never written: slower than any limit of 1 s
// (initializationOptions).
enableWorkerTestHooks();

let ws: TestWorkspace;
let client: LspClient;
serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    ws.write('endless.tflite', heldModel(ws.path('never-released')));
  },
  initializationOptions: { analysisTimeoutSeconds: 1 },
});

interface Stats { workers: { timedOut: number } }
const stats = (): Promise<Stats> => client.request<Stats>('tinymlLens/stats', null);
const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (r: CompletionItem[] | CompletionList | null): string[] => (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);

test('a job over the time limit (1 s) becomes an analysis-limit error on the model: value, and the server answers on', async () => {
  const uri = ws.uri('endless.tinyml.yaml');
  const text = 'target: nrf52840\nmodel: endless.tflite\n';
  const diagnostics = await client.open(uri, text);
  const limit = diagnostics.filter((d) => d.code === 'analysis-limit');
  assert.equal(limit.length, 1, JSON.stringify(diagnostics));
  const start = text.indexOf('endless.tflite');
  assert.deepEqual(limit[0]?.range, { start: { line: 1, character: start - text.indexOf('\n') - 1 }, end: { line: 1, character: start - text.indexOf('\n') - 1 + 'endless.tflite'.length } });
  assert.deepEqual((limit[0]?.data as { failure: unknown }).failure, { kind: 'time', seconds: 1 });
  assert.match(String(limit[0]?.message), /analysisTimeoutSeconds/);
  assert.equal((await stats()).workers.timedOut, 1);

  assert.match(hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 10 } })), /analysisTimeoutSeconds/);
  assert.ok(labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 0 } })).includes('budgets'));
  // An edit of the manifest does not start the failed job again (its content would fail the same way).
  const again = await client.change(uri, `${text}budgets: {ram: 1MiB}\n`);
  assert.ok(again.some((d) => d.code === 'analysis-limit'));
  assert.equal((await stats()).workers.timedOut, 1);
});
