import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { CATALOG } from '../../server/src/targets/catalog.ts';
import { applyEdits, LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace, velaModel } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;


serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    ws.write('vela.tflite', velaModel());
  },
});

async function actionsFor(uri: string, ds: Diagnostic[], code: string): Promise<CodeAction[]> {
  const d = ds.filter((x) => x.code === code);
  assert.ok(d.length > 0, `no ${code} in ${JSON.stringify(ds.map((x) => x.code))}`);
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0]!.range, context: { diagnostics: d } });
}

/** The expected board, from the catalog directly: Arm (CMSIS-NN runs there), RAM region and flash known and large enough. */
function smallestArmBoard(ramNeed: number, flashNeed: number): string {
  const rows = CATALOG.filter((m) => m.core.startsWith('cortex-m') && (m.largestSramKiB ?? m.sramKiB) !== null && m.flashKiB !== null)
    .filter((m) => (m.largestSramKiB ?? m.sramKiB)! * 1024 >= ramNeed && m.flashKiB! * 1024 >= flashNeed)
    .sort((a, b) => (a.largestSramKiB ?? a.sramKiB)! - (b.largestSramKiB ?? b.sramKiB)! || a.flashKiB! - b.flashKiB! || a.id.localeCompare(b.id));
  assert.ok(rows[0]);
  return rows[0].id;
}

test('over the board: switch to the smallest catalog board that fits; applying it clears the diagnostics', async () => {
  const uri = ws.uri('too-small.tinyml.yaml');
  const text = 'model: kws.tflite\ntarget: atsamd21g18\nreserve: {ram: 200KiB, flash: 300KiB}\n';
  const ds = await client.open(uri, text);
  const actions = await actionsFor(uri, ds, 'ram-over-target');
  const arena = ws.analysis('kws.tflite').memory.minArenaBytes;
  const file = ws.analysis('kws.tflite').flash.modelBytes;
  const expected = smallestArmBoard(arena + 200 * 1024, file + 300 * 1024);
  assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.title)));
  assert.match(actions[0]!.title, new RegExp(expected));
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.equal(fixed.split('\n')[1], `target: ${expected}`);
  const after = await client.change(uri, fixed);
  assert.deepEqual(after.map((d) => d.code), []);
});

test('an inline block board is replaced by the catalog id, and JSON manifests get a quoted id', async () => {
  const uri = ws.uri('block.tinyml.yaml');
  const text = 'model: kws.tflite\ntarget:\n  sram: 1KiB\n  flash: 1MiB\nruntime: tflm-cmsis-nn\n';
  const ds = await client.open(uri, text);
  const actions = await actionsFor(uri, ds, 'ram-over-target');
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.match(fixed, /^model: kws\.tflite\ntarget:\n {2}[a-z0-9-]+\nruntime: tflm-cmsis-nn\n$/);
  assert.deepEqual((await client.change(uri, fixed)).map((d) => d.code), []);

  const juri = ws.uri('small.tinyml.json');
  const jtext = '{"model": "kws.tflite", "target": "atsamd21g18", "reserve": {"ram": "30KiB"}}';
  const jds = await client.open(juri, jtext, 'json');
  const jactions = await actionsFor(juri, jds, 'ram-over-target');
  const jfixed = applyEdits(jtext, jactions[0]!.edit!.changes![juri]!);
  assert.ok(typeof (JSON.parse(jfixed) as { target: unknown }).target === 'string');
  assert.deepEqual((await client.change(juri, jfixed)).map((d) => d.code), []);
});

test('an op the runtime cannot run: switch to a runtime that runs it (replacing or adding runtime:)', async () => {
  const uri = ws.uri('vela-fix.tinyml.yaml');
  const text = 'model: vela.tflite\nruntime: tflm-cmsis-nn\n';
  const actions = await actionsFor(uri, await client.open(uri, text), 'op-unsupported');
  assert.deepEqual(actions.map((a) => a.title.split(' ')[3]), ['ethos-u']);
  assert.equal(actions[0]!.isPreferred, true);
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.equal(fixed, 'model: vela.tflite\nruntime: ethos-u\n');
  assert.deepEqual(await client.change(uri, fixed), []);

  const bare = ws.uri('vela-default.tinyml.yaml');
  const btext = 'model: vela.tflite\nbudgets: {ram: 1MiB}\n';
  const bactions = await actionsFor(bare, await client.open(bare, btext), 'op-unsupported');
  assert.equal(applyEdits(btext, bactions[0]!.edit!.changes![bare]!), 'model: vela.tflite\nruntime: ethos-u\nbudgets: {ram: 1MiB}\n');
});

test('no runtime runs an unknown custom op: no runtime switch is offered', async () => {
  const uri = ws.uri('custom-fix.tinyml.yaml');
  const actions = await actionsFor(uri, await client.open(uri, 'model: custom.tflite\n'), 'op-unsupported');
  // The float model still gets "Quantize to int8" (a rewrite on the model: line), never a quick fix for the op.
  assert.deepEqual(actions.filter((a) => a.kind === 'quickfix'), []);
});
