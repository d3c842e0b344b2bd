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

test('a RISC-V or Xtensa target: the manifest\'s figures have 4-byte enums; an Arm part and no target keep Arm\'s', async () => {
  const c3 = await hover('c3.tinyml.yaml', 'model: kws.tflite\ntarget: esp32c3\nruntime: tflm-reference\n');
  const s3 = await hover('s3.tinyml.yaml', 'model: kws.tflite\ntarget: esp32s3\nruntime: tflm-reference\n');
  const nrf = await hover('nrf.tinyml.yaml', 'model: kws.tflite\ntarget: nrf52840\nruntime: tflm-reference\n');
  const none = await hover('none.tinyml.yaml', 'model: kws.tflite\nruntime: tflm-reference\n');
  const model = readTflite(readFileSync(ws.path('kws.tflite')));
  const arena = (abi: 'arm-eabi' | 'int-enum'): string => `${analyzeModel(model, 'tflm-reference', {}, 'dsp', abi).memory.minArenaBytes.toLocaleString('en-US')} B, for \`kTensorArenaSize\``;
  assert.notEqual(arena('int-enum'), arena('arm-eabi'));
  for (const h of [c3, s3]) {
    assert.ok(h.includes(arena('int-enum')), h);
    assert.match(h, /4-byte enums/);
  }
  for (const h of [nrf, none]) {
    assert.ok(h.includes(arena('arm-eabi')), h);
    assert.match(h, /1-byte enums/);
  }
});
