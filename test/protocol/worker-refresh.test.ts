import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { enableWorkerTestHooks, heldModel } from './helpers/held-model.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

// A client that re-requests code lenses and inlay hints when asked (as VS Code does), and a model held in its worker
// until the test releases it.
enableWorkerTestHooks();

let ws: TestWorkspace;
let client: LspClient;
serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => ws.write('held.tflite', heldModel(ws.path('release'))),
  viewRefresh: true,
});

const lensTitle = async (uri: string): Promise<string> =>
  (await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }))[0]?.command?.title ?? '';

test('lenses answer at once while the model is analysed, and the client is asked to refresh them when it is done', async () => {
  const uri = ws.uri('m.tinyml.yaml');
  const diagnostics = client.open(uri, 'model: held.tflite\ntarget: nrf52840\n');
  // The lens answers without waiting (this would hang until the release otherwise).
  let title = await lensTitle(uri);
  while (!title.includes('analysing')) title = await lensTitle(uri);
  assert.equal(client.refreshes.length, 0);

  ws.write('release', '');
  await diagnostics;
  // The refresh requests were written before the answer to any request sent after the diagnostics arrived.
  await client.request('tinymlLens/stats', null);
  assert.ok(client.refreshes.includes('codeLens') && client.refreshes.includes('inlayHint'), client.refreshes.join(', '));
  assert.match(await lensTitle(uri), /RAM .* layers/);
});
