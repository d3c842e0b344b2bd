import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentLink, Hover, InlayHint, Location, MarkupContent } from 'vscode-languageserver-protocol';
import { formatBytes } from '../../server/src/manifest/units.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const TEXT = ['model: kws.tflite', 'runtime: tflm-cmsis-nn', 'budgets:', '  ram: 4KiB', '  flash: 600KiB', 'reserve: {ram: 1KiB}', ''].join('\n');

async function openMain(): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = ws.uri(`features-${Math.random().toString(36).slice(2)}.tinyml.yaml`);
  return { uri, diagnostics: await client.open(uri, TEXT) };
}

const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (r: CompletionItem[] | CompletionList | null): string[] => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);

test('hover on model: layers, MACs, weights, arena, peak layer', async () => {
  const { uri } = await openMain();
  const report = ws.analysis('kws.tflite');
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } });
  const text = hoverText(h);
  assert.match(text, new RegExp(`layers \\| ${report.layers.length} `));
  assert.ok(text.includes(report.macs.toLocaleString('en-US')), text);
  assert.ok(text.includes(report.memory.minArenaBytes.toLocaleString('en-US')), text);
  assert.match(text, /peak layer/);
  assert.equal(textAt(TEXT, h!.range!), 'kws.tflite');
});

test('hover on a budget shows used / available with a bar; on runtime, what it is', async () => {
  const { uri } = await openMain();
  const need = ws.analysis('kws.tflite').memory.minArenaBytes + 1024;
  const ram = hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 8 } }));
  assert.ok(ram.includes(`${formatBytes(need)} / 4 KiB`), ram);
  assert.match(ram, /[▰▱]{10}/);
  const runtime = hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 12 } }));
  assert.match(runtime, /CMSIS-NN/);
  const none = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 0 } });
  assert.equal(none, null);
});

test('completion: missing keys at the top level and in a section, runtimes, units after a number', async () => {
  const uri = ws.uri('complete.tinyml.yaml');
  const text = 'model: sine.tflite\n\nbudgets:\n  ram: 180\n  \nruntime: \n';
  await client.open(uri, text);
  const top = labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } }));
  assert.deepEqual(top.sort(), ['arena_region', 'clock', 'cloud', 'firmware', 'input_shapes', 'reserve', 'target']);
  const section = labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 2 } }));
  assert.deepEqual(section.sort(), ['energy', 'flash', 'latency']);
  const runtimes = labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 9 } }));
  assert.deepEqual(runtimes.sort(), ['edgetpu', 'ethos-u', 'tflm-cmsis-nn', 'tflm-esp-nn', 'tflm-reference']);
  const units = labels(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 10 } }));
  assert.deepEqual(units, ['180B', '180KB', '180KiB', '180MB', '180MiB']);
  const flow = labels(await client.request('textDocument/completion', { textDocument: { uri: ws.uri('flow.tinyml.yaml') }, position: { line: 0, character: 0 } }));
  assert.deepEqual(flow, [], 'no completion for a document that is not open');
});

test('code lens above model: RAM and flash against budgets, layer count', async () => {
  const { uri } = await openMain();
  const report = ws.analysis('kws.tflite');
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.equal(lenses.length, 1);
  const lens = lenses[0]!;
  assert.equal(lens.range.start.line, 0);
  const title = lens.command?.title ?? '';
  assert.ok(title.startsWith('RAM '), title);
  assert.ok(title.includes(`${report.layers.length} layers`), title);
  assert.ok(title.includes('/ 600 KiB'), title);
});

test('inlay hints after budgets give the share used', async () => {
  const { uri } = await openMain();
  const report = ws.analysis('kws.tflite');
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } } });
  assert.deepEqual(hints.map((h) => h.position), [{ line: 3, character: 11 }, { line: 4, character: 15 }]);
  const flashShare = Math.round((report.flash.modelBytes / (600 * 1024)) * 100);
  assert.equal(hints[1]!.label, `${flashShare}% used`);
});

test('document link and go-to-definition lead to the model file', async () => {
  const { uri } = await openMain();
  const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
  assert.equal(links.length, 1);
  assert.equal(links[0]!.target, ws.uri('kws.tflite'));
  assert.equal(textAt(TEXT, links[0]!.range), 'kws.tflite');
  const def = await client.request<Location | null>('textDocument/definition', { textDocument: { uri }, position: { line: 0, character: 9 } });
  assert.equal(def?.uri, ws.uri('kws.tflite'));
});

test('the quick fix raises the RAM budget to the need, and applying it clears the diagnostic', async () => {
  const { uri, diagnostics } = await openMain();
  const ram = diagnostics.find((d) => d.code === 'ram-over-budget');
  assert.ok(ram, JSON.stringify(diagnostics.map((d) => d.code)));
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: ram.range, context: { diagnostics: [ram] } });
  assert.equal(actions.length, 1);
  const edit = actions[0]!.edit?.changes?.[uri]?.[0];
  assert.ok(edit);
  assert.deepEqual(edit.range, ram.range);
  const need = ws.analysis('kws.tflite').memory.minArenaBytes + 1024;
  assert.ok(parseFloat(edit.newText) * 1024 >= need && parseFloat(edit.newText) * 1024 < need + 103, edit.newText);
  assert.match(edit.newText, /KiB$/);

  const lines = TEXT.split('\n');
  lines[3] = `  ram: ${edit.newText}`;
  const after = await client.change(uri, lines.join('\n'));
  assert.ok(!after.some((d) => d.code === 'ram-over-budget'), JSON.stringify(after));
});
