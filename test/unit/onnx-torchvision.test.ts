import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec, type Init } from './helpers/onnx-models.js';

// A torchvision MobileNetV2 inverted-residual block and classifier head as torch.onnx writes them, the real exports
// found being unusable here (weights in an absent .onnx.data file or Git LFS): the older exporter (opset 11-13,
// BatchNormalization folded, Clip with min/max inputs, GlobalAveragePool + Flatten + Gemm transB) and the dynamo
// one (opset 18, BatchNormalization kept, ReduceMean with its axes as an input, Reshape to [1, -1], Dropout,
// MatMul by a transposed weight + Add). Each is compared with onnxruntime; the op counts pin that the BatchNorms fold
// into the convolutions, the Clips fuse as RELU6, and no TRANSPOSE is written.

const w = (name: string, dims: number[], seed: number, lo = -1, hi = 1): Init => ({ name, dims, data: randomValues(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });
const i64 = (name: string, data: number[]): Init => ({ name, dims: [data.length], data, dtype: 7 });
const bn = (p: string, c: number, seed: number): Init[] => [w(`${p}_g`, [c], seed, 0.5, 1.5), w(`${p}_b`, [c], seed + 1), w(`${p}_m`, [c], seed + 2), w(`${p}_v`, [c], seed + 3, 0.5, 2)];

/** expand 1x1 (+BN, ReLU6) -> depthwise 3x3 (+BN, ReLU6) -> project 1x1 (+BN) -> + input; `bns` keeps the BN nodes. */
function block(opset: number, bns: boolean, head: GraphSpec['nodes'], extra: Init[]): GraphSpec {
  const conv = (x: string, wt: string, y: string, b: string, attrs = {}) => (bns
    ? [node('Conv', [x, wt], [`${y}_c`], attrs), node('BatchNormalization', [`${y}_c`, `${b}_g`, `${b}_b`, `${b}_m`, `${b}_v`], [y], { epsilon: 1e-5 })]
    : [node('Conv', [x, wt, `${b}_b`], [y], attrs)]);
  return {
    opset, inputs: [{ name: 'x', shape: [1, 8, 10, 10] }], outputs: [{ name: 'y' }],
    inits: [w('w1', [24, 8, 1, 1], 1), ...bn('b1', 24, 2), w('dw', [24, 1, 3, 3], 6), ...bn('b2', 24, 7), w('w3', [8, 24, 1, 1], 11), ...bn('b3', 8, 12),
      { name: 'lo', dims: [], data: [0] }, { name: 'hi', dims: [], data: [6] }, w('fc', [5, 8], 20), w('fb', [5], 21), ...extra],
    nodes: [...conv('x', 'w1', 'e', 'b1'), node('Clip', ['e', 'lo', 'hi'], ['e6']),
      ...conv('e6', 'dw', 'd', 'b2', { group: 24, pads: [1, 1, 1, 1] }), node('Clip', ['d', 'lo', 'hi'], ['d6']),
      ...conv('d6', 'w3', 'p', 'b3'), node('Add', ['x', 'p'], ['s']), ...head],
  };
}

async function ops(g: GraphSpec): Promise<Map<string, number>> {
  const r = await compareWithOrt(buildOnnx(g));
  assert.ok(r.maxRelError <= 1e-4, `max relative error ${r.maxRelError}`);
  return new Map(r.conversion.ops);
}

test('MobileNetV2 block, torch.onnx opset 13 (BN folded by the exporter): GlobalAveragePool + Flatten + Gemm transB', async () => {
  const o = await ops(block(13, false, [node('GlobalAveragePool', ['s'], ['g']), node('Flatten', ['g'], ['f'], { axis: 1 }), node('Gemm', ['f', 'fc', 'fb'], ['y'], { alpha: { f: 1 }, beta: { f: 1 }, transB: 1 })], []));
  assert.equal(o.get('TRANSPOSE'), undefined);
  assert.deepEqual([o.get('CONV_2D'), o.get('DEPTHWISE_CONV_2D'), o.get('ADD'), o.get('FULLY_CONNECTED')], [2, 1, 1, 1]);
});

test('MobileNetV2 block, torch.onnx dynamo opset 18: BatchNormalization kept, ReduceMean axes input, Reshape [1,-1], Dropout, MatMul + Add', async () => {
  const o = await ops(block(18, true, [node('ReduceMean', ['s', 'axes'], ['g'], { keepdims: 1 }), node('Reshape', ['g', 'shape'], ['f']), node('Dropout', ['f'], ['fd']),
    node('Transpose', ['fc'], ['fct'], { perm: [1, 0] }), node('MatMul', ['fd', 'fct'], ['m']), node('Add', ['m', 'fb'], ['y'])], [i64('axes', [2, 3]), i64('shape', [1, -1])]));
  assert.equal(o.get('TRANSPOSE'), undefined);
  // The three BatchNormalizations are folded (no MUL), the two Clips fused (no RELU6 op).
  assert.deepEqual([o.get('CONV_2D'), o.get('DEPTHWISE_CONV_2D'), o.get('MUL'), o.get('RELU6'), o.get('FULLY_CONNECTED')], [2, 1, undefined, undefined, 1]);
});
