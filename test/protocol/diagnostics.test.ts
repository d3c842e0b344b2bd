import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();
const find = (ds: Diagnostic[], code: string): Diagnostic => {
  const d = ds.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(ds.map((x) => x.code))}`);
  return d;
};

test('over budget and over an inline board: codes, exact ranges, data, related information', async () => {
  const report = ws.analysis('sine.tflite');
  const arena = report.memory.minArenaBytes;
  const file = report.flash.modelBytes;
  const text = [
    'model: sine.tflite',
    'target: {sram: 1KiB, flash: 2KiB, core: cortex-m4f}',
    'runtime: tflm-cmsis-nn',
    'budgets: {ram: 1KiB, flash: 2KiB}',
    'reserve: {ram: 512B, flash: 1KiB}',
    '',
  ].join('\n');
  const uri = ws.uri('over.tinyml.yaml');
  const ds = await client.open(uri, text);
  assert.deepEqual(codes(ds), ['flash-over-budget', 'flash-over-target', 'ram-over-budget', 'ram-over-target']);
  for (const d of ds) assert.equal(d.source, 'tinyml-lens');

  const ram = find(ds, 'ram-over-budget');
  assert.deepEqual(ram.range, { start: { line: 3, character: 15 }, end: { line: 3, character: 19 } });
  assert.equal(textAt(text, ram.range), '1KiB');
  assert.deepEqual(ram.data, { kind: 'ram', need: arena + 512, budget: 1024, unit: 'KiB' });
  const related = ram.relatedInformation ?? [];
  assert.deepEqual(related.map((r) => textAt(text, r.location.range)), ['sine.tflite', '512B']);

  assert.equal(textAt(text, find(ds, 'ram-over-target').range), '1KiB');
  assert.equal(find(ds, 'ram-over-target').range.start.line, 1);
  assert.deepEqual(find(ds, 'flash-over-budget').data, { kind: 'flash', need: file + 1024, budget: 2048, unit: 'KiB' });
  assert.equal(textAt(text, find(ds, 'flash-over-target').range), '2KiB');
  assert.equal(find(ds, 'flash-over-target').range.start.line, 1);
});

test('within budget: no diagnostics', async () => {
  const ds = await client.open(ws.uri('fits.tinyml.yaml'), 'model: sine.tflite\nruntime: tflm-reference\nbudgets: {ram: 1MiB, flash: 1MiB}\n');
  assert.deepEqual(ds, []);
});

test('an operator the runtime cannot run is reported on the runtime value with op, dtype and layers', async () => {
  const text = 'model: custom.tflite\nruntime: tflm-reference\n';
  const ds = await client.open(ws.uri('custom.tinyml.yaml'), text);
  const d = find(ds, 'op-unsupported');
  assert.equal(textAt(text, d.range), 'tflm-reference');
  const data = d.data as { op: string; dtype: string; layers: number[]; runtime: string };
  assert.match(data.op, /NoSuchKernel/);
  assert.equal(data.dtype, 'FLOAT32');
  assert.deepEqual(data.layers, [0]);
  assert.equal(data.runtime, 'tflm-reference');
});

test('missing and malformed models give located diagnostics on the model path', async () => {
  const missingText = 'model: nowhere/none.tflite\n';
  const missing = await client.open(ws.uri('missing.tinyml.yaml'), missingText);
  assert.deepEqual(codes(missing), ['model-not-found']);
  assert.equal(textAt(missingText, missing[0]!.range), 'nowhere/none.tflite');

  const badText = 'model: truncated.tflite\nbudgets: {ram: 1KiB}\n';
  const bad = await client.open(ws.uri('bad.tinyml.yaml'), badText);
  const d = find(bad, 'model-malformed');
  assert.equal(textAt(badText, d.range), 'truncated.tflite');
  const data = d.data as { code: string; offset: number; where: string };
  assert.equal(typeof data.code, 'string');
  assert.ok(Number.isInteger(data.offset) && data.offset >= 0);
  assert.match(String(d.message), /offset \d+/);
});

test('manifest problems: unknown key and runtime with did-you-mean, bad unit, wrong type, YAML syntax', async () => {
  const text = 'model: sine.tflite\nruntime: tflm-cmsisnn\nbudgets: {ram: 180kib, latncy: 5ms}\ncloud: {inferences_per_day: many}\n';
  const ds = await client.open(ws.uri('typos.tinyml.yaml'), text);
  assert.deepEqual(codes(ds), ['bad-unit', 'unknown-key', 'unknown-runtime', 'wrong-type']);
  const runtime = find(ds, 'unknown-runtime');
  assert.equal(textAt(text, runtime.range), 'tflm-cmsisnn');
  assert.equal((runtime.data as { suggestions: string[] }).suggestions[0], 'tflm-cmsis-nn');
  assert.equal(textAt(text, find(ds, 'unknown-key').range), 'latncy');
  assert.deepEqual((find(ds, 'unknown-key').data as { suggestions: string[] }).suggestions, ['latency']);
  assert.equal(textAt(text, find(ds, 'bad-unit').range), '180kib');
  assert.equal(textAt(text, find(ds, 'wrong-type').range), 'many');

  const syntax = await client.open(ws.uri('syntax.tinyml.yaml'), 'model: sine.tflite\nbudgets: {ram: 1KiB\n');
  assert.ok(codes(syntax).includes('yaml-syntax'));
});

test('a float model on a core without FPU is flagged on the core', async () => {
  const text = 'model: sine.tflite\ntarget: {sram: 64KiB, flash: 256KiB, core: cortex-m0}\n';
  const ds = await client.open(ws.uri('m0.tinyml.yaml'), text);
  assert.equal(textAt(text, find(ds, 'float-without-fpu').range), 'cortex-m0');
});

test('manifests are recognised by file name whatever the language id; JSON manifests too', async () => {
  const asYaml = await client.open(ws.uri('tinyml.yaml'), 'model: nope.tflite\n', 'yaml');
  assert.deepEqual(codes(asYaml), ['model-not-found']);
  const jsonText = '{"model": "sine.tflite", "budgets": {"ram": "1KiB"}}';
  const json = await client.open(ws.uri('app.tinyml.json'), jsonText, 'json');
  assert.deepEqual(codes(json), ['ram-over-budget']);
  assert.equal(textAt(jsonText, json[0]!.range), '"1KiB"');
});
