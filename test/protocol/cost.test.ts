import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeLens, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { readFileSync } from 'node:fs';
import { analyzeForTarget } from '../../server/src/analysis/latency/target.ts';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { resolveTarget } from '../../server/src/targets/catalog.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace, velaModel } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;


serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    ws.write('vela.tflite', velaModel());
  },
});

const find = (ds: Diagnostic[], code: string): Diagnostic => {
  const d = ds.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(ds.map((x) => x.code))}`);
  return d;
};

/** The core's own estimate for the kws example on a catalog board, for expected figures. */
function expected(target: string, runtime: 'tflm-cmsis-nn' | 'tflm-reference' = 'tflm-cmsis-nn') {
  const model = readTflite(readFileSync(ws.path('kws.tflite')));
  const t = resolveTarget(target);
  assert.ok(t);
  return analyzeForTarget(model, runtime, t, null, analyzeModel(model, runtime));
}

test('latency and energy over budget: the latency model on a catalog board with measured power', async () => {
  const core = expected('stm32l4r5zi');
  assert.ok(core.latency?.ms != null && core.energy);
  const text = 'model: kws.tflite\ntarget: stm32l4r5zi\nbudgets: {latency: 1us, energy: 0.001uJ}\n';
  const ds = await client.open(ws.uri('slow.tinyml.yaml'), text);
  const latency = find(ds, 'latency-over-budget');
  assert.equal(textAt(text, latency.range), '1us');
  const ld = latency.data as { kind: string; need: number; budget: number; unit: string };
  assert.equal(ld.kind, 'latency');
  assert.ok(Math.abs(ld.need - core.latency.ms / 1000) < 1e-12, `${ld.need} vs ${core.latency.ms} ms`);
  const energy = find(ds, 'energy-over-budget');
  assert.equal(textAt(text, energy.range), '0.001uJ');
  assert.ok(Math.abs((energy.data as { need: number }).need - core.energy.uJ / 1e6) < 1e-15);
});

test('generous latency and energy budgets: no diagnostics, hints show the share, the lens the time', async () => {
  const core = expected('stm32l4r5zi');
  const uri = ws.uri('fast.tinyml.yaml');
  const ds = await client.open(uri, 'model: kws.tflite\ntarget: stm32l4r5zi\nbudgets: {latency: 10s, energy: 10J}\n');
  assert.deepEqual(ds, []);
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.match(lenses[0]?.command?.title ?? '', /~[\d.]+ ms/);
  const hints = await client.request<{ label: string }[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } } });
  assert.equal(hints.length, 2);
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 12 } });
  assert.match((hover.contents as MarkupContent).value, /latency/);
  assert.ok(core.latency?.ms);
});

test('a board without a clock or core gives no latency figure and no latency diagnostic', async () => {
  const ds = await client.open(ws.uri('noclock.tinyml.yaml'), 'model: kws.tflite\ntarget: {sram: 1MiB, flash: 1MiB}\nbudgets: {latency: 1us}\n');
  assert.deepEqual(ds, []);
});

test('an inline board with core and clock is costed; the manifest clock overrides', async () => {
  const text = 'model: kws.tflite\ntarget: {sram: 1MiB, flash: 1MiB, core: cortex-m4f, clock: 64MHz}\nclock: 1kHz\nbudgets: {latency: 1s}\n';
  const ds = await client.open(ws.uri('inline-clock.tinyml.yaml'), text);
  // At 1 kHz the kws model takes far longer than a second; at 64 MHz it would not.
  assert.equal(textAt(text, find(ds, 'latency-over-budget').range), '1s');
});

test('runtimes beyond TFLM: ethos-u is valid and runs the Vela custom op that plain TFLM cannot', async () => {
  const cmsis = await client.open(ws.uri('vela-cmsis.tinyml.yaml'), 'model: vela.tflite\nruntime: tflm-cmsis-nn\n');
  assert.equal(find(cmsis, 'op-unsupported').code, 'op-unsupported');
  const npu = await client.open(ws.uri('vela-npu.tinyml.yaml'), 'model: vela.tflite\nruntime: ethos-u\n');
  assert.deepEqual(npu, []);
  for (const runtime of ['tflm-esp-nn', 'edgetpu']) {
    const text = `model: custom.tflite\nruntime: ${runtime}\n`;
    const ds = await client.open(ws.uri(`custom-${runtime}.tinyml.yaml`), text);
    const d = find(ds, 'op-unsupported');
    assert.equal(textAt(text, d.range), runtime);
    assert.equal((d.data as { runtime: string }).runtime, runtime);
    assert.ok(!ds.some((x) => x.code === 'unknown-runtime'));
  }
});

test('hover on runtime tells what the runtime does with this model', async () => {
  const uri = ws.uri('rt-hover.tinyml.yaml');
  await client.open(uri, 'model: kws.tflite\nruntime: tflm-cmsis-nn\n');
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 12 } });
  assert.match((hover.contents as MarkupContent).value, /This model: \d+ optimized/);
});
