import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import type { GenerateTflmResult } from '../../server/src/lsp/protocol.ts';
import { GenerateTflmRequest } from '../../server/src/lsp/protocol.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import type { LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { powModel } from '../unit/helpers/models.ts';
import { oneOpModel } from '../unit/helpers/one-op-models.ts';
import { MEASURED_MODELS } from '../measured/models/index.ts';

let ws: TestWorkspace;
let client: LspClient;


serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => { ws.write('pow.tflite', powModel()); ws.write('fc.tflite', oneOpModel('FULLY_CONNECTED', 'INT8')); ws.write('addmul.tflite', MEASURED_MODELS['gen_add_mul_broadcast']!()); },
  settings: { safetyMargin: 10 },
});

const generate = (params: object): Promise<GenerateTflmResult> => client.request<GenerateTflmResult>(GenerateTflmRequest.method, params);

test('a model file: the sources, with the settings runtime and the safety margin on the arena', async () => {
  const r = await generate({ modelUri: ws.uri('kws.tflite') });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  if (r.kind !== 'ok') return;
  const report = analyzeModel(readTflite(readFileSync(ws.path('kws.tflite'))), 'tflm-cmsis-nn');
  assert.equal(r.runtime, 'tflm-cmsis-nn');
  assert.equal(r.arenaBytes, Math.ceil((report.memory.minArenaBytes * 1.1) / 16) * 16);
  assert.deepEqual(r.files.map((f) => f.path).sort(), ['README.md', 'kws_arena.h', 'kws_example.cc', 'kws_model_data.cc', 'kws_model_data.h', 'kws_ops.h']);
});

test("a manifest: its model, its runtime, and the request's own margin", async () => {
  const uri = ws.uri('gen.tinyml.yaml');
  await client.open(uri, 'model: kws.tflite\ntarget: nrf52840\nruntime: tflm-reference\n');
  const r = await generate({ manifestUri: uri, marginPercent: 0 });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  if (r.kind !== 'ok') return;
  const report = analyzeModel(readTflite(readFileSync(ws.path('kws.tflite'))), 'tflm-reference');
  assert.equal(r.runtime, 'tflm-reference');
  assert.equal(r.kernels, 'tflm-reference');
  assert.equal(r.arenaBytes, Math.ceil(report.memory.minArenaBytes / 16) * 16);
});

test("a manifest's RISC-V target (ESP32-C3) sizes the arena with 4-byte enums", async () => {
  const uri = ws.uri('c3.tinyml.yaml');
  await client.open(uri, 'model: addmul.tflite\ntarget: esp32c3\nruntime: tflm-reference\n');
  const r = await generate({ manifestUri: uri, marginPercent: 0 });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  if (r.kind !== 'ok') return;
  const model = readTflite(readFileSync(ws.path('addmul.tflite')));
  const wide = analyzeModel(model, 'tflm-reference', {}, 'dsp', 'int-enum');
  const arm = analyzeModel(model, 'tflm-reference');
  assert.ok(Math.ceil(wide.memory.minArenaBytes / 16) > Math.ceil(arm.memory.minArenaBytes / 16));
  assert.equal(r.arenaBytes, Math.ceil(wide.memory.minArenaBytes / 16) * 16);
  assert.ok(r.notes.some((n) => /4-byte enums/.test(n)), r.notes.join('\n'));
});

test("a manifest's Helium target sizes the arena for CMSIS-NN's MVE path, and says so", async () => {
  const uri = ws.uri('m55.tinyml.yaml');
  await client.open(uri, 'model: fc.tflite\ntarget: cortex-m55\n');
  const r = await generate({ manifestUri: uri, marginPercent: 0 });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  if (r.kind !== 'ok') return;
  const model = readTflite(readFileSync(ws.path('fc.tflite')));
  const mve = analyzeModel(model, 'tflm-cmsis-nn', {}, 'mve').memory.minArenaBytes;
  assert.notEqual(mve, analyzeModel(model, 'tflm-cmsis-nn').memory.minArenaBytes, 'the model must tell the paths apart');
  assert.equal(r.arenaBytes, Math.ceil(mve / 16) * 16);
  assert.ok(r.notes.some((n) => /Helium \(MVE\) path/.test(n)), r.notes.join(' | '));
});

test('errors come back located and coded: an op TFLM lacks, a missing file, the Edge TPU, not a manifest', async () => {
  const pow = await generate({ modelUri: ws.uri('pow.tflite') });
  assert.equal(pow.kind, 'error');
  assert.ok(pow.kind === 'error' && pow.code === 'unsupported-op' && /POW/.test(pow.message));
  const missing = await generate({ modelUri: ws.uri('nope.tflite') });
  assert.ok(missing.kind === 'error' && missing.code === 'model' && /no such file/.test(missing.message));
  const tpu = await generate({ modelUri: ws.uri('kws.tflite'), runtime: 'edgetpu' });
  assert.ok(tpu.kind === 'error' && tpu.code === 'params');
  const notOpen = await generate({ manifestUri: ws.uri('closed.tinyml.yaml') });
  assert.ok(notOpen.kind === 'error' && /not an open deployment manifest/.test(notOpen.message));
});
