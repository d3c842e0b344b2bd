import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

const board = (id: string): object => ({
  id, aliases: [], displayName: 'My board', vendor: 'Me', boards: 'rev B', core: 'cortex-m33', clockMHz: 100, sramKiB: 512,
  largestSramKiB: null, flashKiB: 2048, fpu: 'sp', dsp: true, helium: false, npu: null, activePowerMw: null, notes: '', source: 'datasheet',
});

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    ws.write('tinyml-targets.json', JSON.stringify({ mcus: [board('my-board')] }));
  },
});

const codes = (ds: { code?: string | number }[]): (string | number | undefined)[] => ds.map((d) => d.code);

test('tinyml-targets.json at the root adds boards, re-read when it changes; a broken one falls back to the bundled catalog', async () => {
  const uri = ws.uri('mine.tinyml.yaml');
  const ds = await client.open(uri, 'model: sine.tflite\ntarget: my-board\n');
  assert.ok(!codes(ds).includes('unknown-target'), JSON.stringify(ds));

  ws.write('tinyml-targets.json', JSON.stringify({ mcus: [board('other-board')] }));
  let next = client.nextDiagnostics(uri);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tinyml-targets.json'), type: 2 }] });
  assert.ok(codes(await next).includes('unknown-target'));

  ws.write('tinyml-targets.json', JSON.stringify({ mcus: [board('my-board')] }));
  next = client.nextDiagnostics(uri);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tinyml-targets.json'), type: 2 }] });
  assert.ok(!codes(await next).includes('unknown-target'));

  ws.write('tinyml-targets.json', '{ "mcus": [');
  next = client.nextDiagnostics(uri);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tinyml-targets.json'), type: 2 }] });
  assert.ok(codes(await next).includes('unknown-target'));
  assert.ok(client.logs.some((l) => l.includes('tinyml-targets.json ignored')), client.logs.join('\n'));
  assert.ok(client.alive);
});
