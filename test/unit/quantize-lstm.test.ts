/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM and LOG_SOFTMAX in the float interpreter (against TFLite's LSTM equations evaluated
 * independently, and against tfjs for a Keras LSTM) and in the int8 quantizer (the tensor types TFLM's int8 LSTM
 * kernel requires, LOG_SOFTMAX's fixed output parameters, both kernel sets allocating the result).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { ModelBuilder, SeededRandom, type TensorRef } from '../../server/src/model/builder/index.js';
import type { Model, Tensor } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter, QuantizeError, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { randomizeWeights, relError, saveLayers, tfjsReady } from './helpers/keras-models.js';
import { runTfliteLstm } from './helpers/lstm-reference.js';
import { lstmFloatModel } from './helpers/lstm-models.js';

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const tensorNamed = (m: Model, name: string): Tensor => m.subgraphs[0]!.tensors.find((t) => t.name === name)!;

test('the float LSTM equals TFLite\'s LSTM equations evaluated independently, batch- and time-major, over two runs', () => {
  for (const s of [{ batch: 1, steps: 7, features: 3, units: 5, timeMajor: false }, { batch: 2, steps: 4, features: 6, units: 3, timeMajor: true }, { batch: 3, steps: 5, features: 2, units: 4, timeMajor: false }]) {
    const model = lstmFloatModel(s, 5);
    const interp = new Interpreter(model);
    const rng = new SeededRandom(8);
    // Two runs in a row: the states start from zero in each (no state leaks from the first run into the second).
    for (let run = 0; run < 2; run++) {
      const x = Float32Array.from({ length: s.batch * s.steps * s.features }, () => rng.uniform(-2, 2));
      const got = interp.run([x])[0]!;
      const want = runTfliteLstm(model, x);
      assert.equal(got.length, want.length);
      assert.ok(maxAbsDiff(got, want) <= 1e-5, `${JSON.stringify(s)} run ${run}: max |diff| ${maxAbsDiff(got, want)}`);
      assert.ok(want.some((v) => Math.abs(v) > 0.05), 'the reference output is not trivially zero');
    }
  }
});

test('the float interpreter runs a converted Keras LSTM model whole, equal to tfjs within 1e-5', async () => {
  const tf = await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.lstm({ inputShape: [6, 3], units: 5, recurrentActivation: 'sigmoid', returnSequences: true }));
  m.add(tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  randomizeWeights(m, 21);
  const { bytes, shards } = await saveLayers(m);
  const model = readTflite(convertKeras({ format: 'tfjs-layers', name: 'lstm2.json', bytes, shards }).tflite);
  assert.equal(model.subgraphs[0]!.operators.filter((o) => o.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM').length, 2);
  const interp = new Interpreter(model);
  const rng = new SeededRandom(2);
  for (let k = 0; k < 3; k++) {
    const x = Float32Array.from({ length: 18 }, () => rng.uniform(-1, 1));
    const y = m.predict(tf.tensor(x, [1, 6, 3])) as import('@tensorflow/tfjs').Tensor;
    const want = y.dataSync() as Float32Array;
    const got = interp.run([x])[0]!;
    assert.ok(relError(got, want) <= 1e-5, `relative error ${relError(got, want)}`);
    y.dispose();
  }
  m.dispose();
});

test('an LSTM with peepholes, a projection or layer norm is refused when the interpreter is made, naming the operand', () => {
  const s = { batch: 1, steps: 2, features: 2, units: 2, timeMajor: false };
  for (const [k, what] of [[9, /peephole/], [17, /projection/], [20, /layer norm/]] as const) {
    assert.throws(() => new Interpreter(lstmFloatModel(s, 1, [k])), (e: unknown) => e instanceof QuantizeError && e.code === 'unsupported-op' && what.test(e.message), `input ${k}`);
  }
});

test('LOG_SOFTMAX: x - max - log(sum exp(x - max)) per row, and int8 at TFLM\'s fixed 16/256, zero point 127', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [2, 3], dtype: 'FLOAT32' });
  g.output(g.op('LOG_SOFTMAX', { inputs: [x], output: { name: 'y', shape: [2, 3], dtype: 'FLOAT32' } }));
  const model = readTflite(m.finish());
  const rows = [[1, 2, 3], [-50, 0, 50]];
  const got = Array.from(new Interpreter(model).run([Float32Array.from(rows.flat())])[0]!);
  const want = rows.flatMap((r) => {
    const lse = Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    return r.map((v) => v - lse);
  });
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5, `element ${i}: ${v} vs ${want[i]}`));
  const q = quantizeModel(model, randomSamples([[2, 3]], 6, -4, 4, 3), 'int8');
  const y = q.model.subgraphs[0]!.tensors[q.model.subgraphs[0]!.outputs[0]!]!;
  assert.deepEqual([y.dtype, y.quantization!.scale[0], y.quantization!.zeroPoint[0]], ['INT8', 16 / 256, 127]);
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
  assert.ok(q.int8Error[0]!.maxAbs <= 0.1, `int8 error ${q.int8Error[0]!.maxAbs}`);
});

test('an LSTM quantizes to the tensor types TFLM\'s int8 kernel requires, allocates on both kernel sets and stays near float', () => {
  const s = { batch: 1, steps: 6, features: 4, units: 5, timeMajor: false };
  const model = lstmFloatModel(s, 3);
  const q = quantizeModel(model, randomSamples([[1, 6, 4]], 8, -1, 1, 4), 'int8');
  const g = q.model.subgraphs[0]!;
  const op = g.operators.find((o) => o.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
  const at = (k: number): Tensor => g.tensors[op.inputs[k]!]!;
  const y = g.tensors[op.outputs[0]!]!;
  assert.equal(at(0).dtype, 'INT8');
  for (const k of [1, 2, 3, 4, 5, 6, 7, 8]) {
    assert.equal(at(k).dtype, 'INT8', `weight ${k}`);
    assert.deepEqual([at(k).quantization!.scale.length, at(k).quantization!.zeroPoint[0]], [1, 0], `weight ${k} per tensor, symmetric`);
  }
  for (const k of [12, 13, 14, 15]) {
    const b = at(k).quantization!;
    assert.equal(at(k).dtype, 'INT32');
    assert.equal(b.scale[0], Math.fround(Math.fround(at(0).quantization!.scale[0]!) * Math.fround(at(k - 11).quantization!.scale[0]!)), `bias ${k} at input x weight scale`);
  }
  for (const k of [9, 10, 11, 16, 17, 20, 21, 22, 23]) assert.equal(op.inputs[k], -1, `optional input ${k} absent`);
  const [h, c] = [at(18), at(19)];
  assert.ok(h.isVariable && c.isVariable);
  assert.deepEqual([h.dtype, h.quantization!.scale[0], h.quantization!.zeroPoint[0]], ['INT8', y.quantization!.scale[0], y.quantization!.zeroPoint[0]]);
  assert.equal(c.dtype, 'INT16');
  assert.equal(c.quantization!.zeroPoint[0], 0);
  assert.ok(Number.isInteger(Math.log2(c.quantization!.scale[0]!)), `cell scale ${c.quantization!.scale[0]} is a power of two`);
  for (const runtime of RUNTIMES) assert.equal(analyzeModel(q.model, runtime).status, 'ok', runtime);
  // The int8 simulation (gates on TFLM's int16 grids, states on theirs) stays within a few output steps of float.
  const step = y.quantization!.scale[0]!;
  assert.ok(q.int8Error[0]!.maxAbs <= 6 * step, `int8 max error ${q.int8Error[0]!.maxAbs} vs output step ${step}`);
  assert.ok(q.int8Error[0]!.maxAbs > 0, 'the simulation is not the float model');
});

test('the cell state scale is the power of two that holds the calibrated cell range', () => {
  const model = lstmFloatModel({ batch: 1, steps: 8, features: 3, units: 4, timeMajor: false }, 9);
  const samples = randomSamples([[1, 8, 3]], 4, -3, 3, 2);
  const interp = new Interpreter(model);
  const want = samples.reduce((m, x) => {
    // The cell state is not an output: its range follows from the hidden states, h = o tanh(c), |c| >= atanh(|h|).
    const y = interp.run(x)[0]!;
    return Math.max(m, ...Array.from(y, (v) => Math.atanh(Math.min(Math.abs(v), 0.999999))));
  }, 0);
  const q = quantizeModel(model, samples, 'int8');
  const cell = tensorNamed(q.model, 'c');
  const scale = cell.quantization!.scale[0]!;
  assert.ok(32768 * scale >= want, `cell range ${32768 * scale} holds |c| >= ${want}`);
  assert.equal(cell.dtype, 'INT16');
});

test('a damaged LSTM is a located QuantizeError when the interpreter is made: state size, weight shape, weights computed at run time', () => {
  const build = (opts: { hiddenUnits?: number; weightCols?: number; weightInput?: boolean }): Model => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    const [units, features] = [3, 2];
    const x = g.input({ name: 'x', shape: [1, 4, features], dtype: 'FLOAT32' });
    const w = (name: string, cols: number): TensorRef => g.constant({ name, shape: [units, cols], dtype: 'FLOAT32', data: new Array<number>(units * cols).fill(0.1) });
    const inputs = new Array<TensorRef | null>(24).fill(null);
    inputs[0] = x;
    for (let k = 0; k < 4; k++) {
      inputs[1 + k] = k === 0 && opts.weightInput ? g.input({ name: 'w_in', shape: [units, features], dtype: 'FLOAT32' }) : w(`w${k}`, k === 0 ? opts.weightCols ?? features : features);
      inputs[5 + k] = w(`r${k}`, units);
      inputs[12 + k] = g.constant({ name: `b${k}`, shape: [units], dtype: 'FLOAT32', data: [0, 0, 0] });
    }
    inputs[18] = g.variable({ name: 'h', shape: [1, opts.hiddenUnits ?? units], dtype: 'FLOAT32' });
    inputs[19] = g.variable({ name: 'c', shape: [1, units], dtype: 'FLOAT32' });
    g.output(g.op('UNIDIRECTIONAL_SEQUENCE_LSTM', { inputs, output: { name: 'y', shape: [1, 4, units], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'TANH', timeMajor: false } as never }));
    return readTflite(m.finish());
  };
  const located = (code: string, what: RegExp) => (e: unknown) => e instanceof QuantizeError && e.code === code && /layer 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM/.test(e.message) && what.test(e.message);
  assert.throws(() => new Interpreter(build({ hiddenUnits: 4 })), located('bad-model', /state 'h'/));
  assert.throws(() => new Interpreter(build({ weightCols: 5 })), located('bad-model', /do not fit 3 units of 2 features/));
  assert.throws(() => new Interpreter(build({ weightInput: true })), located('unsupported-op', /must be a constant/));
  assert.doesNotThrow(() => new Interpreter(build({})));
});
