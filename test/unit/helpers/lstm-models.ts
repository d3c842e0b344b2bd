/**
 * Float models with one UNIDIRECTIONAL_SEQUENCE_LSTM or LOG_SOFTMAX, as the converters write them (random weights,
 * seeded), the int8 models the quantizer makes of them, and the input the TFLM rig's harness feeds an int8 model
 * (byte k = (7k + 3) mod 256): shared by the unit tests and scripts/int8-rig-outputs.ts, which records what TFLM
 * computes for these exact bytes.
 */
import { ModelBuilder, SeededRandom, type TensorRef } from '../../../server/src/model/builder/index.js';
import type { Model, Tensor } from '../../../server/src/model/ir.js';
import { readTflite } from '../../../server/src/model/tflite/reader.js';
import { quantizeModel, randomSamples } from '../../../server/src/quantize/index.js';

export interface LstmShape { batch: number; steps: number; features: number; units: number; timeMajor: boolean; cellClip?: number }

/**
 * The float model's bytes: x -> LSTM (-> LSTM ... `layers` in all, each of `units` units) -> y, with the optional
 * operands at positions `extra` of the first LSTM set to constants.
 */
export function lstmFloatBytes(s: LstmShape, seed: number, extra: readonly number[] = [], layers = 1): Uint8Array {
  const rng = new SeededRandom(seed);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const random = (n: number, scale: number): number[] => Array.from({ length: n }, () => rng.uniform(-scale, scale));
  const seq = (depth: number): number[] => (s.timeMajor ? [s.steps, s.batch, depth] : [s.batch, s.steps, depth]);
  let x = g.input({ name: 'x', shape: seq(s.features), dtype: 'FLOAT32' });
  for (let layer = 0; layer < layers; layer++) {
    const p = layers > 1 ? `l${layer}_` : '';
    const depth = layer === 0 ? s.features : s.units;
    const c = (name: string, shape: number[], scale: number): TensorRef => g.constant({ name: p + name, shape, dtype: 'FLOAT32', data: random(shape.reduce((a, d) => a * d, 1), scale) });
    const inputs = new Array<TensorRef | null>(24).fill(null);
    inputs[0] = x;
    ['i', 'f', 'c', 'o'].forEach((gate, k) => {
      inputs[1 + k] = c(`w_${gate}`, [s.units, depth], 0.8);
      inputs[5 + k] = c(`r_${gate}`, [s.units, s.units], 0.8);
      inputs[12 + k] = c(`b_${gate}`, [s.units], 0.5);
    });
    if (layer === 0) for (const k of extra) inputs[k] = c(`extra_${k}`, [s.units], 0.1);
    inputs[18] = g.variable({ name: `${p}h`, shape: [s.batch, s.units], dtype: 'FLOAT32' });
    inputs[19] = g.variable({ name: `${p}c`, shape: [s.batch, s.units], dtype: 'FLOAT32' });
    x = g.op('UNIDIRECTIONAL_SEQUENCE_LSTM', {
      inputs, output: { name: layer === layers - 1 ? 'y' : `${p}y`, shape: seq(s.units), dtype: 'FLOAT32' },
      options: { fusedActivationFunction: 'TANH', cellClip: s.cellClip ?? 0, projClip: 0, timeMajor: s.timeMajor } as never,
    });
  }
  g.output(x);
  return m.finish();
}

export function lstmFloatModel(s: LstmShape, seed: number, extra: readonly number[] = [], layers = 1): Model {
  return readTflite(lstmFloatBytes(s, seed, extra, layers));
}

/** x [rows, depth] -> LOG_SOFTMAX. */
export function logSoftmaxFloatModel(rows: number, depth: number): Model {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [rows, depth], dtype: 'FLOAT32' });
  g.output(g.op('LOG_SOFTMAX', { inputs: [x], output: { name: 'y', shape: [rows, depth], dtype: 'FLOAT32' } }));
  return readTflite(m.finish());
}

/** The builder-made models whose int8 form the rig runs: name, float model, int8 bytes (calibrated on seeded samples). */
export function rigInt8Models(): { name: string; float: Model; int8: Uint8Array }[] {
  const made = [
    { name: 'lstm_batch_major', float: lstmFloatModel({ batch: 1, steps: 8, features: 3, units: 6, timeMajor: false }, 11), range: [-1, 1] },
    { name: 'lstm_time_major_clip', float: lstmFloatModel({ batch: 2, steps: 5, features: 4, units: 4, timeMajor: true, cellClip: 3 }, 12), range: [-2, 2] },
    { name: 'lstm_stacked', float: lstmFloatModel({ batch: 1, steps: 6, features: 5, units: 7, timeMajor: false }, 13, [], 2), range: [-1, 1] },
    { name: 'log_softmax', float: logSoftmaxFloatModel(3, 10), range: [-6, 6] },
  ];
  return made.map(({ name, float, range }) => {
    const shapes = float.subgraphs[0]!.inputs.map((i) => float.subgraphs[0]!.tensors[i]!.shape);
    return { name, float, int8: quantizeModel(float, randomSamples(shapes, 8, range[0]!, range[1]!, 5), 'int8').bytes };
  });
}

/** The float values of the int8 input the rig's harness writes (tools/tflm-harness/src/main.cc FillInput). */
export function harnessInput(t: Tensor): Float32Array {
  const q = t.quantization!;
  return Float32Array.from({ length: t.elementCount }, (_, k) => ((((k * 7 + 3) & 0xff) << 24) >> 24) - q.zeroPoint[0]!).map((v) => v * q.scale[0]!);
}

/** Float values on an int8 tensor's grid as its int8 bytes. */
export function asInt8(values: Float32Array, t: Tensor): Int8Array {
  const q = t.quantization!;
  return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / q.scale[0]!) + q.zeroPoint[0]!)));
}
