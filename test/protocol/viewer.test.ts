/** `tinymlLens/viewer` over the real server bundle: figures from the worker's analysis, pickers, located errors. */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ViewerResult } from '../../server/src/lsp/viewer-protocol.ts';
import { graphModelFiles } from '../unit/helpers/tfjs-fixtures.ts';
import { convertModel } from '../../server/src/convert/index.ts';
import { convNetOnnx } from '../unit/helpers/source-models.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    const files = graphModelFiles();
    mkdirSync(ws.path('graph'), { recursive: true });
    ws.write(join('graph', 'model.json'), files.json);
    for (const [name, bytes] of files.shards) ws.write(join('graph', name), bytes);
    ws.write('net.onnx', convNetOnnx());
    ws.write('net.tflite', convertModel({ format: 'onnx', name: 'net.onnx', bytes: convNetOnnx() }).tflite);
  },
});

const viewer = (uri: string, runtime?: string, target?: string): Promise<ViewerResult> =>
  client.request<ViewerResult>('tinymlLens/viewer', { uri, ...(runtime ? { runtime } : {}), ...(target !== undefined ? { target } : {}) });

test('a .tflite: the arena to the byte, the plan, the graph, pickers; a target adds times', async () => {
  const r = await viewer(ws.uri('kws.tflite'), 'tflm-cmsis-nn', 'nrf52840');
  assert.equal(r.kind, 'model');
  if (r.kind !== 'model') return;
  const report = ws.analysis('kws.tflite');
  assert.equal(r.summary.arenaBytes, report.memory.minArenaBytes);
  assert.equal(r.plan?.buffers.length, report.detail.buffers.length);
  assert.equal(r.layers.length, report.layers.length);
  assert.equal(r.target?.id, 'nrf52840');
  assert.ok(r.summary.seconds !== null && r.layers.every((l) => l.seconds !== null), 'a catalog board with a clock gives times');
  assert.ok(r.runtimes.some((x) => x.id === 'tflm-reference') && r.targets.length >= 20);
  const none = await viewer(ws.uri('kws.tflite'), 'tflm-reference', '');
  assert.ok(none.kind === 'model' && none.target === null && none.summary.seconds === null && none.runtime === 'tflm-reference');
});

test('a truncated model is a located error, a missing one says so, an unknown runtime too', async () => {
  const bad = await viewer(ws.uri('truncated.tflite'));
  assert.equal(bad.kind, 'error');
  assert.ok(bad.kind === 'error' && bad.code === 'malformed' && typeof bad.offset === 'number' && bad.message.includes('offset'));
  const missing = await viewer(ws.uri('nope.tflite'));
  assert.ok(missing.kind === 'error' && missing.code === 'missing');
  const runtime = await viewer(ws.uri('kws.tflite'), 'no-such-runtime');
  assert.ok(runtime.kind === 'error' && runtime.code === 'runtime');
});

test('a TF.js model.json: per-layer estimates, no arena plan', async () => {
  const r = await viewer(ws.uri('graph/model.json'));
  assert.equal(r.kind, 'model');
  if (r.kind !== 'model') return;
  assert.equal(r.format, 'tfjs');
  assert.equal(r.plan, null);
  assert.ok(r.layers.length > 0 && r.summary.arenaExact === false);
});

test('an .onnx: the converted model\'s arena, plan and graph (those of the .tflite convert writes), labelled as converted', async () => {
  const r = await viewer(ws.uri('net.onnx'), 'tflm-cmsis-nn', '');
  assert.equal(r.kind, 'model', JSON.stringify(r).slice(0, 300));
  if (r.kind !== 'model') return;
  const report = ws.analysis('net.tflite', 'tflm-cmsis-nn');
  assert.equal(r.summary.arenaBytes, report.memory.minArenaBytes);
  assert.equal(r.layers.length, report.layers.length);
  assert.ok(r.plan !== null);
  assert.match(r.notes[0] ?? '', /net\.onnx as converted by TinyML Lens \(from ONNX opset 13/);
});
