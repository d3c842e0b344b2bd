import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import { convertModel } from '../../server/src/convert/index.ts';
import { convNetOnnx, unmappedOnnx, weightlessKeras } from '../unit/helpers/source-models.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { assertSameAsConverted, hoverText, modelValueHover, tightManifest } from './helpers/converted.ts';
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

const manifest = tightManifest;

test('a manifest naming an .onnx gets the diagnostics of one naming the .tflite convert writes, figures to the byte', async () => {
  await assertSameAsConverted(client, ws, 'net.onnx', 'net.tflite');
});

test('hover and lens on an .onnx model: the converted figures, labelled as converted by TinyML Lens', async () => {
  const { value, covers, uri } = await modelValueHover(client, ws, 'net.onnx');
  assert.match(value, /as converted by TinyML Lens \(from ONNX opset 13/);
  assert.ok(value.includes(ws.analysis('net.tflite').memory.minArenaBytes.toLocaleString('en-US')), value);
  assert.equal(covers, 'net.onnx');
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
