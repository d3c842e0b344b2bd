/**
 * Workspace content alone must not stall the server: a tinyml-targets.json that is a FIFO (or a link to /dev/zero)
 * at the root, a manifest naming a FIFO or /dev/zero as its model, a TF.js model whose shard is a FIFO or lies
 * outside its folder. initialize answers, the catalog error is logged, each model problem is a diagnostic on the
 * manifest's `model:` line, and the server keeps answering.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver/node';
import { mkfifo, posix } from '../unit/helpers/files.ts';
import { layersModelFiles } from '../unit/helpers/tfjs-fixtures.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

let ws: TestWorkspace;
let client: LspClient;

if (posix) {
  serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
    prepare: async () => {
      mkfifo(ws.path('tinyml-targets.json'));
      mkfifo(ws.path('pipe.tflite'));
      symlinkSync('/dev/zero', ws.path('zero.tflite'));
      const files = await layersModelFiles();
      const [name, bytes] = [...files.shards][0]!;
      writeFileSync(ws.path('secret.bin'), bytes);
      for (const [folder, shard] of [['escape', '../secret.bin'], ['fifo', 'w.bin']] as const) {
        mkdirSync(ws.path(folder));
        writeFileSync(join(ws.path(folder), 'model.json'), files.json.replace(JSON.stringify(name), JSON.stringify(shard)));
      }
      mkfifo(join(ws.path('fifo'), 'w.bin'));
      mkdirSync(ws.path('pipe'));
      mkfifo(join(ws.path('pipe'), 'model.json'));
    },
  });
}

const modelLine = (ds: Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.range.start.line === 0);
const hover = (uri: string): Promise<Hover | null> => client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });

test('a FIFO tinyml-targets.json: initialize answers, the catalog is reported and the bundled one used', { skip: !posix }, async () => {
  assert.ok(client.alive);
  assert.ok(client.logs.some((l) => /tinyml-targets\.json ignored.*FIFO/.test(l)), client.logs.join('\n'));
  const uri = ws.uri('board.tinyml.yaml');
  const ds = await client.open(uri, 'model: sine.tflite\ntarget: nrf52840\n');
  assert.ok(!ds.some((d) => d.code === 'unknown-target'), JSON.stringify(ds));
});

test('a manifest naming a FIFO or a link to /dev/zero gets a model-unreadable diagnostic on its model line', { skip: !posix }, async () => {
  for (const [file, what] of [['pipe.tflite', /FIFO/], ['zero.tflite', /character device/]] as const) {
    const uri = ws.uri(`${file}.tinyml.yaml`);
    const d = modelLine(await client.open(uri, `model: ${file}\n`));
    assert.equal(d?.code, 'model-unreadable', file);
    assert.match(d!.message as string, what);
    assert.ok(await hover(uri), 'the server still answers');
  }
});

test('a TF.js shard outside the model folder or a FIFO, or a FIFO model.json, is a diagnostic on the model line, not a read', { skip: !posix }, async () => {
  for (const [folder, what] of [['escape', /leaves the model's folder/], ['fifo', /FIFO/], ['pipe', /FIFO/]] as const) {
    const uri = ws.uri(`${folder}.tinyml.yaml`);
    const d = modelLine(await client.open(uri, `model: ${folder}/model.json\n`));
    // Read as a source model (a layers model.json is converted with its shards): unreadable, as a .tflite FIFO is.
    assert.equal(d?.code, 'model-unreadable', JSON.stringify(d));
    assert.match(d!.message as string, what);
  }
});

test('tinyml-targets.json replaced by a link to /dev/zero: reloaded without reading it, still answering', { skip: !posix }, async () => {
  rmSync(ws.path('tinyml-targets.json'));
  symlinkSync('/dev/zero', ws.path('tinyml-targets.json'));
  const before = client.logs.length;
  const uri = ws.uri('board.tinyml.yaml');
  const next = client.nextDiagnostics(uri);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tinyml-targets.json'), type: 2 }] });
  await next;
  assert.ok(client.logs.slice(before).some((l) => /tinyml-targets\.json ignored.*character device/.test(l)), client.logs.join('\n'));
  assert.ok(await hover(uri));
  assert.ok(client.alive);
});
