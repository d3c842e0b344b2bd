import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    // A tiny default target, so that the default board is visible in the diagnostics.
  },
  settings: { defaultRuntime: 'tflm-reference', defaultTarget: 'atsamd21g18', safetyMargin: 50 },
});

const find = (ds: Diagnostic[], code: string): Diagnostic | undefined => ds.find((x) => x.code === code);

test('the first diagnostics already use the settings: default runtime and safety margin in the RAM need', async () => {
  const report = ws.analysis('sine.tflite', 'tflm-reference');
  const need = report.memory.minArenaBytes + 1024;
  const text = 'model: sine.tflite\nbudgets: {ram: 1B}\nreserve: {ram: 1KiB}\n';
  const ds = await client.open(ws.uri('margin.tinyml.yaml'), text);
  const ram = find(ds, 'ram-over-budget');
  assert.ok(ram, JSON.stringify(ds));
  assert.equal((ram.data as { need: number }).need, need + Math.ceil(need * 0.5));
});

test('tinymlLens.defaultTarget stands in for a missing target: over-target on the model path', async () => {
  const text = 'model: kws.tflite\nreserve: {ram: 64KiB}\n';
  const ds = await client.open(ws.uri('default-target.tinyml.yaml'), text);
  const d = find(ds, 'ram-over-target');
  assert.ok(d, JSON.stringify(ds));
  assert.equal(textAt(text, d.range), 'kws.tflite');
  assert.equal((d.data as { available: number }).available, 32 * 1024);
});

test('a configuration change re-checks open manifests with the new settings', async () => {
  const uri = ws.uri('reconfigure.tinyml.yaml');
  await client.open(uri, 'model: kws.tflite\n');
  const hoverRuntime = async (): Promise<string> => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 8 } });
    return (h.contents as MarkupContent).value;
  };
  assert.match(await hoverRuntime(), /for `tflm-reference`/);
  const ds = await client.configure({ defaultRuntime: 'tflm-cmsis-nn', defaultTarget: null, safetyMargin: 0 }, uri);
  assert.deepEqual(ds, []);
  assert.match(await hoverRuntime(), /for `tflm-cmsis-nn`/);
});
