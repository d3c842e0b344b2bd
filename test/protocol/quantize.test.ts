import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { QuantizeRequest, type QuantizeResult } from '../../server/src/lsp/protocol.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { npy } from '../unit/helpers/npy.ts';
import type { LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    mkdirSync(ws.path('samples'));
    for (let k = 0; k < 6; k++) writeFileSync(ws.path(`samples/x${k}.npy`), npy([1, 1], [k * 1.2]));
  },
});

const quantize = (params: object): Promise<QuantizeResult> => client.request<QuantizeResult>(QuantizeRequest.method, params);

test('a float model and a folder of samples: an int8 model that reads back, with sizes, arenas and errors', async () => {
  const r = await quantize({ modelUri: ws.uri('sine.tflite'), dataFolderUri: pathToFileURL(ws.path('samples')).toString() });
  assert.equal(r.kind, 'ok', JSON.stringify(r).slice(0, 300));
  if (r.kind !== 'ok') return;
  assert.equal(r.suggestedName, 'sine_int8.tflite');
  assert.equal(r.samples, 6);
  const model = readTflite(new Uint8Array(Buffer.from(r.base64, 'base64')));
  const io = [...model.subgraphs[0]!.inputs, ...model.subgraphs[0]!.outputs].map((i) => model.subgraphs[0]!.tensors[i]!.dtype);
  assert.deepEqual(io, ['INT8', 'INT8']);
  assert.equal(r.sizeAfter, model.fileBytes);
  assert.deepEqual(r.arena.map((a) => [a.runtime, a.ok]), [['tflm-reference', true], ['tflm-cmsis-nn', true]]);
  assert.ok(r.errors.length === 1 && r.errors[0]!.maxAbs < 0.2, JSON.stringify(r.errors));
});

test('random data is labelled lower quality; float32 I/O keeps float edges', async () => {
  const r = await quantize({ modelUri: ws.uri('sine.tflite'), random: { count: 20, low: 0, high: 6.3 }, io: 'float32' });
  assert.equal(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  assert.match(r.calibration, /random.*lower quality/);
  const model = readTflite(new Uint8Array(Buffer.from(r.base64, 'base64')));
  assert.equal(model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!.dtype, 'FLOAT32');
});

test('errors are coded: an int8 model, no data, a bad range, an empty folder, a missing model', async () => {
  const int8 = await quantize({ modelUri: ws.uri('kws.tflite'), random: { count: 2, low: 0, high: 1 } });
  assert.ok(int8.kind === 'error' && int8.code === 'unsupported-model', JSON.stringify(int8));
  const none = await quantize({ modelUri: ws.uri('sine.tflite') });
  assert.ok(none.kind === 'error' && none.code === 'params');
  const range = await quantize({ modelUri: ws.uri('sine.tflite'), random: { count: 2, low: 1, high: 1 } });
  assert.ok(range.kind === 'error' && range.code === 'params');
  mkdirSync(ws.path('empty'));
  const empty = await quantize({ modelUri: ws.uri('sine.tflite'), dataFolderUri: pathToFileURL(ws.path('empty')).toString() });
  assert.ok(empty.kind === 'error' && empty.code === 'data' && /no \.npy or \.bin/.test(empty.message));
  const missing = await quantize({ modelUri: ws.uri('nope.tflite'), random: { count: 2, low: 0, high: 1 } });
  assert.ok(missing.kind === 'error' && missing.code === 'model');
});
