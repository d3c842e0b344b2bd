import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { maxRelativeError } from '../../server/src/convert/keras/check.js';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { runTfliteLstm } from './helpers/lstm-reference.js';
import { buildOnnx, compareWithOrt, node, randomValues, runOrt, type GraphSpec, type Init } from './helpers/onnx-models.js';

// ONNX LSTM (PyTorch's nn.LSTM export) against onnxruntime: the converted UNIDIRECTIONAL_SEQUENCE_LSTM's constants
// are run through TFLite's LSTM equations (our float interpreter has no LSTM kernel), Y and Y_h compared with ORT.

const w = (name: string, dims: number[], seed: number, lo = -1, hi = 1): Init => ({ name, dims, data: randomValues(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });

function lstmGraph(steps: number, batch: number, features: number, hidden: number, extra: { layout?: number; attrs?: Record<string, unknown>; inits?: Init[]; inputs?: string[] } = {}): GraphSpec {
  const layout = extra.layout ?? 0;
  const x = layout === 1 ? [batch, steps, features] : [steps, batch, features];
  return {
    opset: layout === 1 ? 14 : 13,
    inputs: [{ name: 'x', shape: x }],
    outputs: [{ name: 'y' }, { name: 'yh' }],
    inits: [w('W', [1, 4 * hidden, features], 1), w('R', [1, 4 * hidden, hidden], 2), w('B', [1, 8 * hidden], 3), ...(extra.inits ?? [])],
    nodes: [node('LSTM', extra.inputs ?? ['x', 'W', 'R', 'B'], ['y', 'yh'], { hidden_size: hidden, ...(layout ? { layout } : {}), ...(extra.attrs ?? {}) } as never)],
  };
}

async function checkLstm(g: GraphSpec, seqShape: number[]): Promise<void> {
  const bytes = buildOnnx(g);
  const c = convertOnnx({ format: 'onnx', name: 'lstm.onnx', bytes });
  const model = readTflite(c.tflite);
  assert.deepEqual(model.subgraphs[0]!.operators.map((o) => o.opName).sort(), ['RESHAPE', 'RESHAPE', 'STRIDED_SLICE', 'UNIDIRECTIONAL_SEQUENCE_LSTM']);
  const dims = g.inputs[0]!.shape as number[];
  const x = randomValues(dims.reduce((a, b) => a * b, 1), 7);
  const [y, yh] = await runOrt(bytes, new Map([['x', { data: x, dims }]]), ['y', 'yh']);
  const ours = runTfliteLstm(model, x);
  assert.ok(maxRelativeError(ours, y!) <= 1e-5, `Y: ${maxRelativeError(ours, y!)}`);
  // Y_h: the last step of every batch entry.
  const [a, b, units] = seqShape as [number, number, number];
  const timeMajor = (g.nodes[0]!.attrs as { layout?: number }).layout !== 1;
  const last = timeMajor ? ours.subarray((a - 1) * b * units) : Float32Array.from({ length: a * units }, (_, i) => ours[(Math.floor(i / units) * b + b - 1) * units + (i % units)]!);
  assert.ok(maxRelativeError(last, yh!) <= 1e-5, `Y_h: ${maxRelativeError(last, yh!)}`);
  for (const rt of ['tflm-reference', 'tflm-cmsis-nn'] as const) assert.equal(analyzeModel(model, rt).status, 'ok', rt);
}

test('ONNX LSTM (time-major, batch 2) is UNIDIRECTIONAL_SEQUENCE_LSTM with gates reordered; Y and Y_h match onnxruntime', async () => {
  await checkLstm(lstmGraph(5, 2, 3, 4), [5, 2, 4]);
});

test('ONNX LSTM with zero initial states given as constants (PyTorch passes them)', async () => {
  const zeros = (name: string): Init => ({ name, dims: [1, 3, 4], data: new Float32Array(12) });
  await checkLstm(lstmGraph(6, 3, 2, 4, { inits: [zeros('h0'), zeros('c0')], inputs: ['x', 'W', 'R', 'B', '', 'h0', 'c0'] }), [6, 3, 4]);
});

test('ONNX LSTM layout=1 (batch-first, which onnxruntime does not run): batch-major, the same sequence as layout 0 transposed', async () => {
  const [steps, batch] = [5, 3];
  const timeMajor = convertOnnx({ format: 'onnx', name: 'a.onnx', bytes: buildOnnx(lstmGraph(steps, batch, 2, 4)) });
  const batchFirst = convertOnnx({ format: 'onnx', name: 'b.onnx', bytes: buildOnnx(lstmGraph(steps, batch, 2, 4, { layout: 1 })) });
  const op = readTflite(batchFirst.tflite).subgraphs[0]!.operators.find((o) => o.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
  assert.equal(op.options.timeMajor, false);
  const x = randomValues(steps * batch * 2, 8);
  const xb = Float32Array.from({ length: x.length }, (_, i) => { const [n, t, f] = [Math.floor(i / (steps * 2)), Math.floor(i / 2) % steps, i % 2]; return x[(t * batch + n) * 2 + f]!; });
  const a = runTfliteLstm(readTflite(timeMajor.tflite), x);
  const b = runTfliteLstm(readTflite(batchFirst.tflite), xb);
  for (let n = 0; n < batch; n++) for (let t = 0; t < steps; t++) for (let u = 0; u < 4; u++) assert.equal(b[(n * steps + t) * 4 + u], a[(t * batch + n) * 4 + u]);
});

test('ONNX LSTM it cannot map is refused at the node, saying why', () => {
  const refuse = (g: GraphSpec, pattern: RegExp): void => {
    assert.throws(() => convertOnnx({ format: 'onnx', name: 'lstm.onnx', bytes: buildOnnx(g) }), (e: unknown) =>
      e instanceof ConvertError && e.code === 'unsupported-op' && /LSTM/.test(e.where) && pattern.test(e.message));
  };
  refuse(lstmGraph(4, 1, 3, 2, { attrs: { direction: 'bidirectional' } }), /direction 'bidirectional'/);
  refuse(lstmGraph(4, 1, 3, 2, { attrs: { clip: { f: 3 } } }), /clip/);
  // A non-zero initial state is no longer refused: the LSTM is unrolled (onnx-streaming.test.ts).
});

test('Gather of an activation by a constant index: a scalar is a STRIDED_SLICE dropping the axis, a list a GATHER', async () => {
  const r = await compareWithOrt(buildOnnx({
    inputs: [{ name: 'x', shape: [4, 3, 5] }], outputs: [{ name: 'a' }, { name: 'b' }],
    inits: [{ name: 'last', dims: [], data: [-1], dtype: 7 }, { name: 'pick', dims: [2], data: [0, 3], dtype: 7 }],
    nodes: [node('Gather', ['x', 'last'], ['a'], { axis: 0 }), node('Gather', ['x', 'pick'], ['b'], { axis: 2 })],
  }));
  assert.ok(r.maxRelError === 0, `max relative error ${r.maxRelError}`);
  assert.deepEqual([...r.conversion.ops].sort(), [['GATHER', 1], ['STRIDED_SLICE', 1]]);
});
