/**
 * One-op models for the kernel classes of keyword-spotting and speech models, which whole models alone cover too
 * thinly to fit: MEAN (int8 and float; over H and W as global average pooling does, keepDims both ways, and other
 * axes), SVDF (int8 with an int16 or int8 state, float; rank, memory size, units, input size, batch) and
 * UNIDIRECTIONAL_SEQUENCE_LSTM (float with a float cell state; int8 with an int16 cell state, as TFLM's
 * micro_speech LSTM). Each is named `sq_...`; measure.ts's op rows for them are test/measured/rig_*_sweep_seq.tsv,
 * and scripts/fit-instructions.ts rebuilds them to read their shapes from the IR.
 *
 *   node --import tsx tools/tflm-harness/sweep-seq-models.ts OUT_DIR
 */

import {
  quantizeSymmetricInt8, SeededRandom, type SubgraphBuilder, type TensorRef,
} from '../../server/src/model/builder/index.js';
import { F, i32, I8, oneSubgraph, Q } from '../../test/measured/models/common.js';
import { writeModelsMain } from './write-models.js';

/** MEAN of an [n, h, w, c] input over `axes`. */
function meanModel(dtype: 'INT8' | 'FLOAT32', shape: number[], axes: number[], keepDims: boolean): () => Uint8Array {
  const out = shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => keepDims || !axes.includes(i));
  return () => oneSubgraph((g) => {
    const x = g.input(dtype === 'INT8' ? I8('x', shape, Q(-1, 1)) : F('x', shape));
    const y = dtype === 'INT8' ? I8('y', out, Q(-0.5, 0.5)) : F('y', out);
    return [g.op('MEAN', { inputs: [x, i32(g, 'ax', axes)], output: y, options: { keepDims }, version: dtype === 'INT8' ? 2 : 1 })];
  });
}

/** QUANTIZE from int16 to int8 or int32 (keyword_scrambled's first and last ops) over `n` values. */
function quantizeModel(to: 'INT8' | 'INT32', n: number): () => Uint8Array {
  return () => oneSubgraph((g) => {
    const x = g.input({ name: 'x', shape: [1, n], dtype: 'INT16', quant: { scale: [1 / 4096], zeroPoint: [0] } });
    const y = to === 'INT8' ? I8('y', [1, n], Q(-4, 4)) : { name: 'y', shape: [1, n], dtype: 'INT32' as const, quant: { scale: [1 / 8192], zeroPoint: [0] } };
    return [g.op('QUANTIZE', { inputs: [x], output: y })];
  });
}

type SvdfKind = 'int16state' | 'int8state' | 'float';

/**
 * SVDF with `units x rank` filters over an input of `inner` values and `memory` steps of state. The int8 forms keep
 * TFLM's scale rule (bias scale = state scale x time-weight scale) so Prepare accepts them.
 */
function svdfModel(seed: number, kind: SvdfKind, batch: number, inner: number, units: number, rank: number, memory: number): () => Uint8Array {
  return () => oneSubgraph((g: SubgraphBuilder): TensorRef[] => {
    const rng = new SeededRandom(seed);
    const filters = units * rank;
    if (kind === 'float') {
      const x = g.input(F('x', [batch, inner]));
      const wf = g.constant({ name: 'wf', shape: [filters, inner], dtype: 'FLOAT32', data: rng.uniformArray(filters * inner, -1, 1) });
      const wt = g.constant({ name: 'wt', shape: [filters, memory], dtype: 'FLOAT32', data: rng.uniformArray(filters * memory, -1, 1) });
      const b = g.constant({ name: 'b', shape: [units], dtype: 'FLOAT32', data: rng.uniformArray(units, -1, 1) });
      const s = g.variable({ name: 'state', shape: [batch, filters * memory], dtype: 'FLOAT32' });
      return [g.op('SVDF', { inputs: [x, wf, wt, b, s], output: F('y', [batch, units]), options: { rank, fusedActivationFunction: 'NONE' } })];
    }
    const stateType = kind === 'int16state' ? 'INT16' : 'INT8';
    const stateScale = kind === 'int16state' ? 0.02 : 0.05;
    const timeScale = 0.01;
    const x = g.input(I8('x', [batch, inner], Q(-1, 1)));
    const wq = quantizeSymmetricInt8(rng.glorot(filters * inner, inner, filters), [filters, inner], null);
    const wf = g.constant({ name: 'wf', shape: [filters, inner], dtype: 'INT8', data: wq.data, quant: wq.quant });
    const span = kind === 'int16state' ? 200 : 100;
    const wt = g.constant({
      name: 'wt', shape: [filters, memory], dtype: stateType, quant: { scale: [timeScale], zeroPoint: [0] },
      data: Array.from({ length: filters * memory }, (_, k) => ((k * 37) % span) - span / 2),
    });
    const b = g.constant({ name: 'b', shape: [units], dtype: 'INT32', data: new Array(units).fill(5), quant: { scale: [stateScale * timeScale], zeroPoint: [0] } });
    const s = g.variable({ name: 'state', shape: [batch, filters * memory], dtype: stateType, quant: { scale: [stateScale], zeroPoint: [0] } });
    return [g.op('SVDF', {
      inputs: [x, wf, wt, b, s], output: I8('y', [batch, units], Q(-2, 2)), options: { rank, fusedActivationFunction: 'RELU' }, version: 3,
    })];
  });
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, batch-major [batch, steps, inner] -> [batch, steps, units], no peepholes, no
 * projection: the 24 inputs TFLM's kernel takes. The int8 form has int8 weights with int32 biases at input x weight
 * scale, an int8 output state and an int16 cell state of scale 2^-11, as the converter writes them.
 */
function lstmModel(seed: number, dtype: 'INT8' | 'FLOAT32', batch: number, steps: number, inner: number, units: number): () => Uint8Array {
  return () => oneSubgraph((g: SubgraphBuilder): TensorRef[] => {
    const rng = new SeededRandom(seed);
    const options = { fusedActivationFunction: 'TANH' as const, cellClip: dtype === 'INT8' ? 10 : 0, projClip: 0, timeMajor: false };
    if (dtype === 'FLOAT32') {
      const x = g.input(F('x', [batch, steps, inner]));
      const w = (name: string, cols: number): TensorRef => g.constant({ name, shape: [units, cols], dtype: 'FLOAT32', data: rng.glorot(units * cols, cols, units) });
      const bias = (name: string): TensorRef => g.constant({ name, shape: [units], dtype: 'FLOAT32', data: rng.uniformArray(units, -0.1, 0.1) });
      const inW = ['wi', 'wf', 'wc', 'wo'].map((n) => w(n, inner));
      const recW = ['ri', 'rf', 'rc', 'ro'].map((n) => w(n, units));
      const biases = ['bi', 'bf', 'bc', 'bo'].map(bias);
      const h = g.variable({ name: 'h', shape: [batch, units], dtype: 'FLOAT32' });
      const c = g.variable({ name: 'c', shape: [batch, units], dtype: 'FLOAT32' });
      return [g.op('UNIDIRECTIONAL_SEQUENCE_LSTM', {
        inputs: [x, ...inW, ...recW, null, null, null, ...biases, null, null, h, c, null, null, null, null],
        output: F('y', [batch, steps, units]), options,
      })];
    }
    const xq = Q(-4, 4);
    const hq = { scale: [1 / 128], zeroPoint: [0] };
    const x = g.input(I8('x', [batch, steps, inner], xq));
    const w = (name: string, cols: number, inScale: number): [TensorRef, number] => {
      const q = quantizeSymmetricInt8(rng.glorot(units * cols, cols, units), [units, cols], null);
      return [g.constant({ name, shape: [units, cols], dtype: 'INT8', data: q.data, quant: q.quant }), q.quant.scale[0]! * inScale];
    };
    const inW = ['wi', 'wf', 'wc', 'wo'].map((n) => w(n, inner, xq.scale[0]!));
    const recW = ['ri', 'rf', 'rc', 'ro'].map((n) => w(n, units, hq.scale[0]!));
    const biases = inW.map(([, scale], k) => g.constant({
      name: `b${k}`, shape: [units], dtype: 'INT32', data: Array.from({ length: units }, (_, u) => ((u * 29 + k * 7) % 41) - 20), quant: { scale: [scale], zeroPoint: [0] },
    }));
    const h = g.variable({ name: 'h', shape: [batch, units], dtype: 'INT8', quant: hq });
    const c = g.variable({ name: 'c', shape: [batch, units], dtype: 'INT16', quant: { scale: [2 ** -11], zeroPoint: [0] } });
    return [g.op('UNIDIRECTIONAL_SEQUENCE_LSTM', {
      inputs: [x, ...inW.map(([t]) => t), ...recW.map(([t]) => t), null, null, null, ...biases, null, null, h, c, null, null, null, null],
      output: I8('y', [batch, steps, units], hq), options,
    })];
  });
}

/** Every sequence-model sweep model by name. */
export const SEQ_SWEEP: Readonly<Record<string, () => Uint8Array>> = (() => {
  const m: Record<string, () => Uint8Array> = {};
  let seed = 900;
  for (const dtype of ['INT8', 'FLOAT32'] as const) {
    const t = dtype === 'INT8' ? 'i8' : 'f';
    for (const h of [3, 7, 12]) {
      for (const c of [4, 13, 32, 64]) {
        for (const keep of [true, false]) m[`sq_mean${t}_hw_h${h}_c${c}_${keep ? 'keep' : 'drop'}`] = meanModel(dtype, [1, h, h, c], [1, 2], keep);
        m[`sq_mean${t}_c_h${h}_c${c}`] = meanModel(dtype, [1, h, h, c], [3], false);
      }
      for (const c of [8, 24]) {
        m[`sq_mean${t}_h_h${h}_c${c}`] = meanModel(dtype, [1, h, 5, c], [1], true);
        m[`sq_mean${t}_w_h${h}_c${c}`] = meanModel(dtype, [1, 5, h, c], [2], false);
      }
    }
  }
  // other ranks: the generic reduction's index loops run over every dimension
  for (const dtype of ['INT8', 'FLOAT32'] as const) {
    const t = dtype === 'INT8' ? 'i8' : 'f';
    for (const [a, b, c] of [[5, 3, 4], [2, 9, 16], [7, 6, 3]] as const) {
      m[`sq_mean${t}_r3a0_${a}x${b}x${c}`] = meanModel(dtype, [a, b, c], [0], false);
      m[`sq_mean${t}_r3a2_${a}x${b}x${c}`] = meanModel(dtype, [a, b, c], [2], true);
      m[`sq_mean${t}_r3a01_${a}x${b}x${c}`] = meanModel(dtype, [a, b, c], [0, 1], false);
      m[`sq_mean${t}_r2a1_${a * b}x${c}`] = meanModel(dtype, [a * b, c], [1], false);
      m[`sq_mean${t}_r2a0_${a}x${b * c}`] = meanModel(dtype, [a, b * c], [0], true);
    }
  }
  for (const n of [2, 16, 96, 257, 1000]) {
    m[`sq_quantize16to8_n${n}`] = quantizeModel('INT8', n);
    m[`sq_quantize16to32_n${n}`] = quantizeModel('INT32', n);
  }
  const svdfShapes: [number, number, number, number, number][] = [
    // batch, inner, units, rank, memory
    [1, 16, 8, 1, 4], [1, 20, 8, 2, 6], [1, 40, 16, 1, 10], [1, 64, 32, 2, 8], [1, 96, 64, 1, 12], [1, 32, 64, 1, 32],
    [1, 16, 16, 4, 5], [1, 100, 24, 2, 20], [1, 33, 12, 3, 7], [1, 8, 48, 1, 49], [2, 24, 16, 1, 8], [3, 12, 10, 2, 5],
    [1, 128, 4, 1, 16], [1, 10, 100, 1, 3],
  ];
  for (const kind of ['int16state', 'int8state', 'float'] as const) {
    const t = kind === 'int16state' ? 'i16s' : kind === 'int8state' ? 'i8s' : 'f';
    for (const [b, i, u, r, mem] of svdfShapes) m[`sq_svdf${t}_b${b}_i${i}_u${u}_r${r}_m${mem}`] = svdfModel(seed++, kind, b, i, u, r, mem);
  }
  const lstmShapes: [number, number, number, number][] = [
    // batch, steps, inner, units
    [1, 4, 8, 8], [1, 8, 16, 12], [1, 3, 40, 20], [1, 10, 28, 20], [1, 6, 12, 32], [1, 2, 64, 16], [2, 5, 10, 8],
    [1, 12, 5, 24], [1, 5, 33, 7], [3, 3, 16, 16], [1, 7, 100, 40], [1, 16, 20, 4], [1, 5, 200, 64],
  ];
  for (const dtype of ['FLOAT32', 'INT8'] as const) {
    const t = dtype === 'INT8' ? 'i8' : 'f';
    for (const [b, s, i, u] of lstmShapes) m[`sq_lstm${t}_b${b}_s${s}_i${i}_u${u}`] = lstmModel(seed++, dtype, b, s, i, u);
  }
  // speech-sized layers (a spectrogram row of a few hundred values, tens of units), so the fit does not extrapolate
  for (const dtype of ['FLOAT32', 'INT8'] as const) {
    const t = dtype === 'INT8' ? 'i8' : 'f';
    for (const [b, s, i, u] of [[1, 3, 240, 80], [1, 4, 160, 96], [1, 6, 128, 48], [1, 2, 300, 56]] as const) {
      m[`sq_lstm${t}_b${b}_s${s}_i${i}_u${u}`] = lstmModel(seed++, dtype, b, s, i, u);
    }
  }
  // long sequences: the state starts at zero and the first steps' gates saturate less (CMSIS-NN's s16 activations and
  // the libm calls branch on the data), so a step costs more once the state has grown
  const longShapes = { INT8: [[1, 16, 240, 80], [1, 20, 128, 48], [1, 24, 64, 32], [2, 12, 40, 24], [1, 30, 16, 12]], FLOAT32: [[1, 16, 96, 40], [1, 20, 64, 32], [1, 24, 28, 24], [2, 12, 40, 24], [1, 30, 16, 12]] } as const;
  for (const dtype of ['FLOAT32', 'INT8'] as const) {
    const t = dtype === 'INT8' ? 'i8' : 'f';
    for (const [b, s, i, u] of longShapes[dtype]) m[`sq_lstm${t}_b${b}_s${s}_i${i}_u${u}`] = lstmModel(seed++, dtype, b, s, i, u);
  }
  return m;
})();

writeModelsMain('sweep-seq-models.ts', SEQ_SWEEP);
