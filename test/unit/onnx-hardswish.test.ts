import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec, type Init } from './helpers/onnx-models.js';

// PyTorch's hard-swish as a model writes it (x * relu6(x + 3) / 6) or as torch.onnx writes F.hardswish below opset 14
// (HardSigmoid then Mul): one HARD_SWISH when every intermediate feeds only the next node, the ops one by one
// otherwise. Each model is compared with onnxruntime on inputs in [-5, 5] (both bends of the curve).

const scalar = (name: string, v: number): Init => ({ name, dims: [], data: [v] });
const w = (name: string, dims: number[], seed: number): Init => ({ name, dims, data: randomValues(dims.reduce((a, b) => a * b, 1), seed) });

async function ops(g: GraphSpec): Promise<Map<string, number>> {
  const r = await compareWithOrt(buildOnnx(g), 3, 2, [-5, 5]);
  assert.ok(r.maxRelError <= 1e-4, `max relative error ${r.maxRelError}`);
  return new Map(r.conversion.ops);
}

/** Conv -> hard-swish written by `tail` (reading 'c', writing 'y'). */
const convThen = (tail: GraphSpec['nodes'], opset = 13, extra: Init[] = []): GraphSpec => ({
  opset, inputs: [{ name: 'x', shape: [1, 3, 6, 6] }], outputs: [{ name: 'y' }],
  inits: [w('w', [4, 3, 3, 3], 1), scalar('three', 3), scalar('zero', 0), scalar('six', 6), scalar('sixth', 1 / 6), ...extra],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), ...tail],
});
const clip = (opset: number) => (opset < 11 ? node('Clip', ['a'], ['r'], { min: { f: 0 }, max: { f: 6 } }) : node('Clip', ['a', 'zero', 'six'], ['r']));

test('x * relu6(x + 3) / 6 (Add, Clip, Div, Mul) is one HARD_SWISH after the CONV_2D', async () => {
  const o = await ops(convThen([node('Add', ['c', 'three'], ['a']), clip(13), node('Div', ['r', 'six'], ['h']), node('Mul', ['c', 'h'], ['y'])]));
  assert.deepEqual([...o], [['CONV_2D', 1], ['HARD_SWISH', 1]]);
});

test('the other orders: 3 + x, Mul by x first, then Mul by 1/6; and opset 9 Clip attributes', async () => {
  const o = await ops(convThen([node('Add', ['three', 'c'], ['a']), clip(9), node('Mul', ['r', 'c'], ['m']), node('Mul', ['sixth', 'm'], ['y'])], 9));
  assert.deepEqual([...o], [['CONV_2D', 1], ['HARD_SWISH', 1]]);
});

test('F.hardswish below opset 14 (HardSigmoid alpha 1/6, beta 0.5, then Mul) is one HARD_SWISH', async () => {
  const o = await ops(convThen([node('HardSigmoid', ['c'], ['h'], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } }), node('Mul', ['h', 'c'], ['y'])]));
  assert.deepEqual([...o], [['CONV_2D', 1], ['HARD_SWISH', 1]]);
});

test('not a hard-swish: the hard-sigmoid gating another tensor (squeeze-excite), read twice, or another offset', async () => {
  const gate = convThen([node('Conv', ['x', 'w'], ['g'], { pads: [1, 1, 1, 1] }), node('Add', ['c', 'three'], ['a']), clip(13), node('Div', ['r', 'six'], ['h']), node('Mul', ['g', 'h'], ['y'])]);
  const se = await ops(gate);
  assert.equal(se.get('HARD_SWISH'), undefined);
  const twice = await ops({ ...convThen([node('Add', ['c', 'three'], ['a']), clip(13), node('Div', ['r', 'six'], ['h']), node('Mul', ['c', 'h'], ['m']), node('Add', ['m', 'h'], ['y'])]) });
  assert.equal(twice.get('HARD_SWISH'), undefined);
  const offset = await ops(convThen([node('Add', ['c', 'zero'], ['a']), clip(13), node('Div', ['r', 'six'], ['h']), node('Mul', ['c', 'h'], ['y'])]));
  assert.equal(offset.get('HARD_SWISH'), undefined);
});

test('the fused model allocates on TFLM (both kernel sets) and quantizes to int8 with HARD_SWISH kept', async () => {
  const r = await compareWithOrt(buildOnnx(convThen([node('Add', ['c', 'three'], ['a']), clip(13), node('Div', ['r', 'six'], ['h']), node('Mul', ['c', 'h'], ['y'])])));
  const model = readTflite(r.conversion.tflite);
  for (const k of ['tflm-cmsis-nn', 'tflm-reference'] as const) assert.equal(analyzeModel(model, k).status, 'ok');
  const shapes = model.subgraphs[0]!.inputs.map((i) => model.subgraphs[0]!.tensors[i]!.shape);
  const q = readTflite(quantizeModel(model, randomSamples(shapes, 4, -1, 1, 3), 'int8').bytes);
  const names = q.subgraphs[0]!.operators.map((op) => q.operatorCodes[op.opcodeIndex]!.builtinName);
  assert.ok(names.includes('HARD_SWISH'), names.join(' '));
  assert.equal(analyzeModel(q, 'tflm-cmsis-nn').status, 'ok');
});
