import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

let ws: TestWorkspace;
let client: LspClient;

/** float32 FC model with an open sequence dimension: x [1, 1, 16] (signature [1, -1, 16]) -> FC keep_num_dims. */
function openSequenceModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'frames', shape: [1, 1, 16], shapeSignature: [1, -1, 16], dtype: 'FLOAT32' });
  const w = g.constant({ name: 'w', shape: [32, 16], dtype: 'FLOAT32', data: Array(32 * 16).fill(0.01) });
  g.output(g.op('FULLY_CONNECTED', { inputs: [x, w], output: { name: 'y', shape: [1, 1, 32], shapeSignature: [1, -1, 32], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'NONE', keepNumDims: true } }));
  return m.finish();
}

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, { prepare: () => ws.write('seq.tflite', openSequenceModel()) });

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();

test('a dynamic input without input_shapes: is a warning on model:', async () => {
  const text = 'model: seq.tflite\nruntime: tflm-reference\nbudgets: {ram: 4KiB}\n';
  const ds = await client.open(ws.uri('open.tinyml.yaml'), text);
  assert.deepEqual(codes(ds), ['dynamic-input-shape']);
  assert.equal(textAt(text, ds[0]!.range), 'seq.tflite');
  assert.equal(ds[0]!.severity, 2);
  assert.deepEqual(ds[0]!.data, { input: 0, name: 'frames', signature: [1, -1, 16], shape: [1, 1, 16] });
});

test('input_shapes: is analysed: the warning goes and the larger arena can exceed a budget', async () => {
  const text = 'model: seq.tflite\nruntime: tflm-reference\ninput_shapes:\n  frames: [1, 100, 16]\nbudgets: {ram: 4KiB}\n';
  const ds = await client.open(ws.uri('shaped.tinyml.yaml'), text);
  // 100 frames: input 6,400 B + output 12,800 B, well over 4 KiB.
  assert.deepEqual(codes(ds), ['ram-over-budget']);
});

test('an input_shapes: entry that does not fit the model is an error on that entry', async () => {
  const text = 'model: seq.tflite\nruntime: tflm-reference\ninput_shapes:\n  frames: [1, 100, 8]\n';
  const ds = await client.open(ws.uri('bad.tinyml.yaml'), text);
  const bad = ds.find((d) => d.code === 'input-shape-invalid');
  assert.ok(bad, JSON.stringify(codes(ds)));
  assert.equal(textAt(text, bad.range), '[1, 100, 8]');
  assert.match(typeof bad.message === 'string' ? bad.message : bad.message.value, /dimension 2 of input 0 \(frames\) is fixed at 16/);
});
