import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec, type Init } from './helpers/onnx-models.js';

// Each model is run in onnxruntime and, converted, in our float interpreter on the same random inputs: the outputs must
// agree to 1e-4 of the output's largest magnitude. The op counts pin the layout decisions (no TRANSPOSE in a CNN).

const w = (name: string, dims: number[], seed: number, lo = -1, hi = 1): Init => ({ name, dims, data: randomValues(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });
const bn = (p: string, c: number, seed: number): Init[] => [w(`${p}_g`, [c], seed, 0.5, 1.5), w(`${p}_b`, [c], seed + 1), w(`${p}_m`, [c], seed + 2), w(`${p}_v`, [c], seed + 3, 0.5, 2)];
const bnNode = (p: string, x: string, y: string) => node('BatchNormalization', [x, `${p}_g`, `${p}_b`, `${p}_m`, `${p}_v`], [y], { epsilon: 0.001 });

async function check(g: GraphSpec): Promise<Map<string, number>> {
  const r = await compareWithOrt(buildOnnx(g));
  assert.ok(r.maxRelError <= 1e-4, `max relative error ${r.maxRelError}`);
  return new Map(r.conversion.ops);
}

const img = (c: number, h: number, wd = h) => [{ name: 'x', shape: ['N', c, h, wd] }];
const out = [{ name: 'y' }];

test('Conv + BatchNormalization + Relu: one CONV_2D with the BN folded and RELU fused, SAME when the pads are SAME, no TRANSPOSE', async () => {
  const ops = await check({ inputs: img(3, 9), outputs: out, inits: [w('w', [8, 3, 3, 3], 1), w('b', [8], 2), ...bn('bn', 8, 3)],
    nodes: [node('Conv', ['x', 'w', 'b'], ['c'], { pads: [1, 1, 1, 1] }), bnNode('bn', 'c', 'n'), node('Relu', ['n'], ['y'])] });
  assert.deepEqual([...ops], [['CONV_2D', 1]]);
});

test('a stride-2 Conv with PyTorch pads (not TFLite SAME) gets an explicit PAD, and Clip(0,6) fuses as RELU6', async () => {
  const ops = await check({ inputs: img(4, 10), outputs: out, inits: [w('w', [6, 4, 3, 3], 4), { name: 'lo', dims: [], data: [0] }, { name: 'hi', dims: [], data: [6] }],
    nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1], strides: [2, 2] }), node('Clip', ['c', 'lo', 'hi'], ['y'])] });
  assert.deepEqual([...ops].sort(), [['CONV_2D', 1], ['PAD', 1]]);
});

test('depthwise Conv (group = channels, multiplier 2) is DEPTHWISE_CONV_2D; dilation kept', async () => {
  const ops = await check({ inputs: img(4, 11), outputs: out, inits: [w('w', [8, 1, 3, 3], 5), w('b', [8], 6)],
    nodes: [node('Conv', ['x', 'w', 'b'], ['y'], { group: 4, dilations: [2, 2], pads: [2, 2, 2, 2] })] });
  assert.deepEqual([...ops], [['DEPTHWISE_CONV_2D', 1]]);
});

test('grouped Conv (2 groups) is SPLIT + CONV_2D per group + CONCATENATION, with the Relu on each CONV_2D (TFLM\'s CONCATENATION takes none)', async () => {
  const g: GraphSpec = { inputs: img(4, 6), outputs: out, inits: [w('w', [6, 2, 3, 3], 7), w('b', [6], 8)],
    nodes: [node('Conv', ['x', 'w', 'b'], ['c'], { group: 2, auto_pad: 'SAME_UPPER' }), node('Relu', ['c'], ['y'])] };
  const ops = await check(g);
  assert.deepEqual([...ops].sort(), [['CONCATENATION', 1], ['CONV_2D', 2], ['SPLIT', 1]]);
  assert.equal(analyzeModel(readTflite(convertOnnx({ format: 'onnx', name: 'g.onnx', bytes: buildOnnx(g) }).tflite), 'tflm-reference').status, 'ok');
});

test('Flatten of NCHW data before Gemm: the Gemm weights are permuted, no TRANSPOSE; Softmax after', async () => {
  const ops = await check({ inputs: img(3, 5), outputs: out, inits: [w('w', [4, 3, 3, 3], 9), w('fc', [10, 4 * 5 * 5], 10), w('fb', [10], 11)],
    nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('Flatten', ['r'], ['f']),
      node('Gemm', ['f', 'fc', 'fb'], ['g'], { transB: 1, alpha: { f: 0.5 } }), node('Softmax', ['g'], ['y'])] });
  assert.equal(ops.get('TRANSPOSE'), undefined);
  assert.equal(ops.get('FULLY_CONNECTED'), 1);
});

test('PyTorch view(N, -1) (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) folds to one RESHAPE; MatMul + Add is one FULLY_CONNECTED', async () => {
  const ops = await check({ inputs: img(2, 4), outputs: out, opset: 13,
    inits: [w('fc', [32, 5], 12), w('fb', [5], 13), { name: 'zero', dims: [], data: [0], dtype: 7 }, { name: 'minus1', dims: [1], data: [-1], dtype: 7 }, { name: 'ax0', dims: [1], data: [0], dtype: 7 }],
    nodes: [node('Shape', ['x'], ['s']), node('Gather', ['s', 'zero'], ['n'], { axis: 0 }), node('Unsqueeze', ['n', 'ax0'], ['n1']),
      node('Concat', ['n1', 'minus1'], ['shape'], { axis: 0 }), node('Reshape', ['x', 'shape'], ['f']), node('MatMul', ['f', 'fc'], ['m']), node('Add', ['m', 'fb'], ['y'])] });
  assert.deepEqual([...ops].sort(), [['FULLY_CONNECTED', 1], ['RESHAPE', 1]]);
});

test('pools: MaxPool 3x3/2 pad 1 after Relu (zero PAD), AveragePool SAME, count_include_pad, global average and max', async () => {
  const ops = await check({ inputs: img(3, 12), outputs: [{ name: 'y' }, { name: 'z' }, { name: 'v' }], inits: [],
    nodes: [node('Relu', ['x'], ['r']), node('MaxPool', ['r'], ['m'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('AveragePool', ['m'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('AveragePool', ['a'], ['a2'], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
      node('GlobalAveragePool', ['a2'], ['y']), node('GlobalMaxPool', ['m'], ['z']), node('MaxPool', ['x'], ['v'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })] });
  assert.equal(ops.get('TRANSPOSE'), undefined);
  assert.equal(ops.get('MEAN'), 1);
});

test('broadcasting arithmetic on NCHW data: per-channel constants, squeeze-excite Mul, constant minus tensor, division by a constant', async () => {
  const ops = await check({ inputs: img(4, 5), outputs: out, inits: [w('k', [4, 1, 1], 14), w('s', [1], 15), w('se', [4, 4, 1, 1], 16), w('d', [1, 4, 1, 1], 17, 1, 2)],
    nodes: [node('Add', ['x', 'k'], ['a']), node('GlobalAveragePool', ['a'], ['p']), node('Conv', ['p', 'se'], ['q']), node('Sigmoid', ['q'], ['g']),
      node('Mul', ['a', 'g'], ['m']), node('Sub', ['s', 'm'], ['t']), node('Div', ['t', 'd'], ['y'])] });
  assert.equal(ops.get('TRANSPOSE'), undefined);
  assert.equal(ops.get('DIV'), undefined);
});

test('Concat on the NCHW channel axis is CONCATENATION on NHWC axis 3', async () => {
  const ops = await check({ inputs: img(3, 4), outputs: out, inits: [w('w1', [2, 3, 1, 1], 18), w('w2', [5, 3, 3, 3], 19)],
    nodes: [node('Conv', ['x', 'w1'], ['a']), node('Conv', ['x', 'w2'], ['b'], { pads: [1, 1, 1, 1] }), node('Concat', ['a', 'b', 'x'], ['y'], { axis: 1 })] });
  assert.equal(ops.get('CONCATENATION'), 1);
  assert.equal(ops.get('TRANSPOSE'), undefined);
});

test('Resize: nearest (PyTorch asymmetric/floor), bilinear half-pixel by sizes, bilinear align_corners', async () => {
  const f = (name: string, data: number[]): Init => ({ name, dims: [data.length], data });
  await check({ inputs: img(2, 3, 4), outputs: [{ name: 'y' }, { name: 'z' }, { name: 'v' }], opset: 13,
    inits: [f('sc', [1, 1, 2, 2]), { name: 'sz', dims: [4], data: [1, 2, 7, 5], dtype: 7 }, f('roi', [])],
    nodes: [node('Resize', ['x', 'roi', 'sc'], ['y'], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }),
      node('Resize', ['x', '', '', 'sz'], ['z'], { mode: 'linear' }),
      node('Resize', ['x', '', 'sc'], ['v'], { mode: 'linear', coordinate_transformation_mode: 'align_corners' })] });
});

test('Pad (constant, zero and non-zero value) and Transpose back to NCHW order', async () => {
  const ops = await check({ inputs: img(2, 3), outputs: [{ name: 'y' }, { name: 'z' }], opset: 13,
    inits: [{ name: 'p', dims: [8], data: [0, 0, 1, 2, 0, 0, 2, 1], dtype: 7 }, { name: 'v', dims: [], data: [0.5] }],
    nodes: [node('Pad', ['x', 'p'], ['y']), node('Pad', ['x', 'p', 'v'], ['q']), node('Transpose', ['q'], ['z'], { perm: [0, 2, 3, 1] })] });
  assert.equal(ops.get('TRANSPOSE'), undefined, 'NCHW -> NHWC of a channels-last tensor is no op at all');
});

test('activations: HardSwish, HardSigmoid, LeakyRelu, PRelu with a [C,1,1] slope, Tanh, Clip to other bounds', async () => {
  await check({ opset: 14, inputs: img(3, 4), outputs: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'e' }, { name: 'f' }],
    inits: [w('slope', [3, 1, 1], 20), { name: 'lo', dims: [], data: [-0.5] }, { name: 'hi', dims: [], data: [0.25] }],
    nodes: [node('HardSwish', ['x'], ['a']), node('HardSigmoid', ['x'], ['b'], { alpha: { f: 1 / 6 } }), node('LeakyRelu', ['x'], ['c'], { alpha: 0.1 }),
      node('PRelu', ['x', 'slope'], ['d']), node('Tanh', ['x'], ['e']), node('Clip', ['x', 'lo', 'hi'], ['f'])] }).then(() => undefined);
});

test('scikit-learn style MLP (MatMul/Add/Relu/Softmax) on a [N, F] input', async () => {
  const ops = await check({ inputs: [{ name: 'x', shape: ['N', 6] }], outputs: out,
    inits: [w('w1', [6, 16], 21), w('b1', [16], 22), w('w2', [16, 3], 23), w('b2', [3], 24)],
    nodes: [node('MatMul', ['x', 'w1'], ['h']), node('Add', ['h', 'b1'], ['hb']), node('Relu', ['hb'], ['r']),
      node('MatMul', ['r', 'w2'], ['o']), node('Add', ['o', 'b2'], ['ob']), node('Softmax', ['ob'], ['y'], { axis: 1 })] });
  assert.deepEqual([...ops].sort(), [['FULLY_CONNECTED', 2], ['SOFTMAX', 1]]);
});

test('ShuffleNet channel shuffle (Reshape 5-D, Transpose, Reshape) is one GATHER on the NHWC channel axis, no TRANSPOSE', async () => {
  const ops = await check({ inputs: img(6, 3), outputs: out, opset: 13,
    inits: [{ name: 's5', dims: [5], data: [1, 2, 3, 3, 3], dtype: 7 }, { name: 's4', dims: [4], data: [1, 6, 3, 3], dtype: 7 }],
    nodes: [node('Relu', ['x'], ['r']), node('Reshape', ['r', 's5'], ['a']), node('Transpose', ['a'], ['t'], { perm: [0, 2, 1, 3, 4] }), node('Reshape', ['t', 's4'], ['y'])] });
  assert.deepEqual([...ops].sort(), [['GATHER', 1], ['RELU', 1]]);
});
