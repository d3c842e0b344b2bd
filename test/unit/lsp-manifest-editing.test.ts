import assert from 'node:assert/strict';
import { onChipRamBytes } from '../../server/src/targets/regions.ts';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SymbolKind, type CodeAction, type DocumentSymbol } from 'vscode-languageserver';
import { codeActions } from '../../server/src/lsp/code-actions.js';
import { Code } from '../../server/src/lsp/codes.js';
import { complete } from '../../server/src/lsp/completion.js';
import { manifestDiagnostics } from '../../server/src/lsp/diagnostics.js';
import { pathItems } from '../../server/src/lsp/path-completion.js';
import { documentSymbols } from '../../server/src/lsp/symbols.js';
import { CATALOG } from '../../server/src/targets/catalog.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { addChain } from './helpers/chains.js';
import { applyEdits, checkOf, providers } from './helpers/manifest-check.js';

const names = (symbols: readonly DocumentSymbol[]): unknown[] => symbols.map((s) => (s.children?.length ? { [s.name]: names(s.children) } : s.name));

test('document symbols: every key, sections with their keys as children, scalars as detail', () => {
  const text = 'model: kws.tflite\ntarget: nrf52840\nbudgets:\n  ram: 180KiB\n  latency: 50ms\nreserve: {ram: 20KiB, flash: 100KiB}\ncloud:\n  link: ble\n';
  const symbols = documentSymbols(checkOf(text));
  assert.deepEqual(names(symbols), ['model', 'target', { budgets: ['ram', 'latency'] }, { reserve: ['ram', 'flash'] }, { cloud: ['link'] }]);
  assert.equal(symbols[0]!.detail, 'kws.tflite');
  assert.equal(symbols[0]!.kind, SymbolKind.File);
  assert.equal(symbols[2]!.kind, SymbolKind.Module);
  assert.equal(symbols[2]!.children![0]!.detail, '180KiB');
  // The selection range is the key, the range covers the value: the Outline selects `latency`, breadcrumbs follow the cursor.
  const latency = symbols[2]!.children![1]!;
  assert.deepEqual(latency.selectionRange, { start: { line: 4, character: 2 }, end: { line: 4, character: 9 } });
  assert.deepEqual(latency.range.end, { line: 4, character: 15 });
});

test('document symbols survive a syntax error and an inline board nests its keys', () => {
  const symbols = documentSymbols(checkOf('model: a.tflite\ntarget:\n  sram: 256KiB\n  flash: 1MiB\nbudgets: {ram: [\n'));
  assert.deepEqual(names(symbols).slice(0, 2), ['model', { target: ['sram', 'flash'] }]);
  assert.equal(symbols[1]!.kind, SymbolKind.Module);
});

/** The quick fixes for the diagnostics with `code`, from the server's own diagnostics of the check. */
function fixes(text: string, code: string, uri?: string): { actions: CodeAction[]; apply: (a: CodeAction) => string } {
  const check = checkOf(text, uri ? { uri } : {});
  const ds = manifestDiagnostics(check, providers).filter((d) => d.code === code);
  assert.ok(ds.length > 0, `no ${code}`);
  const actions = codeActions(check, ds, { providers, supportFor: () => null });
  return { actions, apply: (a) => applyEdits(check.document, a.edit!.changes![check.uri]!) };
}

test('did you mean: an unknown key becomes the suggested key, and the fixed manifest has no unknown key', () => {
  const { actions, apply } = fixes('model: a.tflite\nbudgets:\n  rma: 100KiB\n', Code.unknownKey);
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.isPreferred, true);
  const fixed = apply(actions[0]!);
  assert.equal(fixed, 'model: a.tflite\nbudgets:\n  ram: 100KiB\n');
  assert.equal(manifestDiagnostics(checkOf(fixed), providers).filter((d) => d.code === Code.unknownKey).length, 0);
});

test('did you mean: a JSON key keeps its quotes', () => {
  const uri = 'file:///work/m.tinyml.json';
  const { actions, apply } = fixes('{"model": "a.tflite", "runtme": "tflm-reference"}', Code.unknownKey, uri);
  assert.equal(apply(actions[0]!), '{"model": "a.tflite", "runtime": "tflm-reference"}');
});

test('did you mean: an unknown runtime and an unknown target get their suggestions as fixes', () => {
  const rt = fixes('model: a.tflite\nruntime: tflm-cmsisnn\n', Code.unknownRuntime);
  assert.ok(rt.actions.length >= 1);
  assert.equal(rt.apply(rt.actions[0]!), 'model: a.tflite\nruntime: tflm-cmsis-nn\n');
  const real = CATALOG.find((m) => m.id === 'nrf52840') ?? CATALOG[0]!;
  const typo = real.id.slice(0, -2) + real.id.slice(-1) + real.id.slice(-2, -1);
  const tg = fixes(`model: a.tflite\ntarget: ${typo}\n`, Code.unknownTarget);
  assert.ok(tg.actions.some((a) => tg.apply(a) === `model: a.tflite\ntarget: ${real.id}\n`), JSON.stringify(tg.actions.map((a) => a.title)));
  assert.equal(tg.actions.filter((a) => a.isPreferred).length, 1);
});

test('did you mean: a misspelt unit is replaced in place, in YAML and in JSON', () => {
  const y = fixes('model: a.tflite\nbudgets:\n  ram: 180kib\n', Code.badUnit);
  assert.equal(y.apply(y.actions[0]!), 'model: a.tflite\nbudgets:\n  ram: 180KiB\n');
  const j = fixes('{"model": "a.tflite", "budgets": {"latency": "50MS"}}', Code.badUnit, 'file:///work/m.tinyml.json');
  assert.equal(j.apply(j.actions[0]!), '{"model": "a.tflite", "budgets": {"latency": "50ms"}}');
  // A unit of the wrong kind has no single right answer: no fix is invented.
  assert.equal(fixes('model: a.tflite\nbudgets:\n  ram: 5ms\n', Code.badUnit).actions.length, 0);
});

function floatModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'FLOAT32' });
  const c = g.constant({ name: 'c', shape: [1, 8], dtype: 'FLOAT32', data: new Float32Array(8).fill(1) });
  g.output(g.op('ADD', { inputs: [x, c], output: { name: 'y', shape: [1, 8], dtype: 'FLOAT32' } }));
  return m.finish();
}

test('"Quantize to int8" is offered on the model line of a float model only, running the client command with its path', () => {
  const text = 'model: f.tflite\nbudgets:\n  ram: 100KiB\n';
  const onModel = { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } };
  const float = checkOf(text, { model: floatModel(), modelPath: '/work/f.tflite' });
  const offered = codeActions(float, [], { providers, supportFor: () => null, range: onModel }).filter((a) => a.command);
  assert.equal(offered.length, 1);
  assert.deepEqual(offered[0]!.command, { title: 'Quantize to int8', command: 'tinymlLens.quantizeModel', arguments: ['/work/f.tflite'] });
  const elsewhere = { start: { line: 2, character: 3 }, end: { line: 2, character: 3 } };
  assert.equal(codeActions(float, [], { providers, supportFor: () => null, range: elsewhere }).length, 0);
  const int8 = checkOf(text, { model: addChain(3) });
  assert.equal(codeActions(int8, [], { providers, supportFor: () => null, range: onModel }).length, 0);
});

test('target completion: fitting boards first, smallest first, then the rest closest first, each with its verdict', () => {
  const text = 'model: a.tflite\ntarget: \nreserve:\n  ram: 150KiB\n  flash: 300KiB\n';
  const check = checkOf(text, { model: addChain(20) });
  const items = complete(check, { line: 1, character: 8 }, providers);
  const targets = items.filter((i) => i.labelDetails?.description);
  assert.ok(targets.length > 10);
  const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  assert.deepEqual(sorted.map((i) => i.label), items.map((i) => i.label), 'the list is shown in the ranked order');
  const verdicts = targets.map((t) => t.labelDetails!.description!);
  const firstMiss = verdicts.findIndex((v) => !v.startsWith('fits'));
  assert.ok(firstMiss > 0, 'some boards fit');
  assert.ok(verdicts.slice(firstMiss).every((v) => !v.startsWith('fits')), 'no fitting board after a failing one');
  assert.ok(verdicts.some((v) => /^does not fit: RAM \+/.test(v)), 'some boards are too small for the 150 KiB reserve');
  // Fitting boards are ordered by their RAM, from the catalog's own figures (a part described by its RAM regions: their
  // on-chip sum).
  const ram = (id: string): number => { const r = providers.targets.resolve({ kind: 'id', id }); return r.kind === 'found' ? r.spec.sramBytes ?? (r.spec.mcu ? onChipRamBytes(r.spec.mcu) : 0) : 0; };
  const fitting = targets.slice(0, firstMiss).map((t) => ram(t.label));
  assert.deepEqual(fitting, [...fitting].sort((a, b) => a - b));
  const need = check.fit!.ram.needBytes;
  assert.ok(fitting.every((r) => r >= need));
  assert.equal(items[0]!.preselect, true);
});

test('path completion offers folders and the right kind of file for model: and firmware:', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-paths-'));
  mkdirSync(join(dir, 'models'));
  mkdirSync(join(dir, '.git'));
  for (const f of ['models/kws.tflite', 'models/notes.txt', 'models/model.json', 'app.elf', 'app.map', 'top.tflite']) writeFileSync(join(dir, f), '');
  const check = checkOf('model: \n', { dir });
  const top = complete(check, { line: 0, character: 7 }, providers).map((i) => i.label);
  assert.deepEqual(top.sort(), ['models/', 'top.tflite']);
  const inside = complete(checkOf('model: models/k\n', { dir }), { line: 0, character: 15 }, providers);
  assert.deepEqual(inside.map((i) => i.label).sort(), ['kws.tflite', 'model.json']);
  // The typed segment is replaced, the folder part kept.
  const kws = inside.find((i) => i.label === 'kws.tflite')!;
  assert.deepEqual(kws.textEdit, { range: { start: { line: 0, character: 14 }, end: { line: 0, character: 15 } }, newText: 'kws.tflite' });
  const elf = complete(checkOf('model: a.tflite\nfirmware:\n  elf: \n', { dir }), { line: 2, character: 7 }, providers).map((i) => i.label);
  assert.deepEqual(elf.sort(), ['app.elf', 'models/']);
  const map = complete(checkOf('model: a.tflite\nfirmware: {map: \n', { dir }), { line: 1, character: 16 }, providers).map((i) => i.label);
  assert.deepEqual(map.sort(), ['app.map', 'models/']);
});

test('path completion reads nothing without a folder and survives an unreadable one', () => {
  assert.deepEqual(pathItems('model', '', null, { line: 0, character: 7 }), []);
  assert.deepEqual(pathItems('model', 'nope/', '/definitely/not/here', { line: 0, character: 12 }), []);
  assert.deepEqual(pathItems('runtime', '', '/', { line: 0, character: 0 }), []);
});

test('context.only filters the actions by kind', () => {
  const check = checkOf('model: f.tflite\n', { model: floatModel(), modelPath: '/work/f.tflite' });
  const range = { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } };
  assert.equal(codeActions(check, [], { providers, supportFor: () => null, range, only: ['quickfix'] }).length, 0);
  assert.equal(codeActions(check, [], { providers, supportFor: () => null, range, only: ['refactor'] }).length, 1);
});
