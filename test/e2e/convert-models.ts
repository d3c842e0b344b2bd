/**
 * Writes the ONNX models the Convert to .tflite tests use into a workspace, built with the project's own ONNX writer
 * (test/unit/helpers/onnx-models.ts; nothing from ../shared): `net.onnx` (Conv, Relu, GlobalAveragePool, Flatten,
 * MatMul: converts), `bad.onnx` (an Einsum node named 'swap_axes': no TFLite builtin, so it does not convert) and
 * `big.onnx` (a 3x3 convolution of 16 into 32 channels on 96 x 96, about 42M multiply-adds a sample: its int8
 * calibration is still running when the UI test cancels it).
 *   node --import tsx test/e2e/convert-models.ts <workspace folder>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOnnx, node, randomValues } from '../unit/helpers/onnx-models.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: convert-models.ts <workspace folder>');
writeFileSync(join(dir, 'net.onnx'), buildOnnx({
  inputs: [{ name: 'x', shape: [1, 3, 16, 16] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [8, 3, 3, 3], data: randomValues(216, 1) }, { name: 'fc', dims: [8, 3], data: randomValues(24, 2) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
    node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
}));
writeFileSync(join(dir, 'bad.onnx'), buildOnnx({
  inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }],
  nodes: [{ ...node('Einsum', ['x'], ['y'], { equation: 'ij->ji' }), name: 'swap_axes' }],
}));
writeFileSync(join(dir, 'big.onnx'), buildOnnx({
  inputs: [{ name: 'x', shape: [1, 16, 96, 96] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [32, 16, 3, 3], data: randomValues(32 * 16 * 9, 3, -0.2, 0.2) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['y'])],
}));
