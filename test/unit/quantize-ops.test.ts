/**
 * The quantizer's shape, layout and resize ops, HARD_SWISH / LEAKY_RELU, ABS / PRELU / SQUARED_DIFFERENCE /
 * MAXIMUM / MINIMUM and the Keras SHAPE -> STRIDED_SLICE -> PACK ->
 * RESHAPE pattern: each op's float result worked out by hand, then the int8 model it quantizes to (TFLite's rule for
 * that op's output parameters, and that both TFLM kernel sets allocate it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import type { Model, Tensor } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter, QuantizeError, quantizeModel, randomSamples, type Quantization } from '../../server/src/quantize/index.js';

type Operand = { shape: number[]; values: number[]; constant?: 'INT32' | 'FLOAT32' };

const f32 = (name: string, shape: number[]) => ({ name, shape, dtype: 'FLOAT32' as const });

/** A one-op float model: operands are model inputs unless constant; one output per shape in `outShapes`. */
function oneOp(op: string, operands: Operand[], outShapes: number[][], options?: Record<string, unknown>): { model: Model; feeds: Float32Array[] } {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const feeds: Float32Array[] = [];
  const inputs: TensorRef[] = operands.map((o, k) => {
    if (o.constant) return g.constant({ name: `c${k}`, shape: o.shape, dtype: o.constant, data: o.values });
    feeds.push(Float32Array.from(o.values));
    return g.input(f32(`x${k}`, o.shape));
  });
  const opts = options as never;
  if (outShapes.length === 1) g.output(g.op(op, { inputs, output: f32('y', outShapes[0]!), options: opts }));
  else g.output(...g.op(op, { inputs, outputs: outShapes.map((s, k) => f32(`y${k}`, s)), options: opts }));
  return { model: readTflite(m.finish()), feeds };
}

/** The float outputs of a one-op model on its operands' values. */
function run(op: string, operands: Operand[], outShapes: number[][], options?: Record<string, unknown>): number[][] {
  const { model, feeds } = oneOp(op, operands, outShapes, options);
  return new Interpreter(model).run(feeds).map((o) => Array.from(o));
}

/** Quantizes a one-op model on random samples and checks the int8 model allocates on both kernel sets. */
function quantized(op: string, operands: Operand[], outShapes: number[][], options?: Record<string, unknown>): Quantization {
  const { model } = oneOp(op, operands, outShapes, options);
  const shapes = operands.filter((o) => !o.constant).map((o) => o.shape);
  const q = quantizeModel(model, randomSamples(shapes, 8, -2, 3, 11), 'int8');
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', `${op} on ${runtime}`);
  assert.ok(q.model.subgraphs[0]!.operators.some((o) => o.opName === op), `${op} is in the int8 model`);
  return q;
}

const tensor = (m: Model, name: string): Tensor => {
  const t = m.subgraphs[0]!.tensors.find((x) => x.name === name);
  assert.ok(t, `no tensor '${name}'`);
  return t;
};
const params = (m: Model, name: string): [number, number] => {
  const q = tensor(m, name).quantization!;
  return [q.scale[0]!, q.zeroPoint[0]!];
};
const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const near = (got: number[], want: number[], tol = 1e-6): void => {
  assert.equal(got.length, want.length, `got [${got}]`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `element ${i}: got ${v}, want ${want[i]} (all: [${got}])`));
};

/** Ops whose int8 kernel copies bytes: the output must keep the input's scale and zero point. */
function assertSameAsInput(q: Quantization, outputs = ['y']): void {
  for (const o of outputs) assert.deepEqual(params(q.model, o), params(q.model, 'x0'), o);
  assert.equal(q.layers[0]!.rule, 'same as input');
}

test('TRANSPOSE permutes the axes; its int8 output keeps the input parameters', () => {
  const ops: Operand[] = [{ shape: [1, 2, 3], values: iota(6) }, { shape: [3], values: [0, 2, 1], constant: 'INT32' }];
  assert.deepEqual(run('TRANSPOSE', ops, [[1, 3, 2]]), [[0, 3, 1, 4, 2, 5]]);
  assertSameAsInput(quantized('TRANSPOSE', ops, [[1, 3, 2]]));
});

test('SQUEEZE and EXPAND_DIMS copy; their int8 output keeps the input parameters', () => {
  assert.deepEqual(run('SQUEEZE', [{ shape: [1, 3, 1], values: [1, 2, 3] }], [[3]], { squeezeDims: [0, 2] }), [[1, 2, 3]]);
  assertSameAsInput(quantized('SQUEEZE', [{ shape: [1, 3, 1], values: [1, 2, 3] }], [[3]], { squeezeDims: [0, 2] }));
  const expand: Operand[] = [{ shape: [3], values: [1, 2, 3] }, { shape: [], values: [0], constant: 'INT32' }];
  assert.deepEqual(run('EXPAND_DIMS', expand, [[1, 3]]), [[1, 2, 3]]);
});

test('GATHER picks rows along the axis by constant indices; an index out of range is a located error', () => {
  const ops: Operand[] = [{ shape: [3, 2], values: iota(6) }, { shape: [2], values: [2, 0], constant: 'INT32' }];
  assert.deepEqual(run('GATHER', ops, [[2, 2]], { axis: 0 }), [[4, 5, 0, 1]]);
  assert.deepEqual(run('GATHER', [ops[0]!, { shape: [1], values: [1], constant: 'INT32' }], [[3, 1]], { axis: -1 }), [[1, 3, 5]]);
  assertSameAsInput(quantized('GATHER', ops, [[2, 2]], { axis: 0 }));
  assert.throws(() => run('GATHER', [ops[0]!, { shape: [1], values: [3], constant: 'INT32' }], [[1, 2]], { axis: 0 }),
    (e: unknown) => e instanceof QuantizeError && e.code === 'bad-model' && e.layer?.op === 'GATHER' && /index 3 is out of range/.test(e.message));
});

test('STRIDED_SLICE takes every other row with a shrunk batch axis; begin and end masks take whole axes', () => {
  const x: Operand = { shape: [1, 4, 3], values: iota(12) };
  const c = (v: number[]): Operand => ({ shape: [3], values: v, constant: 'INT32' });
  assert.deepEqual(run('STRIDED_SLICE', [x, c([0, 1, 0]), c([1, 4, 3]), c([1, 2, 1])], [[2, 3]], { shrinkAxisMask: 1 }), [[3, 4, 5, 9, 10, 11]]);
  // Masked: begin and end are ignored on axes 1 and 2; a negative begin counts from the end (last column).
  assert.deepEqual(run('STRIDED_SLICE', [x, c([0, 9, -1]), c([1, -9, 3]), c([1, 1, 1])], [[1, 4, 1]], { beginMask: 2, endMask: 2 }), [[2, 5, 8, 11]]);
  // A negative stride walks backwards.
  assert.deepEqual(run('STRIDED_SLICE', [x, c([0, 3, 0]), c([1, 0, 1]), c([1, -1, 1])], [[1, 3, 1]]), [[9, 6, 3]]);
  assertSameAsInput(quantized('STRIDED_SLICE', [x, c([0, 1, 0]), c([1, 4, 3]), c([1, 2, 1])], [[2, 3]], { shrinkAxisMask: 1 }));
  assert.throws(() => run('STRIDED_SLICE', [x, c([0, 0, 0]), c([1, 4, 3]), c([1, 1, 1])], [[1, 4, 3]], { ellipsisMask: 1 }),
    (e: unknown) => e instanceof QuantizeError && e.code === 'unsupported-op' && /ellipsis_mask/.test(e.message));
});

test('PACK stacks along a new axis; int8 inputs with other parameters are requantized to the output\'s', () => {
  const a: Operand = { shape: [2], values: [1, 2] };
  const b: Operand = { shape: [2], values: [30, 40] };
  assert.deepEqual(run('PACK', [a, b], [[2, 2]], { axis: 0, valuesCount: 2 }), [[1, 2, 30, 40]]);
  assert.deepEqual(run('PACK', [a, b], [[2, 2]], { axis: 1, valuesCount: 2 }), [[1, 30, 2, 40]]);
  const { model } = oneOp('PACK', [a, b], [[2, 2]], { axis: 1, valuesCount: 2 });
  const q = quantizeModel(model, [[Float32Array.of(0, 1), Float32Array.of(-5, 50)]], 'int8');
  const g = q.model.subgraphs[0]!;
  const pack = g.operators.find((o) => o.opName === 'PACK')!;
  for (const i of pack.inputs) assert.deepEqual(params(q.model, g.tensors[i]!.name), params(q.model, 'y'));
  assert.ok(q.requantizeOps >= 1);
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
});

test('SPLIT and SPLIT_V cut along an axis into several outputs, each keeping the input parameters', () => {
  const x: Operand = { shape: [1, 6], values: iota(6) };
  const axis: Operand = { shape: [], values: [1], constant: 'INT32' };
  const split = [axis, x];
  assert.deepEqual(run('SPLIT', split, [[1, 3], [1, 3]], { numSplits: 2 }), [[0, 1, 2], [3, 4, 5]]);
  const q = quantized('SPLIT', split, [[1, 3], [1, 3]], { numSplits: 2 });
  for (const o of ['y0', 'y1']) assert.deepEqual(params(q.model, o), params(q.model, 'x1'));
  const sizes: Operand = { shape: [2], values: [1, -1], constant: 'INT32' };
  assert.deepEqual(run('SPLIT_V', [x, sizes, axis], [[1, 1], [1, 5]], { numSplits: 2 }), [[0], [1, 2, 3, 4, 5]]);
  quantized('SPLIT_V', [x, sizes, axis], [[1, 1], [1, 5]], { numSplits: 2 });
});

test('RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR follow TFLite\'s reference arithmetic (2x2 -> 4x4)', () => {
  const x: Operand = { shape: [1, 2, 2, 1], values: [0, 1, 2, 3] };
  const size: Operand = { shape: [2], values: [4, 4], constant: 'INT32' };
  assert.deepEqual(run('RESIZE_NEAREST_NEIGHBOR', [x, size], [[1, 4, 4, 1]]), [[0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]]);
  // Half-pixel centres: output 0 reads (0 + 0.5) x 0.5 = 0.25 -> 0, output 1 reads 0.75 -> 0, output 2 reads 1.25 -> 1.
  assert.deepEqual(run('RESIZE_NEAREST_NEIGHBOR', [x, size], [[1, 4, 4, 1]], { halfPixelCenters: true }), [[0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]]);
  // Align corners: scale (2 - 1) / (4 - 1) = 1/3; outputs 0..3 read 0, 1/3, 2/3, 1: rounded 0, 0, 1, 1.
  assert.deepEqual(run('RESIZE_NEAREST_NEIGHBOR', [x, size], [[1, 4, 4, 1]], { alignCorners: true }), [[0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]]);
  assertSameAsInput(quantized('RESIZE_NEAREST_NEIGHBOR', [x, size], [[1, 4, 4, 1]]));
  // Bilinear, scale 1/2: rows read 0, 0.5, 1, 1.5 (clamped to the last row), columns likewise.
  near(run('RESIZE_BILINEAR', [x, size], [[1, 4, 4, 1]])[0]!, [0, 0.5, 1, 1, 1, 1.5, 2, 2, 2, 2.5, 3, 3, 2, 2.5, 3, 3]);
  // Align corners: rows and columns read 0, 1/3, 2/3, 1.
  near(run('RESIZE_BILINEAR', [x, size], [[1, 4, 4, 1]], { alignCorners: true })[0]!.slice(0, 4), [0, 1 / 3, 2 / 3, 1], 1e-6);
  assertSameAsInput(quantized('RESIZE_BILINEAR', [x, size], [[1, 4, 4, 1]]));
});

test('HARD_SWISH and LEAKY_RELU compute x * relu6(x + 3) / 6 and max(x, alpha x); int8 outputs take their own range', () => {
  const x: Operand = { shape: [1, 4], values: [-4, -1, 1, 4] };
  near(run('HARD_SWISH', [x], [[1, 4]])[0]!, [0, -1 / 3, 2 / 3, 4]);
  near(run('LEAKY_RELU', [x], [[1, 4]], { alpha: 0.1 })[0]!, [-0.4, -0.1, 1, 4], 1e-6);
  for (const op of ['HARD_SWISH', 'LEAKY_RELU']) {
    const q = quantized(op, [x], [[1, 4]], op === 'LEAKY_RELU' ? { alpha: 0.1 } : undefined);
    assert.equal(q.layers[0]!.rule, null, op);
    assert.notDeepEqual(params(q.model, 'y'), params(q.model, 'x0'), op);
  }
});

test('ABS, PRELU (slope broadcast) and SQUARED_DIFFERENCE take their own range; MAXIMUM / MINIMUM share the output\'s', () => {
  const x: Operand = { shape: [1, 2, 2], values: [-2, -1, 1, 2] };
  assert.deepEqual(run('ABS', [x], [[1, 2, 2]]), [[2, 1, 1, 2]]);
  const slope: Operand = { shape: [2], values: [0.5, 0.25], constant: 'FLOAT32' };
  assert.deepEqual(run('PRELU', [x, slope], [[1, 2, 2]]), [[-1, -0.25, 1, 2]]);
  const y: Operand = { shape: [1, 2, 2], values: [1, 1, 1, 1] };
  assert.deepEqual(run('SQUARED_DIFFERENCE', [x, y], [[1, 2, 2]]), [[9, 4, 0, 1]]);
  assert.deepEqual(run('MAXIMUM', [x, y], [[1, 2, 2]]), [[1, 1, 1, 2]]);
  assert.deepEqual(run('MINIMUM', [x, y], [[1, 2, 2]]), [[-2, -1, 1, 1]]);
  for (const [op, ops] of [['ABS', [x]], ['PRELU', [x, slope]], ['SQUARED_DIFFERENCE', [x, y]]] as const) {
    assert.equal(quantized(op, [...ops], [[1, 2, 2]]).layers[0]!.rule, null, op);
  }
  const { model } = oneOp('MAXIMUM', [x, { shape: [1, 2, 2], values: [0, 0, 0, 0] }], [[1, 2, 2]]);
  const q = quantizeModel(model, [[Float32Array.of(-2, -1, 1, 2), Float32Array.of(0, 5, 10, 20)]], 'int8');
  const g = q.model.subgraphs[0]!;
  const max = g.operators.find((o) => o.opName === 'MAXIMUM')!;
  for (const i of max.inputs) assert.deepEqual(params(q.model, g.tensors[i]!.name), params(q.model, 'y'));
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
});

/** Keras' Flatten with a dynamic batch: SHAPE -> STRIDED_SLICE (batch) -> PACK [batch, 12] -> RESHAPE -> FULLY_CONNECTED. */
function kerasFlatten(g: SubgraphBuilder, x: TensorRef): TensorRef {
  const int = (name: string, shape: number[], data: number[]) => g.constant({ name, shape, dtype: 'INT32', data });
  const shape = g.op('SHAPE', { inputs: [x], output: { name: 'shape', shape: [4], dtype: 'INT32' }, options: { outType: 'INT32' } as never });
  const batch = g.op('STRIDED_SLICE', { inputs: [shape, int('b', [1], [0]), int('e', [1], [1]), int('s', [1], [1])], output: { name: 'batch', shape: [], dtype: 'INT32' }, options: { shrinkAxisMask: 1 } });
  const packed = g.op('PACK', { inputs: [batch, int('rest', [], [12])], output: { name: 'packed', shape: [2], dtype: 'INT32' }, options: { axis: 0, valuesCount: 2 } });
  return g.op('RESHAPE', { inputs: [x, packed], output: f32('flat', [1, 12]) });
}

test('the Keras SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE pattern is folded: the int8 RESHAPE gets the shape as a constant', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(f32('x0', [1, 2, 2, 3]));
  const flat = kerasFlatten(g, x);
  const w = g.constant({ ...f32('w', [2, 12]), data: iota(24).map((i) => (i % 5) / 10 - 0.2) });
  g.output(g.op('FULLY_CONNECTED', { inputs: [flat, w, null], output: f32('y', [1, 2]), options: { fusedActivationFunction: 'NONE' } }));
  const model = readTflite(m.finish());
  const interp = new Interpreter(model);
  assert.equal(interp.folded.size, 3, 'SHAPE, STRIDED_SLICE and PACK are folded');
  const input = Float32Array.from(iota(12), (v) => v / 10);
  const want = [0, 1].map((u) => iota(12).reduce((s, i) => s + (i / 10) * ((((u * 12 + i) % 5) / 10) - 0.2), 0));
  near(Array.from(interp.run([input])[0]!), want, 1e-5);
  const q = quantizeModel(model, randomSamples([[1, 2, 2, 3]], 8, -1, 1, 3), 'int8');
  const ops = q.model.subgraphs[0]!.operators.map((o) => o.opName);
  assert.deepEqual(ops, ['RESHAPE', 'FULLY_CONNECTED']);
  const reshape = q.model.subgraphs[0]!.operators[0]!;
  const shapeTensor = q.model.subgraphs[0]!.tensors[reshape.inputs[1]!]!;
  assert.equal(shapeTensor.dtype, 'INT32');
  assert.ok(shapeTensor.isConstant);
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
});

test('--io uint8: uint8 inputs and outputs with the int8 scale and zero point + 128, QUANTIZE at both edges', () => {
  const { model } = oneOp('LEAKY_RELU', [{ shape: [1, 4], values: [0, 0, 0, 0] }], [[1, 4]], { alpha: 0.2 });
  const q = quantizeModel(model, randomSamples([[1, 4]], 8, -2, 3, 5), 'uint8');
  const g = q.model.subgraphs[0]!;
  assert.deepEqual(g.operators.map((o) => o.opName), ['QUANTIZE', 'LEAKY_RELU', 'QUANTIZE']);
  const input = g.tensors[g.inputs[0]!]!;
  const inner = g.tensors[g.operators[0]!.outputs[0]!]!;
  assert.equal(input.dtype, 'UINT8');
  assert.equal(inner.dtype, 'INT8');
  assert.equal(input.quantization!.scale[0], inner.quantization!.scale[0]);
  assert.equal(input.quantization!.zeroPoint[0], inner.quantization!.zeroPoint[0]! + 128);
  assert.equal(g.tensors[g.outputs[0]!]!.dtype, 'UINT8');
  assert.equal(q.inputs[0]!.dtype, 'UINT8');
  assert.equal(q.inputs[0]!.zeroPoint, input.quantization!.zeroPoint[0]);
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
  assert.ok(q.int8Error[0]!.maxAbs < 0.05, `error ${q.int8Error[0]!.maxAbs}`);
});

test('an op still missing is a located unsupported-op error naming the op and its node', () => {
  const { model } = oneOp('EXP', [{ shape: [1, 2], values: [0, 1] }], [[1, 2]]);
  assert.throws(() => new Interpreter(model), (e: unknown) => e instanceof QuantizeError && e.code === 'unsupported-op' && e.layer?.index === 0 && e.layer.op === 'EXP' && /EXP is not supported/.test(e.message));
});
