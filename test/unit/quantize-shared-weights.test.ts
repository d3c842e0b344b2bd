import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { ModelBuilder, SeededRandom, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import type { Model, Tensor } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { buildInt8Model, calibrate, Interpreter, prepareFloatModel, randomSamples, type Sample } from '../../server/src/quantize/index.js';
import { randomizeWeights, saveLayers, tfjsReady } from './helpers/keras-models.js';
import { buildModel } from './helpers/tflite-fixture.js';

// A float constant read by several ops (the recurrent weights of every step of an unrolled RNN) is written once in the
// int8 model when every reader quantizes it alike; a bias, whose scale follows its op's input scale, stays one per op.
// Both models are built from the same calibration, so only the sharing differs.

interface Pair {
  readonly shared: Model;
  readonly copied: Model;
  readonly sharedBytes: number;
  readonly copiedBytes: number;
}

function quantizeBothWays(float: Model, samples: readonly Sample[]): Pair {
  const interp = prepareFloatModel(float);
  const ranges = calibrate(interp, samples);
  const shared = buildInt8Model(interp, ranges, 'int8').bytes;
  const copied = buildInt8Model(interp, ranges, 'int8', { shareConstants: false }).bytes;
  return { shared: readTflite(shared), copied: readTflite(copied), sharedBytes: shared.byteLength, copiedBytes: copied.byteLength };
}

const tensorsNamed = (m: Model, name: string) => m.subgraphs[0]!.tensors.filter((t) => t.name === name);
const flash = (m: Model) => analyzeModel(m, 'tflm-reference').flash.weightBytes;

/** The int8 models' outputs on the samples, run by the interpreter simulating integer inference. */
function outputsOf(m: Model, samples: readonly Sample[]): number[][] {
  const interp = new Interpreter(m);
  return samples.flatMap((s) => interp.run(s, { simulateQuantization: true }).map((o) => Array.from(o)));
}

const f32 = (name: string, shape: number[]) => ({ name, shape, dtype: 'FLOAT32' as const });

/**
 * x [1, 8] -> FULLY_CONNECTED (relu) -> h -> FULLY_CONNECTED -> y, with the weights and biases `constants` makes (w1,
 * b1, w2, b2), quantized both ways on 6 random samples.
 */
function twoFullyConnected(seed: number, constants: (g: SubgraphBuilder, rng: SeededRandom) => TensorRef[]): Pair & { samples: Sample[] } {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const [w1, b1, w2, b2] = constants(g, new SeededRandom(seed));
  const h = g.op('FULLY_CONNECTED', { inputs: [g.input(f32('x', [1, 8])), w1!, b1!], output: f32('h', [1, 8]), options: { fusedActivationFunction: 'RELU' } });
  g.output(g.op('FULLY_CONNECTED', { inputs: [h, w2!, b2!], output: f32('y', [1, 8]), options: { fusedActivationFunction: 'NONE' } }));
  const samples = randomSamples([[1, 8]], 6, -1, 1, 4);
  return { ...quantizeBothWays(readTflite(m.finish()), samples), samples };
}

test('two FULLY_CONNECTED reading one weight tensor: one int8 weight tensor and buffer, two biases, same outputs', () => {
  const { samples, ...q } = twoFullyConnected(21, (g, rng) => {
    const w = g.constant({ ...f32('w', [8, 8]), data: rng.uniformArray(64, -1, 1) });
    const b = g.constant({ ...f32('b', [8]), data: rng.uniformArray(8, -0.5, 0.5) });
    return [w, b, w, b];
  });

  assert.equal(tensorsNamed(q.shared, 'w').length, 1);
  assert.equal(tensorsNamed(q.copied, 'w').length, 2);
  const sharedW = tensorsNamed(q.shared, 'w')[0]!;
  assert.equal(sharedW.dtype, 'INT8');
  const readers = q.shared.subgraphs[0]!.operators.filter((op) => op.inputs[1] === sharedW.index);
  assert.equal(readers.length, 2);
  // The bias scale is input scale x weight scale, and x and h have their own ranges: two int32 biases.
  const biases = tensorsNamed(q.shared, 'b');
  assert.equal(biases.length, 2);
  assert.notEqual(biases[0]!.quantization!.scale[0], biases[1]!.quantization!.scale[0]);
  assert.equal(q.shared.buffers.length, q.copied.buffers.length - 1);
  assert.equal(flash(q.copied) - flash(q.shared), 64);
  assert.ok(q.copiedBytes - q.sharedBytes >= 64, `${q.copiedBytes} -> ${q.sharedBytes}`);
  assert.deepEqual(outputsOf(q.shared, samples), outputsOf(q.copied, samples));
});

test('tensors on one float buffer and equal biases at other scales: separate int8 tensors on one buffer each', () => {
  const { samples, ...q } = twoFullyConnected(22, (g, rng) => {
    const w1 = g.constant({ ...f32('w1', [8, 8]), data: rng.uniformArray(64, -1, 1) });
    const zero = (name: string) => g.constant({ ...f32(name, [8]), data: new Array<number>(8).fill(0) });
    return [w1, zero('b1'), g.sharedConstant(f32('w2', [8, 8]), w1), zero('b2')];
  });

  const [a, b, b1, b2] = ['w1', 'w2', 'b1', 'b2'].map((n) => tensorsNamed(q.shared, n)[0]!) as [Tensor, Tensor, Tensor, Tensor];
  assert.equal(a.buffer, b.buffer);
  assert.deepEqual(a.quantization, b.quantization);
  assert.equal(b1.buffer, b2.buffer);
  assert.notEqual(b1.quantization!.scale[0], b2.quantization!.scale[0]);
  const copied = ['w1', 'w2', 'b1', 'b2'].map((n) => tensorsNamed(q.copied, n)[0]!.buffer);
  assert.equal(new Set(copied).size, 4);
  assert.equal(flash(q.copied) - flash(q.shared), 64 + 4 * 8);
  assert.deepEqual(outputsOf(q.shared, samples), outputsOf(q.copied, samples));
});

test('a SimpleRNN unrolled over 12 steps: its recurrent weights written once, the outputs and everything else unchanged', async () => {
  const tf = await tfjsReady();
  const [steps, features, units] = [12, 3, 16];
  const k = tf.sequential({ layers: [tf.layers.simpleRNN({ inputShape: [steps, features], units }), tf.layers.dense({ units: 2 })] });
  randomizeWeights(k, 8);
  const { bytes, shards } = await saveLayers(k);
  k.dispose();
  const float = readTflite(convertKeras({ format: 'tfjs-layers', name: 'rnn.json', bytes, shards }).tflite);
  const name = float.subgraphs[0]!.tensors.find((t) => /recurrent_weights$/.test(t.name))!.name;
  const index = tensorsNamed(float, name)[0]!.index;
  const readers = float.subgraphs[0]!.operators.filter((op) => op.inputs.includes(index)).length;
  assert.ok(readers >= steps - 1, `${readers} readers`);

  const samples = randomSamples([[1, steps, features]], 4, -1, 1, 9);
  const q = quantizeBothWays(float, samples);
  assert.equal(tensorsNamed(q.shared, name).length, 1);
  assert.equal(tensorsNamed(q.copied, name).length, readers);
  // Each step's recurrent product reads h, a TANH output at the fixed scale 1/128: its zero bias is alike in every
  // step too, so it is written once as well (int32).
  const bias = tensorsNamed(q.shared, name.replace(/weights$/, 'bias'));
  assert.equal(bias.length, 1);
  assert.equal(bias[0]!.dtype, 'INT32');
  const saved = (readers - 1) * (units * units + 4 * units);
  assert.equal(flash(q.copied) - flash(q.shared), saved);
  assert.ok(q.copiedBytes - q.sharedBytes >= saved, `${q.copiedBytes} -> ${q.sharedBytes}`);
  // Same ops in the same order, reading the same int8 values.
  const ops = (m: Model) => m.subgraphs[0]!.operators.map((op) => op.opName);
  assert.deepEqual(ops(q.shared), ops(q.copied));
  assert.deepEqual(outputsOf(q.shared, samples), outputsOf(q.copied, samples));
  assert.equal(analyzeModel(q.shared, 'tflm-cmsis-nn').status, 'ok');
});

test('analyze counts a buffer that two tensors share once in flash (as TFLM links it once)', () => {
  // x -> FULLY_CONNECTED(w1) -> h -> FULLY_CONNECTED(w2) -> y, float32, w1 and w2 on buffer 1 or on buffers 1 and 2.
  const model = (w2Buffer: number) => readTflite(buildModel({
    operatorCodes: [{ deprecated: 9, builtin: 9 }],
    subgraphs: [{
      tensors: [
        { shape: [1, 4], name: 'x' }, { shape: [4, 4], buffer: 1, name: 'w1' }, { shape: [4, 4], buffer: w2Buffer, name: 'w2' },
        { shape: [1, 4], name: 'h' }, { shape: [1, 4], name: 'y' },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1, -1], outputs: [3] }, { opcodeIndex: 0, inputs: [3, 2, -1], outputs: [4] }],
      inputs: [0], outputs: [4],
    }],
    buffers: [{}, { data: new Array<number>(64).fill(1) }, { data: new Array<number>(64).fill(2) }],
  }));
  assert.equal(flash(model(1)), 64);
  assert.equal(flash(model(2)), 128);
  assert.equal(analyzeModel(model(1), 'tflm-reference').status, 'ok');
});
