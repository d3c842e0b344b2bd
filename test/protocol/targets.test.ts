import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletionItem, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { CATALOG } from '../../server/src/targets/catalog.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

/** A catalog board with known SRAM and flash (the arena must fit its largest SRAM region). */
const board = CATALOG.find((m) => (m.largestSramKiB ?? m.sramKiB) !== null && m.flashKiB !== null);

test('a catalog id that does not exist is unknown-target with did-you-mean', async () => {
  assert.ok(board);
  const typo = `${board.id}x`;
  const text = `model: sine.tflite\ntarget: ${typo}\n`;
  const ds = await client.open(ws.uri('typo-target.tinyml.yaml'), text);
  const d = ds.find((x) => x.code === 'unknown-target');
  assert.ok(d, JSON.stringify(ds));
  assert.equal(textAt(text, d.range), typo);
  assert.ok((d.data as { suggestions: string[] }).suggestions.includes(board.id));
});

test('a catalog board too small for arena + reserve gives ram-over-target on the target value', async () => {
  assert.ok(board);
  const sramKiB = board.largestSramKiB ?? board.sramKiB ?? 0;
  const text = `model: sine.tflite\ntarget: ${board.id}\nreserve: {ram: ${sramKiB}KiB}\n`;
  const ds = await client.open(ws.uri('small-board.tinyml.yaml'), text);
  const d = ds.find((x) => x.code === 'ram-over-target');
  assert.ok(d, JSON.stringify(ds));
  assert.equal(textAt(text, d.range), board.id);
  const data = d.data as { need: number; available: number; parts: { part: string; bytes: number }[] };
  assert.equal(data.available, sramKiB * 1024);
  // The whole firmware's RAM: the arena, the reserve (the application) and TFLM's static RAM when it is predicted.
  const runtime = data.parts.find((p) => p.part === 'runtime')?.bytes ?? 0;
  assert.equal(data.need, ws.analysis('sine.tflite').memory.minArenaBytes + sramKiB * 1024 + runtime);
  assert.deepEqual(data.parts.map((p) => p.part).filter((p) => p !== 'runtime'), ['arena', 'app']);
});

test('aliases resolve; target completion offers catalog ids; hover shows the board', async () => {
  const withAlias = CATALOG.find((m) => m.aliases.length > 0);
  assert.ok(withAlias);
  const uri = ws.uri('alias.tinyml.yaml');
  const text = `model: sine.tflite\ntarget: ${withAlias.aliases[0]}\n`;
  const ds = await client.open(uri, text);
  assert.ok(!ds.some((d) => d.code === 'unknown-target'), JSON.stringify(ds));
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 9 } });
  assert.ok(((hover?.contents as MarkupContent | undefined)?.value ?? '').includes(withAlias.displayName));
  await client.change(uri, 'model: sine.tflite\ntarget: \n');
  const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 8 } });
  const labels = items.map((i) => i.label);
  for (const m of CATALOG) assert.ok(labels.includes(m.id), m.id);
});
