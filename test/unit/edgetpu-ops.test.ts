import assert from 'node:assert/strict';
import { test } from 'node:test';
import edgetpuJson from '../../server/src/targets/data/edgetpu.json';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport, memoryKernelsFor } from '../../server/src/analysis/support/index.js';
import { edgeTpuRejection } from '../../server/src/analysis/support/npu.js';
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { EDGETPU, loadEdgeTpu } from '../../server/src/targets/ops.js';

const Q = { scale: [0.1], zeroPoint: [0] };
const SOFTMAX_Q = { scale: [1 / 256], zeroPoint: [-128] };

function int8(name: string, shape: number[], quant = Q) {
  return { name, shape, dtype: 'INT8' as const, quant };
}

function edgetpu(bytes: Uint8Array) {
  const model = readTflite(bytes);
  return checkSupport(model, 'edgetpu', analyzeModel(model, memoryKernelsFor('edgetpu')).detail.failures);
}

/** One model whose subgraph is made by `body`; returns the rejection of its layer `index`. */
function rejection(body: (g: SubgraphBuilder) => void, index = 0): string | null {
  const m = new ModelBuilder();
  body(m.subgraph('main'));
  const sg = readTflite(m.finish()).subgraphs[0]!;
  return edgeTpuRejection(sg, sg.operators[index]!);
}

function softmax(g: SubgraphBuilder, shape: number[], input?: TensorRef): TensorRef {
  const x = input ?? g.input(int8('x', shape));
  return g.op('SOFTMAX', { inputs: [x], output: int8('s', shape, SOFTMAX_Q), options: { beta: 1 } });
}

function squeeze(g: SubgraphBuilder, from: number[], to: number[], dims: number[], input?: TensorRef): TensorRef {
  const x = input ?? g.input(int8('x', from));
  return g.op('SQUEEZE', { inputs: [x], output: int8('q', to), options: { squeezeDims: dims } });
}

function stridedSlice(g: SubgraphBuilder, masks: { ellipsisMask?: number; newAxisMask?: number }): TensorRef {
  const x = g.input(int8('x', [1, 4, 8]));
  const vec = (name: string, data: number[]) => g.constant({ name, shape: [3], dtype: 'INT32', data });
  return g.op('STRIDED_SLICE', {
    inputs: [x, vec('begin', [0, 0, 0]), vec('end', [1, 4, 4]), vec('strides', [1, 1, 1])],
    output: int8('y', [1, 4, 4]),
    options: { beginMask: 0, endMask: 0, ellipsisMask: masks.ellipsisMask ?? 0, newAxisMask: masks.newAxisMask ?? 0, shrinkAxisMask: 0 },
  });
}

function fullyConnected(g: SubgraphBuilder, batch: number): TensorRef {
  const x = g.input(int8('x', [batch, 8]));
  const w = g.constant({ name: 'w', shape: [4, 8], dtype: 'INT8', data: new Array(32).fill(1), quant: Q });
  return g.op('FULLY_CONNECTED', { inputs: [x, w, null], output: int8('y', [batch, 4]), options: { fusedActivationFunction: 'NONE' } });
}

function prelu(g: SubgraphBuilder, alphaShape: number[]): TensorRef {
  const x = g.input(int8('x', [1, 2, 8]));
  const count = alphaShape.reduce((a, b) => a * b, 1);
  const alpha = g.constant({ name: 'alpha', shape: alphaShape, dtype: 'INT8', data: new Array(count).fill(1), quant: Q });
  return g.op('PRELU', { inputs: [x, alpha], output: int8('y', [1, 2, 8]) });
}

test('edgetpu.json: every row resolves its citations; an unknown check or source key is a load error', () => {
  assert.ok(EDGETPU.ops.size >= 40);
  for (const row of EDGETPU.ops.values()) assert.ok(row.sources.length > 0 && row.sources.every((s) => /https:\/\//.test(s)), row.op);
  assert.equal(EDGETPU.ops.get('SUM')?.since, 'Edge TPU runtime v13 (compiler 2.0.291256449)');
  const edit = (change: (d: typeof edgetpuJson) => void) => {
    const copy = structuredClone(edgetpuJson);
    change(copy);
    return () => loadEdgeTpu(copy);
  };
  assert.throws(edit((d) => { d.ops[0]!.source = 'coral-table, nowhere'; }), /ops\[0\]\.source: 'nowhere'/);
  assert.throws(edit((d) => { Object.assign(d.ops[1]!, { checks: ['input-must-be-4d'] }); }), /ops\[1\]\.checks/);
});

test('Edge TPU: the later rows of Coral\'s table (transpose, squeeze, softmax) map to the TPU', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(int8('x', [1, 4, 8]));
  const perm = g.constant({ name: 'perm', shape: [3], dtype: 'INT32', data: [0, 2, 1] });
  const t = g.op('TRANSPOSE', { inputs: [x, perm], output: int8('t', [1, 8, 4]) });
  const shape = g.constant({ name: 'shape', shape: [3], dtype: 'INT32', data: [1, 1, 32] });
  const r = g.op('RESHAPE', { inputs: [t, shape], output: int8('r', [1, 1, 32]) });
  g.output(softmax(g, [1, 32], squeeze(g, [1, 1, 32], [1, 32], [1], r)));
  const s = edgetpu(m.finish());
  assert.deepEqual(s.layers.map((l) => [l.op, l.unit]), [['TRANSPOSE', 'npu'], ['RESHAPE', 'npu'], ['SQUEEZE', 'npu'], ['SOFTMAX', 'npu']]);
});

test('Edge TPU: a softmax over more than 16,000 elements splits the graph; the op after it runs on the CPU too', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(int8('x', [1, 16384]));
  const a = g.op('ADD', { inputs: [x, x], output: int8('a', [1, 16384]), options: { fusedActivationFunction: 'NONE' } });
  const s = softmax(g, [1, 16384], a);
  g.output(g.op('ADD', { inputs: [s, s], output: int8('b', [1, 16384]), options: { fusedActivationFunction: 'NONE' } }));
  const report = edgetpu(m.finish());
  assert.deepEqual(report.layers.map((l) => l.unit), ['npu', 'cpu', 'cpu']);
  assert.match(report.layers[1]!.reason ?? '', /16384 elements \(at most 16,000\)/);
  assert.match(report.layers[2]!.reason ?? '', /split at SOFTMAX \(layer 1\)/);
});

test('Edge TPU: each IR-checkable limit keeps the op on the CPU when broken, and only then', () => {
  const cases: [string, (g: SubgraphBuilder) => void, RegExp | null][] = [
    ['softmax [1, 8]', (g) => { softmax(g, [1, 8]); }, null],
    ['softmax [2, 8]', (g) => { softmax(g, [2, 8]); }, /only a one-dimensional input/],
    ['squeeze [1,5,10] -> [5,10]', (g) => { squeeze(g, [1, 5, 10], [5, 10], [0]); }, null],
    ['squeeze [5,1,10] -> [5,10]', (g) => { squeeze(g, [5, 1, 10], [5, 10], [1]); }, /relayout/],
    ['strided slice, masks 0', (g) => { stridedSlice(g, {}); }, null],
    ['strided slice, ellipsis mask', (g) => { stridedSlice(g, { ellipsisMask: 1 }); }, /ellipsis mask 1/],
    ['strided slice, new-axis mask', (g) => { stridedSlice(g, { newAxisMask: 2 }); }, /new-axis mask 2/],
    ['fully connected, batch 1', (g) => { fullyConnected(g, 1); }, null],
    ['fully connected, batch 2', (g) => { fullyConnected(g, 2); }, /only a one-dimensional output/],
    ['prelu, alpha [8]', (g) => { prelu(g, [8]); }, null],
    ['prelu, alpha [2, 8]', (g) => { prelu(g, [2, 8]); }, /only a one-dimensional alpha/],
  ];
  for (const [name, body, expected] of cases) {
    const why = rejection(body);
    if (expected === null) assert.equal(why, null, name);
    else assert.match(why ?? '', expected, name);
  }
});
