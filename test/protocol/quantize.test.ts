import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { QuantizableRequest, QuantizeRequest, type QuantizableResult, type QuantizeResult } from '../../server/src/lsp/protocol.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { floatConvModel } from '../unit/helpers/float-conv.ts';
import { npy } from '../unit/helpers/npy.ts';
import { convNetOnnx } from '../unit/helpers/source-models.ts';
import { savedMlp } from '../unit/helpers/keras-models.ts';
import { cancelHalfway, until } from './helpers/cancel.ts';
import type { LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    mkdirSync(ws.path('samples'));
    for (let k = 0; k < 6; k++) writeFileSync(ws.path(`samples/x${k}.npy`), npy([1, 1], [k * 1.2]));
    writeFileSync(ws.path('conv.tflite'), floatConvModel());
    writeFileSync(ws.path('net.onnx'), convNetOnnx());
    const { bytes, shards } = await savedMlp();
    mkdirSync(ws.path('tfjs'));
    writeFileSync(ws.path('tfjs/model.json'), bytes);
    for (const [name, b] of shards) writeFileSync(ws.path(join('tfjs', name)), b);
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

test('work-done progress: begin, percentages per sample that only grow, and end', async () => {
  const values: { kind: string; percentage?: number }[] = [];
  const listener = client.connection.onNotification('$/progress', (p: { token: string; value: { kind: string; percentage?: number } }) => {
    if (p.token === 'quantize-progress-1') values.push(p.value);
  });
  const r = await quantize({ modelUri: ws.uri('sine.tflite'), random: { count: 10, low: 0, high: 6 }, workDoneToken: 'quantize-progress-1' });
  assert.equal(r.kind, 'ok');
  await until(() => values.some((v) => v.kind === 'end'));
  listener.dispose();
  assert.equal(values[0]!.kind, 'begin');
  const percents = values.filter((v) => v.kind === 'report').map((v) => v.percentage!);
  assert.ok(percents.length >= 10, `a report per sample run: ${percents.join(', ')}`);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b));
  assert.equal(percents[percents.length - 1], 100);
  assert.equal(values[values.length - 1]!.kind, 'end');
});

test('cancelling the request stops its worker and answers cancelled, with no model', async () => {
  const run = await cancelHalfway<QuantizeResult>(client, QuantizeRequest.method, { modelUri: ws.uri('conv.tflite'), random: { count: 400, low: -1, high: 1 } }, 'quantize-cancel-1');
  const r = run.result;
  assert.ok(r.kind === 'error' && r.code === 'cancelled', JSON.stringify(r).slice(0, 200));
  assert.ok(Math.max(...run.percents) < 100, 'it stopped before the end');
  assert.equal(run.cancelledAfter, run.cancelledBefore + 1, 'the job was cancelled in the pool (its worker terminated)');
  // The pool still works after the terminated worker is replaced.
  const again = await quantize({ modelUri: ws.uri('sine.tflite'), random: { count: 3, low: 0, high: 6 } });
  assert.equal(again.kind, 'ok');
});

test('a request cancelled as soon as it is sent answers cancelled, with no model', async () => {
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest<QuantizeResult>(QuantizeRequest.method, { modelUri: ws.uri('conv.tflite'), random: { count: 400, low: -1, high: 1 } }, source.token);
  source.cancel();
  const r = await pending;
  assert.ok(r.kind === 'error' && r.code === 'cancelled', JSON.stringify(r).slice(0, 200));
});

test('quantizable: float models are offered, an int8 model is refused with its reason, a missing one says so', async () => {
  const uris = [ws.uri('sine.tflite'), ws.uri('kws.tflite'), ws.uri('conv.tflite'), ws.uri('nope.tflite'), 'untitled:model.tflite'];
  const r = await client.request<QuantizableResult>(QuantizableRequest.method, { uris });
  assert.deepEqual(r.models.map((m) => [m.uri, m.float, m.reason === null]), [
    [uris[0], true, true], [uris[1], false, false], [uris[2], true, true], [uris[3], false, false], [uris[4], false, false],
  ]);
  assert.match(r.models[1]!.reason!, /INT8: Quantize to int8 takes a float32/);
  assert.match(r.models[3]!.reason!, /no such file/);
  const none = await client.request<QuantizableResult>(QuantizableRequest.method, { uris: 'not a list' });
  assert.deepEqual(none.models, [], 'bad parameters get an empty answer, not an error');
});

test('a source model (.onnx, TF.js layers model.json) is converted, then quantized: the bytes of dist/cli.js quantize on the same file', async () => {
  const cliJs = resolve(__dirname, '../../dist/cli.js');
  for (const [name, suggested] of [['net.onnx', 'net_int8.tflite'], ['tfjs/model.json', 'model_int8.tflite']] as const) {
    const r = await quantize({ modelUri: ws.uri(name), random: { count: 8, low: -1, high: 1 } });
    assert.equal(r.kind, 'ok', JSON.stringify(r).slice(0, 300));
    if (r.kind !== 'ok') return;
    assert.equal(r.suggestedName, suggested);
    const out = ws.path(`cli-${suggested}`);
    execFileSync(process.execPath, [cliJs, 'quantize', ws.path(name), '--out', out, '--random', '8', '--range=-1,1', '--quiet'], { stdio: 'pipe' });
    assert.deepEqual(new Uint8Array(Buffer.from(r.base64, 'base64')), new Uint8Array(readFileSync(out)), `${name}: the editor's int8 model is the CLI's`);
    // The arenas before are the converted float model's, after the int8 model's.
    assert.ok(r.arena.every((a) => a.before > 0 && a.after > 0), JSON.stringify(r.arena));
  }
  const verdicts = await client.request<QuantizableResult>(QuantizableRequest.method, { uris: [ws.uri('net.onnx'), ws.uri('tfjs/model.json'), ws.uri('notes.txt')] });
  assert.deepEqual(verdicts.models.map((m) => [m.float, m.reason === null]), [[true, true], [true, true], [false, false]]);
});
