import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import type { TestWorkspace } from './helpers/workspace.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const versions = (uri: string): (number | undefined)[] => client.publishes(uri).map((p) => p.version);
const codes = (ds: readonly { code?: unknown }[]): unknown[] => ds.map((d) => d.code);

test('an edit that leaves the diagnostics as they were sends nothing; one that changes them, or clears them, is sent', async () => {
  const uri = ws.uri('unchanged.tinyml.yaml');
  const text = 'model: kws.tflite\nbudgets: {ram: 1KiB}\n';
  const first = await client.open(uri, text);
  assert.deepEqual(codes(first), ['ram-over-budget']);
  assert.deepEqual(versions(uri), [1]);

  // A comment after the last line: same problems at the same ranges, so no notification.
  const same = await client.change(uri, `${text}# a note\n`);
  assert.deepEqual(same, first);
  assert.deepEqual(versions(uri), [1], 'the unchanged set was not sent again');

  // Another budget: the message (need against budget) changes, so it is sent.
  const other = await client.change(uri, 'model: kws.tflite\nbudgets: {ram: 2KiB}\n');
  assert.deepEqual(codes(other), ['ram-over-budget']);
  assert.notDeepEqual(other, first);
  assert.deepEqual(versions(uri), [1, 3]);

  // The problem goes away: the client must see the empty list.
  assert.deepEqual(await client.change(uri, 'model: kws.tflite\nbudgets: {ram: 1MiB}\n'), []);
  assert.deepEqual(versions(uri), [1, 3, 4]);
  assert.deepEqual(client.publishes(uri).at(-1)?.diagnostics, []);

  // Still nothing wrong: nothing sent.
  assert.deepEqual(await client.change(uri, 'model: kws.tflite\nbudgets: {ram: 2MiB}\n'), []);
  assert.deepEqual(versions(uri), [1, 3, 4]);
});

test('closing clears the problems, and opening again publishes afresh even when the set is the one sent before', async () => {
  const uri = ws.uri('reopened.tinyml.yaml');
  const text = 'model: kws.tflite\nbudgets: {ram: 1KiB}\n';
  const first = await client.open(uri, text);
  assert.equal(first.length, 1);
  const cleared = client.nextDiagnostics(uri);
  client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  assert.deepEqual(await cleared, []);
  assert.deepEqual(await client.open(uri, text), first);
  assert.equal(client.publishes(uri).length, 3, 'open, clear, open again');
});
