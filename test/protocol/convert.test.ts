/**
 * `tinymlLens/convert` through the real server bundle and its analysis workers: the bytes equal what
 * `tinyml-lens convert` writes; an unmapped node answers the converter's located error; work-done progress for int8;
 * cancelling terminates the request's worker and answers cancelled, and the pool works on.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConvertRequest, type ConvertResult } from '../../server/src/lsp/convert-protocol.ts';
import { cli } from '../unit/helpers/cli.ts';
import { buildOnnx, node, randomValues } from '../unit/helpers/onnx-models.ts';
import { cancelHalfway } from './helpers/cancel.ts';
import type { LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

/** A conv net on an `size` x `size` RGB input: at 64, its int8 calibration on hundreds of samples takes a while. */
const convNet = (size: number): Uint8Array => buildOnnx({
  inputs: [{ name: 'x', shape: [1, 3, size, size] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [16, 3, 3, 3], data: randomValues(432, 1) }, { name: 'fc', dims: [16, 2], data: randomValues(32, 2) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
    node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
});

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    writeFileSync(ws.path('net.onnx'), convNet(8));
    writeFileSync(ws.path('big.onnx'), convNet(64));
    writeFileSync(ws.path('bad.onnx'), buildOnnx({
      inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }],
      nodes: [{ ...node('Einsum', ['x'], ['y'], { equation: 'ij->ji' }), name: 'swap_axes' }],
    }));
  },
});

const convert = (params: object): Promise<ConvertResult> => client.request<ConvertResult>(ConvertRequest.method, params);

test('the converted bytes are what tinyml-lens convert writes', async () => {
  const r = await convert({ sourceUri: ws.uri('net.onnx') });
  assert.equal(r.kind, 'ok', JSON.stringify(r).slice(0, 300) + client.logs.join('\n').slice(-3000));
  if (r.kind !== 'ok') return;
  assert.equal(cli('convert', ws.path('net.onnx'), '--out', ws.path('cli.tflite')).code, 0);
  assert.deepEqual(Buffer.from(r.base64, 'base64'), readFileSync(ws.path('cli.tflite')));
  assert.equal(r.suggestedName, 'net.tflite');
});

test('an unmapped node: the converter\'s error, located at the node', async () => {
  const r = await convert({ sourceUri: ws.uri('bad.onnx') });
  assert.ok(r.kind === 'error' && r.code === 'unsupported-op', JSON.stringify(r));
  assert.match(r.message, /swap_axes/);
});

test('int8 reports progress; cancelling stops the worker and answers cancelled, and the pool works on', async () => {
  const run = await cancelHalfway<ConvertResult>(client, ConvertRequest.method, { sourceUri: ws.uri('big.onnx'), int8: { random: { count: 1000, low: -1, high: 1 } } }, 'convert-cancel-1');
  const r = run.result;
  assert.ok(r.kind === 'error' && r.code === 'cancelled', JSON.stringify(r).slice(0, 200));
  assert.ok(Math.max(...run.percents) < 100, 'it stopped before the end');
  assert.equal(run.cancelledAfter, run.cancelledBefore + 1, 'the job was cancelled in the pool (its worker terminated)');
  const again = await convert({ sourceUri: ws.uri('net.onnx'), int8: { random: { count: 3, low: -1, high: 1 } } });
  assert.ok(again.kind === 'ok' && again.int8?.samples === 3, JSON.stringify(again).slice(0, 200));
});
