import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport, memoryKernelsFor, SUPPORT_RUNTIMES, type Runtime } from '../../server/src/analysis/support/index.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../../server/src/model/builder/examples.js';
import type { Model } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

function support(bytes: Uint8Array, runtime: Runtime) {
  const model: Model = readTflite(bytes);
  return checkSupport(model, runtime, analyzeModel(model, memoryKernelsFor(runtime)).detail.failures);
}

const Q = { scale: [0.1], zeroPoint: [0] };

/** int8: ADD, LEAKY_RELU, ADD — the Edge TPU list has ADD but not LEAKY_RELU, so the graph splits at layer 1. */
function addLeakyReluAdd(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'INT8', quant: Q });
  const a = g.op('ADD', { inputs: [x, x], output: { name: 'a', shape: [1, 8], dtype: 'INT8', quant: Q }, options: { fusedActivationFunction: 'NONE' } });
  const l = g.op('LEAKY_RELU', { inputs: [a], output: { name: 'l', shape: [1, 8], dtype: 'INT8', quant: Q }, options: { alpha: 0.1 } });
  g.output(g.op('ADD', { inputs: [l, l], output: { name: 'b', shape: [1, 8], dtype: 'INT8', quant: Q }, options: { fusedActivationFunction: 'NONE' } }));
  return m.finish();
}

function powAndCustom(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  const r = g.op('RELU', { inputs: [x], output: { name: 'r', shape: [1, 4], dtype: 'FLOAT32' } });
  const p = g.op('POW', { inputs: [r, r], output: { name: 'p', shape: [1, 4], dtype: 'FLOAT32' } });
  const p2 = g.op('POW', { inputs: [p, p], output: { name: 'p2', shape: [1, 4], dtype: 'FLOAT32' } });
  g.output(g.customOp('MyFancyOp', { inputs: [p2], output: { name: 'c', shape: [1, 4], dtype: 'FLOAT32' } }));
  return m.finish();
}

test('CMSIS-NN: int8 convolutions get the optimized kernel, reshape stays on the reference kernel', () => {
  const s = support(buildKwsDsCnnInt8(), 'tflm-cmsis-nn');
  const conv = s.layers.find((l) => l.op === 'CONV_2D');
  assert.equal(conv?.verdict, 'optimized');
  assert.equal(conv?.kernel, 'arm_convolve_wrapper_s8');
  assert.equal(s.layers.find((l) => l.op === 'RESHAPE')?.verdict, 'reference');
  assert.deepEqual(s.unsupported, []);
});

test('the reference runtime has no optimized kernels; float FC on CMSIS-NN falls back to reference', () => {
  assert.ok(support(buildKwsDsCnnInt8(), 'tflm-reference').layers.every((l) => l.verdict === 'reference'));
  const fc = support(buildSineFloat(), 'tflm-cmsis-nn').layers.filter((l) => l.op === 'FULLY_CONNECTED');
  assert.ok(fc.length > 0 && fc.every((l) => l.verdict === 'reference' && /falls back/.test(l.reason ?? '')));
});

test('ESP-NN optimizes int8 depthwise convolutions; Ethos-U places int8 ops on the NPU, float ones on the CPU', () => {
  assert.equal(support(buildKwsDsCnnInt8(), 'tflm-esp-nn').layers.find((l) => l.op === 'DEPTHWISE_CONV_2D')?.kernel, 'esp_nn_depthwise_conv_s8');
  assert.ok(support(buildKwsDsCnnInt8(), 'ethos-u').layers.filter((l) => l.op === 'CONV_2D').every((l) => l.unit === 'npu'));
  const sine = support(buildSineFloat(), 'ethos-u');
  assert.ok(sine.layers.every((l) => l.unit === 'cpu' && /FLOAT32/.test(l.reason ?? '')));
});

test('an unsupported op is reported with op, dtype, layer indices and subgraph on every runtime; custom ops are flagged', () => {
  for (const runtime of SUPPORT_RUNTIMES) {
    const s = support(powAndCustom(), runtime);
    const pow = s.unsupported.find((u) => u.op === 'POW');
    assert.deepEqual(pow && { dtype: pow.dtype, subgraph: pow.subgraph, layers: pow.layers }, { dtype: 'FLOAT32', subgraph: 0, layers: [1, 2] }, runtime);
    const custom = s.layers.find((l) => l.op === 'CUSTOM:MyFancyOp');
    assert.equal(custom?.custom, true);
    assert.equal(custom?.verdict, 'unsupported');
    assert.match(custom?.reason ?? '', /register/);
    assert.deepEqual(s.customOps, ['CUSTOM:MyFancyOp']);
  }
});

test('every subgraph is checked (IF branches included)', () => {
  const model = readTflite(buildIfModel());
  assert.ok(model.subgraphs.length > 1);
  const s = checkSupport(model, 'tflm-cmsis-nn', []);
  assert.deepEqual([...new Set(s.layers.map((l) => l.subgraph))].sort(), model.subgraphs.map((g) => g.index));
  assert.equal(s.layers.length, model.subgraphs.reduce((n, g) => n + g.operators.length, 0));
});

test('Edge TPU: ops map up to the first unmappable one; it and everything after run on the CPU', () => {
  const s = support(addLeakyReluAdd(), 'edgetpu');
  assert.deepEqual(s.layers.map((l) => l.unit), ['npu', 'cpu', 'cpu']);
  assert.match(s.layers[2]!.reason ?? '', /split at LEAKY_RELU \(layer 1\)/);
  assert.ok(s.notes.some((n) => /split/.test(n)));
  // More than one subgraph: the compiler maps nothing.
  const multi = readTflite(buildIfModel());
  assert.ok(checkSupport(multi, 'edgetpu', []).layers.every((l) => l.unit === 'cpu'));
});
