import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter, QuantizeError } from '../../server/src/quantize/index.js';

type Operand = { shape: number[]; values: number[]; constant?: boolean };

/** Builds a one-op float model (operands are model inputs unless constant), runs it, returns the output. */
function runOp(op: string, operands: Operand[], outShape: number[], options?: Record<string, unknown>): number[] {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const feeds: number[][] = [];
  const inputs: TensorRef[] = operands.map((o, k) => {
    if (o.constant) return g.constant({ name: `c${k}`, shape: o.shape, dtype: Number.isInteger(o.values[0]) && op !== 'CONV_2D' && op !== 'DEPTHWISE_CONV_2D' && op !== 'FULLY_CONNECTED' ? 'INT32' : 'FLOAT32', data: o.values });
    feeds.push(o.values);
    return g.input({ name: `x${k}`, shape: o.shape, dtype: 'FLOAT32' });
  });
  g.output(g.op(op, { inputs, output: { name: 'y', shape: outShape, dtype: 'FLOAT32' }, options: options as never }));
  const interp = new Interpreter(readTflite(m.finish()));
  return Array.from(interp.run(feeds.map((f) => Float32Array.from(f)))[0]!);
}

const near = (got: number[], want: number[], tol = 1e-5): void => {
  assert.equal(got.length, want.length, `got [${got}]`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `element ${i}: got ${v}, want ${want[i]} (all: [${got}])`));
};
const nine = { shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
const ones2x2 = { shape: [1, 2, 2, 1], values: [1, 1, 1, 1], constant: true };
const conv = (padding: string, stride: number, act = 'NONE', dilation = 1) => ({ padding, strideW: stride, strideH: stride, fusedActivationFunction: act, dilationWFactor: dilation, dilationHFactor: dilation });

test('CONV_2D VALID stride 1 sums each 2x2 window and adds the bias', () => {
  near(runOp('CONV_2D', [nine, ones2x2, { shape: [1], values: [1], constant: true }], [1, 2, 2, 1], conv('VALID', 1)), [13, 17, 25, 29]);
});

test('CONV_2D SAME stride 2 pads after the input (the smaller half of the padding goes before)', () => {
  near(runOp('CONV_2D', [nine, ones2x2, { shape: [1], values: [0], constant: true }], [1, 2, 2, 1], conv('SAME', 2)), [12, 9, 15, 9]);
});

test('CONV_2D with dilation 2 reads every other pixel; a fused RELU clamps negatives', () => {
  near(runOp('CONV_2D', [nine, ones2x2, { shape: [1], values: [0], constant: true }], [1, 1, 1, 1], conv('VALID', 1, 'NONE', 2)), [20]);
  near(runOp('CONV_2D', [nine, ones2x2, { shape: [1], values: [-20], constant: true }], [1, 2, 2, 1], conv('VALID', 1, 'RELU')), [0, 0, 4, 8]);
});

test('DEPTHWISE_CONV_2D with depth multiplier 2 gives each input channel two filters', () => {
  const x = { shape: [1, 2, 2, 1], values: [1, 2, 3, 4] };
  const w = { shape: [1, 2, 2, 2], values: [1, -1, 1, -1, 1, -1, 1, -2], constant: true };
  const opts = { ...conv('VALID', 1), depthMultiplier: 2 };
  near(runOp('DEPTHWISE_CONV_2D', [x, w, { shape: [2], values: [0.5, 0], constant: true }], [1, 1, 1, 2], opts), [10.5, -14]);
  near(runOp('DEPTHWISE_CONV_2D', [x, w, { shape: [2], values: [0.5, 0], constant: true }], [1, 1, 1, 2], { ...opts, fusedActivationFunction: 'RELU6' }), [6, 0]);
});

test('FULLY_CONNECTED multiplies rows by the weights, adds the bias, applies RELU6', () => {
  const x = { shape: [1, 3], values: [1, 2, 3] };
  const w = { shape: [2, 3], values: [1, 0, -1, 2, 2, 2], constant: true };
  const b = { shape: [2], values: [0.5, -1], constant: true };
  near(runOp('FULLY_CONNECTED', [x, w, b], [1, 2], { fusedActivationFunction: 'NONE' }), [-1.5, 11]);
  near(runOp('FULLY_CONNECTED', [x, w, b], [1, 2], { fusedActivationFunction: 'RELU6' }), [0, 6]);
});

test('pooling SAME averages only the in-bounds part of the window; max pools', () => {
  const opts = { padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'NONE' };
  near(runOp('AVERAGE_POOL_2D', [nine], [1, 2, 2, 1], opts), [3, 4.5, 7.5, 9]);
  near(runOp('MAX_POOL_2D', [nine], [1, 2, 2, 1], opts), [5, 6, 8, 9]);
});

test('ADD, SUB and MUL broadcast a row over a matrix', () => {
  const a = { shape: [2, 2], values: [1, 2, 3, 4] };
  const b = { shape: [2], values: [10, 20] };
  near(runOp('ADD', [a, b], [2, 2], { fusedActivationFunction: 'NONE' }), [11, 22, 13, 24]);
  near(runOp('SUB', [a, b], [2, 2], { fusedActivationFunction: 'RELU' }), [0, 0, 0, 0]);
  near(runOp('MUL', [a, { shape: [2, 1], values: [2, -1] }], [2, 2], { fusedActivationFunction: 'NONE' }), [2, 4, -3, -4]);
});

test('SOFTMAX normalises the last axis, with beta', () => {
  const e = [1, Math.E, Math.E ** 2];
  const s = e[0]! + e[1]! + e[2]!;
  near(runOp('SOFTMAX', [{ shape: [1, 3], values: [1, 2, 3] }], [1, 3], { beta: 1 }), e.map((v) => v / s));
  near(runOp('SOFTMAX', [{ shape: [1, 2], values: [0, 1] }], [1, 2], { beta: 0 }), [0.5, 0.5]);
});

test('CONCATENATION along the last axis interleaves rows; MEAN reduces the spatial axes', () => {
  near(runOp('CONCATENATION', [{ shape: [2, 1], values: [1, 2] }, { shape: [2, 2], values: [3, 4, 5, 6] }], [2, 3], { axis: -1, fusedActivationFunction: 'NONE' }), [1, 3, 4, 2, 5, 6]);
  near(runOp('MEAN', [{ shape: [1, 2, 2, 2], values: [1, 10, 2, 20, 3, 30, 4, 40] }, { shape: [2], values: [1, 2], constant: true }], [1, 1, 1, 2], { keepDims: true }), [2.5, 25]);
});

test('PAD adds zeros before and after each dimension', () => {
  near(runOp('PAD', [{ shape: [1, 2], values: [1, 2] }, { shape: [2, 2], values: [0, 1, 1, 0], constant: true }], [2, 3]), [0, 1, 2, 0, 0, 0]);
});

test('RELU, RELU6, LOGISTIC and TANH element-wise; RESHAPE copies', () => {
  const x = { shape: [1, 4], values: [-2, 0, 3, 8] };
  near(runOp('RELU', [x], [1, 4]), [0, 0, 3, 8]);
  near(runOp('RELU6', [x], [1, 4]), [0, 0, 3, 6]);
  near(runOp('LOGISTIC', [x], [1, 4]), x.values.map((v) => 1 / (1 + Math.exp(-v))));
  near(runOp('TANH', [x], [1, 4]), x.values.map(Math.tanh));
  near(runOp('RESHAPE', [x], [2, 2], { newShape: [2, 2] }), [-2, 0, 3, 8]);
});

test('an op outside the subset is a located unsupported-op error naming the op and the layer', () => {
  assert.throws(() => runOp('EXP', [{ shape: [1, 2], values: [0, 1] }], [1, 2]), (e: unknown) => {
    assert.ok(e instanceof QuantizeError);
    assert.equal(e.code, 'unsupported-op');
    assert.deepEqual(e.layer, { index: 0, op: 'EXP', output: 'y' });
    assert.match(e.message, /layer 0 \(EXP -> 'y'\)/);
    return true;
  });
});

test('an output shape the op does not compute is a bad-model error, not a crash', () => {
  assert.throws(() => runOp('CONV_2D', [nine, ones2x2, { shape: [1], values: [0], constant: true }], [1, 3, 3, 1], conv('VALID', 1)),
    (e: unknown) => e instanceof QuantizeError && e.code === 'bad-model' && /computes \[1, 2, 2, 1\]/.test(e.message));
});
