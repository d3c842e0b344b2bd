import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelHover } from './helpers/hover.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const hover = (name: string, text: string): Promise<string> => modelHover(client, ws, name, text);

test('a manifest without runtime: analyses for the board runtime fit picks, and the model hover says so', async () => {
  const esp = await hover('esp.tinyml.yaml', 'model: kws.tflite\ntarget: esp32s3\n');
  assert.match(esp, /Runtime `tflm-esp-nn`: the target's own/);
  // ESP-NN's memory stand-in is TFLM's reference kernel set.
  assert.match(esp, /for `tflm-reference`/);
  const named = await hover('named.tinyml.yaml', 'model: kws.tflite\ntarget: esp32s3\nruntime: tflm-cmsis-nn\n');
  assert.doesNotMatch(named, /the target's own/);
  assert.match(named, /for `tflm-cmsis-nn`/);
});
