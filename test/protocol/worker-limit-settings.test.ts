import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

/** A float RELU over 600,000 elements: its arena (two 2.4 MB tensors) is past a 1 MiB arena limit, far below the default. */
function wideModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'wide' });
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 600000], dtype: 'FLOAT32' });
  g.output(g.op('RELU', { inputs: [x], output: { name: 'y', shape: [1, 600000], dtype: 'FLOAT32' } }));
  return m.finish();
}

let ws: TestWorkspace;
let client: LspClient;
serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    ws.write('wide.tflite', wideModel());
  },
  settings: { limits: { maxArenaMb: 1 } },
});

const limitOf = (ds: Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.code === 'analysis-limit');

test('tinymlLens.limits.maxArenaMb bounds the analysis: a model past it gets analysis-limit on its model: value, naming the setting', async () => {
  const uri = ws.uri('wide.tinyml.yaml');
  const text = 'target: stm32h743zi\nmodel: wide.tflite\n';
  const ds = await client.open(uri, text);
  const limit = limitOf(ds);
  assert.ok(limit, JSON.stringify(ds));
  assert.equal(textAt(text, limit.range), 'wide.tflite');
  assert.equal((limit.data as { failure: { kind: string; limit?: string } }).failure.kind, 'limit');
  assert.equal((limit.data as { failure: { limit?: string } }).failure.limit, 'maxArena');
  assert.match(String(limit.message), /tinymlLens\.limits\.maxArenaMb/);
  assert.match(String(limit.message), /--max-arena/);
  assert.doesNotMatch(String(limit.message), /raise it with --max-arena N/);

  // Raised (here: the setting removed, back to the 1 GiB default), the same model is analysed.
  const after = await client.configure({ limits: {} }, uri);
  assert.equal(limitOf(after), undefined, JSON.stringify(after));
});
