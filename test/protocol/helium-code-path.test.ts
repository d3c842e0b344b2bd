import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { modelHover } from './helpers/hover.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const hover = (name: string, text: string): Promise<string> => modelHover(client, ws, name, text);

test('a Helium target: the manifest\'s figures are CMSIS-NN\'s MVE ones, a DSP core keeps the DSP ones', async () => {
  const m55 = await hover('m55.tinyml.yaml', 'model: kws.tflite\ntarget: cortex-m55\nruntime: tflm-cmsis-nn\n');
  const m4 = await hover('m4.tinyml.yaml', 'model: kws.tflite\ntarget: cortex-m4f\nruntime: tflm-cmsis-nn\n');
  const model = readTflite(readFileSync(ws.path('kws.tflite')));
  const arena = (path: 'mve' | 'dsp'): string => `${analyzeModel(model, 'tflm-cmsis-nn', {}, path).memory.minArenaBytes.toLocaleString('en-US')} B, for \`kTensorArenaSize\``;
  assert.notEqual(arena('mve'), arena('dsp'), 'the example\'s depthwise layers need more scratch on MVE');
  assert.ok(m55.includes(arena('mve')), m55);
  assert.match(m55, /Helium \(MVE\) code path/);
  assert.ok(m4.includes(arena('dsp')), m4);
  assert.match(m4, /DSP code path/);
});

test('cortex-m0plus: the plain-C path (no DSP) is named', async () => {
  const m0 = await hover('m0.tinyml.yaml', 'model: kws.tflite\ntarget: cortex-m0plus\nruntime: tflm-cmsis-nn\n');
  assert.match(m0, /plain-C code path/);
});
