import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import { ModelBuilder, SeededRandom, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import type { Model, Tensor } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { constantValues } from '../../server/src/quantize/tensors.js';
import { quantizeModel, randomSamples, type Quantization } from '../../server/src/quantize/index.js';

const f32 = (name: string, shape: number[]) => ({ name, shape, dtype: 'FLOAT32' as const });

function conv(g: SubgraphBuilder, rng: SeededRandom, x: TensorRef, name: string, kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D', channels: number, out: number[]): TensorRef {
  const inC = x.shape[3]!;
  const wShape = kind === 'CONV_2D' ? [channels, 3, 3, inC] : [1, 3, 3, channels];
  // Channel c's weights scale with c + 1, so per-channel scales must differ.
  const w = rng.uniformArray(wShape.reduce((a, d) => a * d, 1), -0.5, 0.5).map((v, i) => v * (1 + (kind === 'CONV_2D' ? Math.floor(i / (9 * inC)) : i % channels)));
  const inputs = [x, g.constant({ ...f32(`${name}/w`, wShape), data: w }), g.constant({ ...f32(`${name}/b`, [channels]), data: rng.uniformArray(channels, -0.2, 0.2) })];
  const options = { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' } as const;
  return kind === 'CONV_2D'
    ? g.op('CONV_2D', { inputs, output: f32(`${name}/Relu`, out), options })
    : g.op('DEPTHWISE_CONV_2D', { inputs, output: f32(`${name}/Relu`, out), options: { ...options, depthMultiplier: 1 } });
}

/** input 1x6x6x2 -> CONV_2D 4 -> DEPTHWISE -> AVERAGE_POOL -> RESHAPE -> FULLY_CONNECTED 3 -> SOFTMAX. */
function smallCnn(): Model {
  const rng = new SeededRandom(3);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input(f32('image', [1, 6, 6, 2]));
  x = conv(g, rng, x, 'conv', 'CONV_2D', 4, [1, 6, 6, 4]);
  x = conv(g, rng, x, 'dw', 'DEPTHWISE_CONV_2D', 4, [1, 6, 6, 4]);
  x = g.op('AVERAGE_POOL_2D', { inputs: [x], output: f32('pool', [1, 1, 1, 4]), options: { padding: 'VALID', strideW: 6, strideH: 6, filterWidth: 6, filterHeight: 6, fusedActivationFunction: 'NONE' } });
  x = g.op('RESHAPE', { inputs: [x, g.constant({ name: 'shape', shape: [2], dtype: 'INT32', data: [1, 4] })], output: f32('flat', [1, 4]), options: { newShape: [1, 4] } });
  x = g.op('FULLY_CONNECTED', { inputs: [x, g.constant({ ...f32('fc/w', [3, 4]), data: rng.uniformArray(12, -1, 1) }), g.constant({ ...f32('fc/b', [3]), data: [0.1, -0.1, 0] })], output: f32('logits', [1, 3]), options: { fusedActivationFunction: 'NONE' } });
  g.output(g.op('SOFTMAX', { inputs: [x], output: f32('probs', [1, 3]), options: { beta: 1 } }));
  return readTflite(m.finish());
}

const float = smallCnn();
const samples = randomSamples([[1, 6, 6, 2]], 20, -1, 1, 5);
const q = quantizeModel(float, samples, 'int8');
const byName = (m: Model, name: string): Tensor => {
  const t = m.subgraphs[0]!.tensors.find((x) => x.name === name);
  assert.ok(t, `no tensor '${name}'`);
  return t;
};
const quant = (m: Model, name: string) => byName(m, name).quantization!;

test('weights are int8 symmetric: per channel on axis 0 for CONV_2D, axis 3 for DEPTHWISE_CONV_2D, per tensor for FULLY_CONNECTED', () => {
  for (const [name, axis, channels] of [['conv/w', 0, 4], ['dw/w', 3, 4], ['fc/w', 0, 1]] as const) {
    const t = byName(q.model, name);
    assert.equal(t.dtype, 'INT8', name);
    assert.equal(t.quantization!.scale.length, channels, name);
    assert.equal(t.quantization!.quantizedDimension, axis, name);
    assert.ok(t.quantization!.zeroPoint.every((z) => z === 0), name);
    // scale = max |w| / 127 of its channel, so the largest weight of each channel is exactly +-127.
    const original = constantValues(float, byName(float, name));
    const values = constantValues(q.model, t);
    const ints = values.map((v, i) => v / t.quantization!.scale[channels === 1 ? 0 : axis === 0 ? Math.floor(i / (original.length / channels)) : i % channels]!);
    assert.ok(ints.every((v) => Math.abs(v) <= 127 + 1e-6), name);
    assert.ok(original.every((v, i) => Math.abs(v - values[i]!) <= t.quantization!.scale[channels === 1 ? 0 : axis === 0 ? Math.floor(i / (original.length / channels)) : i % channels]! / 2 + 1e-6), `${name} within half a step`);
  }
  const scales = quant(q.model, 'conv/w').scale;
  assert.ok(scales[3]! > scales[0]!, 'per-channel scales follow each channel\'s range');
});

test('biases are int32 with scale = input scale x weight scale (per channel) and zero point 0', () => {
  for (const [bias, weights, input] of [['conv/b', 'conv/w', 'image'], ['dw/b', 'dw/w', 'conv/Relu'], ['fc/b', 'fc/w', 'flat']] as const) {
    const b = byName(q.model, bias);
    assert.equal(b.dtype, 'INT32');
    const inScale = quant(q.model, input).scale[0]!;
    assert.deepEqual(b.quantization!.scale, quant(q.model, weights).scale.map((w) => Math.fround(Math.fround(inScale) * w)));
    assert.ok(b.quantization!.zeroPoint.every((z) => z === 0));
  }
});

test('activations are int8 from the calibrated range widened to 0; SOFTMAX is fixed; pooling and RESHAPE keep their input\'s parameters', () => {
  const input = quant(q.model, 'image');
  const lo = Math.min(0, ...samples.map((s) => Math.min(...s[0]!)));
  const hi = Math.max(0, ...samples.map((s) => Math.max(...s[0]!)));
  assert.equal(input.scale[0], Math.fround((hi - lo) / 255));
  assert.equal(input.zeroPoint[0], Math.round(-128 - lo / input.scale[0]!));
  const relu = q.layers.find((l) => l.output === 'conv/Relu')!;
  assert.equal(relu.zeroPoint, -128, 'a ReLU output starts at 0, the bottom of the int8 range');
  assert.deepEqual(quant(q.model, 'probs').scale, [1 / 256]);
  assert.deepEqual(quant(q.model, 'probs').zeroPoint, [-128]);
  assert.deepEqual(quant(q.model, 'pool').scale, quant(q.model, 'dw/Relu').scale);
  assert.deepEqual(quant(q.model, 'flat').zeroPoint, quant(q.model, 'dw/Relu').zeroPoint);
  assert.equal(q.layers.find((l) => l.output === 'flat')!.rule, 'same as input');
});

function checkRoundTrip(r: Quantization, float: Model): void {
  const g = r.model.subgraphs[0]!;
  for (const t of g.tensors) {
    if (t.isConstant && t.dtype === 'FLOAT32') assert.fail(`constant '${t.name}' is still float`);
  }
  assert.deepEqual(g.tensors.filter((t) => !t.isConstant && t.dtype === 'FLOAT32').map((t) => t.name).sort(), [], 'int8 I/O: no float activations');
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(r.model, runtime).status, 'ok', runtime);
  const weights = (m: Model): number => analyzeModel(m, 'tflm-reference').flash.weightBytes;
  assert.ok(weights(r.model) < weights(float), `int8 weights are smaller: ${weights(r.model)} vs ${weights(float)} bytes`);
}

test('the int8 model reads back, keeps tensor names, and allocates on both TFLM kernel sets', () => {
  checkRoundTrip(q, float);
  const names = new Set(float.subgraphs[0]!.tensors.map((t) => t.name));
  assert.ok(q.model.subgraphs[0]!.tensors.every((t) => names.has(t.name)));
  assert.deepEqual(q.model.subgraphs[0]!.operators.map((o) => [o.opName, o.version]), [['CONV_2D', 3], ['DEPTHWISE_CONV_2D', 3], ['AVERAGE_POOL_2D', 2], ['RESHAPE', 1], ['FULLY_CONNECTED', 4], ['SOFTMAX', 2]]);
});

test('the simulated int8 model stays close to the float model', () => {
  const e = q.int8Error[0]!;
  assert.ok(e.maxAbs < 0.05, `max error ${e.maxAbs}`);
  assert.ok(e.top1 !== null && e.top1 >= 0.9, `top-1 ${e.top1}`);
  assert.ok(q.weightsError[0]!.maxAbs <= e.maxAbs + 1e-6, 'weights-only error is the smaller one');
  assert.ok(e.maxAbs > 0, 'a simulation that changes nothing is not simulating');
});

test('--io float32 keeps float inputs and outputs with QUANTIZE / DEQUANTIZE at the edges', () => {
  const r = quantizeModel(float, samples, 'float32');
  const g = r.model.subgraphs[0]!;
  const ops = g.operators.map((o) => o.opName);
  assert.equal(ops[0], 'QUANTIZE');
  assert.equal(ops[ops.length - 1], 'DEQUANTIZE');
  assert.equal(g.tensors[g.inputs[0]!]!.dtype, 'FLOAT32');
  assert.equal(g.tensors[g.inputs[0]!]!.name, 'image');
  assert.equal(g.tensors[g.outputs[0]!]!.dtype, 'FLOAT32');
  assert.equal(g.tensors[g.outputs[0]!]!.name, 'probs');
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(r.model, runtime).status, 'ok', runtime);
});

test('CONCATENATION inputs with other scales are requantized to the output\'s; ADD with a constant operand', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(f32('x', [1, 4]));
  const big = g.op('MUL', { inputs: [x, g.constant({ ...f32('ten', [1]), data: [10] })], output: f32('big', [1, 4]), options: { fusedActivationFunction: 'NONE' } });
  const small = g.op('ADD', { inputs: [x, g.constant({ ...f32('offset', [4]), data: [0.1, 0.2, 0.3, 0.4] })], output: f32('small', [1, 4]), options: { fusedActivationFunction: 'NONE' } });
  const cat = g.op('CONCATENATION', { inputs: [big, small], output: f32('cat', [1, 8]), options: { axis: 1, fusedActivationFunction: 'NONE' } });
  g.output(g.op('LOGISTIC', { inputs: [cat], output: f32('sig', [1, 8]) }));
  const fm = readTflite(m.finish());
  const r = quantizeModel(fm, randomSamples([[1, 4]], 10, -1, 1), 'int8');
  const rg = r.model.subgraphs[0]!;
  const concat = rg.operators.find((o) => o.opName === 'CONCATENATION')!;
  const out = rg.tensors[concat.outputs[0]!]!.quantization!;
  for (const i of concat.inputs) assert.deepEqual([rg.tensors[i]!.quantization!.scale, rg.tensors[i]!.quantization!.zeroPoint], [out.scale, out.zeroPoint]);
  assert.ok(r.requantizeOps >= 1);
  assert.equal(byName(r.model, 'offset').dtype, 'INT8');
  assert.deepEqual(quant(r.model, 'sig').scale, [1 / 256]);
  checkRoundTrip(r, fm);
  assert.ok(r.int8Error[0]!.maxAbs < 0.03, `error ${r.int8Error[0]!.maxAbs}`);
});
