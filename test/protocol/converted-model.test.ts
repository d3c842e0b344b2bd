import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { CodeLens, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { convertModel } from '../../server/src/convert/index.ts';
import { convNetOnnx, unmappedOnnx, weightlessKeras } from '../unit/helpers/source-models.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

// A manifest may name an .onnx or a .keras: its figures are those of the .tflite `convert` writes (issue 13 point 3).
let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    const onnx = convNetOnnx();
    ws.write('net.onnx', onnx);
    // The bytes `tinyml-lens convert` writes (it calls the same convertModel).
    ws.write('net.tflite', convertModel({ format: 'onnx', name: 'net.onnx', bytes: onnx }).tflite);
    ws.write('bad.onnx', unmappedOnnx());
    ws.write('m.keras', weightlessKeras());
    ws.write('lambda.keras', weightlessKeras(true));
  },
});

const manifest = (model: string): string => `model: ${model}\nruntime: tflm-cmsis-nn\ntarget: nrf52840\nbudgets: {ram: 1KiB, flash: 1KiB}\n`;
const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
/** What a diagnostic says apart from the model's own name and path. */
const essence = (ds: Diagnostic[]): object[] => ds.map((d) => {
  const data = { ...(d.data as Record<string, unknown> | undefined) };
  delete data.path;
  return { code: d.code, severity: d.severity, range: d.range.start.line, data };
}).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

test('a manifest naming an .onnx gets the diagnostics of one naming the .tflite convert writes, figures to the byte', async () => {
  const fromOnnx = await client.open(ws.uri('onnx.tinyml.yaml'), manifest('net.onnx'));
  const fromTflite = await client.open(ws.uri('tflite.tinyml.yaml'), manifest('net.tflite'));
  assert.ok(fromOnnx.some((d) => d.code === 'ram-over-budget'), JSON.stringify(fromOnnx));
  assert.ok(fromOnnx.some((d) => d.code === 'flash-over-budget'), JSON.stringify(fromOnnx));
  assert.deepEqual(essence(fromOnnx), essence(fromTflite));
  const ram = fromOnnx.find((d) => d.code === 'ram-over-budget')!.data as { need: number };
  assert.ok(ram.need >= ws.analysis('net.tflite').memory.minArenaBytes, 'the arena of the converted model is in the need');
});

test('hover and lens on an .onnx model: the converted figures, labelled as converted by TinyML Lens', async () => {
  const text = manifest('net.onnx');
  const uri = ws.uri('hover.tinyml.yaml');
  await client.open(uri, text);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
  const value = hoverText(hover);
  assert.match(value, /as converted by TinyML Lens \(from ONNX opset 13/);
  assert.ok(value.includes(ws.analysis('net.tflite').memory.minArenaBytes.toLocaleString('en-US')), value);
  assert.equal(textAt(text, hover!.range!), 'net.onnx');
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.match(lenses[0]?.command?.title ?? '', /as converted by TinyML Lens/);
});

test('a conversion error is model-not-converted on the model: value, with the converter\'s located reason', async () => {
  for (const [model, where] of [['bad.onnx', /gru0/], ['lambda.keras', /\bfn\b/]] as const) {
    const text = manifest(model);
    const ds = await client.open(ws.uri(`refused-${model}.tinyml.yaml`), text);
    const d = ds.find((x) => x.code === 'model-not-converted');
    assert.ok(d, JSON.stringify(ds));
    assert.equal(textAt(text, d.range), model);
    assert.match((d.data as { where: string }).where, where);
    assert.match(String(d.message), /not converted by TinyML Lens/);
    assert.ok(!ds.some((x) => x.code === 'ram-over-budget'), 'no figures for a model that does not convert');
  }
});

test('a .keras model: figures and no model problem', async () => {
  const ds = await client.open(ws.uri('keras.tinyml.yaml'), 'model: m.keras\nruntime: tflm-reference\nbudgets: {ram: 1MiB, flash: 1MiB}\n');
  assert.deepEqual(ds.filter((d) => String(d.code).startsWith('model-') || d.code === 'analysis-limit'), []);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: ws.uri('keras.tinyml.yaml') }, position: { line: 0, character: 9 } });
  assert.match(hoverText(hover), /Keras \.keras file, Keras 3\.4\.1/);
});

test('the converters run in the analysis worker only: the server bundle carries none of them', () => {
  const dist = resolve(__dirname, '../../dist');
  // A string of the ONNX reader's errors: minification keeps it wherever the converter is bundled.
  const marker = 'ModelProto.opset_import';
  assert.ok(readFileSync(join(dist, 'analysis-worker.js'), 'utf8').includes(marker));
  assert.ok(!readFileSync(join(dist, 'server.js'), 'utf8').includes(marker), 'dist/server.js bundles a converter');
});
