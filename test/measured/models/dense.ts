/**
 * Dense layers: FULLY_CONNECTED (per-tensor, per-channel, batched, without bias, int16), BATCH_MATMUL, SVDF with its
 * variable state, EMBEDDING_LOOKUP. Per-channel data, batch sizes and variables all change TFLM's OpData and
 * persistent allocations.
 */
import {
  ModelBuilder, PROBABILITY_QUANT_INT8, quantizeBiasInt32, quantizeSymmetricInt8, type SeededRandom,
  type SubgraphBuilder, type TensorRef,
} from '../../../server/src/model/builder/index.js';
import { BATCH1_SEED, BATCH2_SEED, F, I16, I8, oneSubgraph, Q, Q16, streamAt } from './common.js';

/**
 * The first batch's int8 FULLY_CONNECTED helper: Glorot weights, then random biases, from `rng`; per-tensor unless
 * `perChannel`. The output flattens the leading dimensions unless `outShape` says otherwise (keepNumDims).
 */
function fc(
  g: SubgraphBuilder, rng: SeededRandom, x: TensorRef, name: string, units: number,
  o: { perChannel?: boolean; keepNumDims?: boolean; act?: 'NONE' | 'RELU'; outShape?: number[] } = {},
): TensorRef {
  const inner = x.shape[x.shape.length - 1]!;
  const outShape = o.outShape ?? [x.shape.slice(0, -1).reduce((a, b) => a * b, 1), units];
  const options = { fusedActivationFunction: o.act ?? 'NONE', keepNumDims: o.keepNumDims ?? false };
  const wq = quantizeSymmetricInt8(rng.glorot(units * inner, inner, units), [units, inner], o.perChannel ? 0 : null);
  const bq = quantizeBiasInt32(rng.uniformArray(units, -0.1, 0.1), x.quant!.scale[0]!, wq.quant.scale);
  const w = g.constant({ name: `${name}/w`, shape: [units, inner], dtype: 'INT8', data: wq.data, quant: wq.quant });
  const b = g.constant({ name: `${name}/b`, shape: [units], dtype: 'INT32', data: bq.data, quant: bq.quant });
  return g.op('FULLY_CONNECTED', {
    inputs: [x, w, b], output: I8(name, outShape, Q(-8, 8)), version: o.perChannel ? 12 : 4, options,
  });
}

/** Per-channel FC with keepNumDims on a [2, 3, 37] input, a per-tensor FC, then int8 SOFTMAX. */
export function fcInt8PerChannel(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 1514);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input({ name: 'in', shape: [2, 3, 37], dtype: 'INT8', quant: Q(-1, 1) });
  x = fc(g, rng, x, 'fc1', 19, { perChannel: true, keepNumDims: true, act: 'RELU', outShape: [2, 3, 19] });
  x = fc(g, rng, x, 'fc2', 11, { perChannel: false });
  const sm = g.op('SOFTMAX', {
    inputs: [x], output: I8('sm', x.shape as number[], PROBABILITY_QUANT_INT8), options: { beta: 1 },
  });
  g.output(sm);
  return m.finish();
}

/**
 * int8 SVDF (rank 2, int16 state variable) feeding an FC, like TFLM's keyword_scrambled model. TFLM requires the
 * bias scale to equal state scale x time-weight scale (0.02 x 0.01 = 0.0002); another value makes Prepare fail.
 */
function svdfInt8(rng: SeededRandom, biasScale: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [1, 20], dtype: 'INT8', quant: Q(-1, 1) });
  const units = 8, rank = 2, memory = 6, filters = units * rank;
  const wf = quantizeSymmetricInt8(rng.glorot(filters * 20, 20, filters), [filters, 20], null);
  const timeW = g.constant({
    name: 'wt', shape: [filters, memory], dtype: 'INT16', quant: { scale: [0.01], zeroPoint: [0] },
    data: Array.from({ length: filters * memory }, (_, k) => (k * 37) % 200 - 100),
  });
  const bias = g.constant({
    name: 'bias', shape: [units], dtype: 'INT32', data: new Array(units).fill(5), quant: { scale: [biasScale], zeroPoint: [0] },
  });
  const state = g.variable({ name: 'state', shape: [1, filters * memory], dtype: 'INT16', quant: { scale: [0.02], zeroPoint: [0] } });
  const featureW = g.constant({ name: 'wf', shape: [filters, 20], dtype: 'INT8', data: wf.data, quant: wf.quant });
  const y = g.op('SVDF', {
    inputs: [x, featureW, timeW, bias, state], output: I8('svdf', [1, units], Q(-2, 2)),
    options: { rank, fusedActivationFunction: 'RELU' }, version: 3,
  });
  g.output(fc(g, rng, y, 'fc', 4));
  return m.finish();
}

/** The valid int8 SVDF model. */
export function svdfInt8Valid(): Uint8Array {
  return svdfInt8(streamAt(BATCH1_SEED, 2456), 0.0002);
}

/** The same SVDF with a wrong bias scale: TFLM rejects it in SVDF's Prepare (both kernel sets). */
export function svdfInt8BadBiasScale(): Uint8Array {
  return svdfInt8(streamAt(BATCH1_SEED, 2812), 0.0001);
}

/** Float SVDF (rank 1, batch 2) with a float state variable. */
export function svdfFloat(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 3168);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [2, 9], dtype: 'FLOAT32' });
  const units = 4, rank = 1, memory = 5, filters = units * rank;
  const state = g.variable({ name: 'state', shape: [2, filters * memory], dtype: 'FLOAT32' });
  const featureW = g.constant({ name: 'wf', shape: [filters, 9], dtype: 'FLOAT32', data: rng.uniformArray(filters * 9, -1, 1) });
  const timeW = g.constant({ name: 'wt', shape: [filters, memory], dtype: 'FLOAT32', data: rng.uniformArray(filters * memory, -1, 1) });
  const bias = g.constant({ name: 'bias', shape: [units], dtype: 'FLOAT32', data: rng.uniformArray(units, -1, 1) });
  const y = g.op('SVDF', {
    inputs: [x, featureW, timeW, bias, state], output: F('svdf', [2, units]), options: { rank, fusedActivationFunction: 'NONE' },
  });
  g.output(y);
  return m.finish();
}

/** int16x8 FULLY_CONNECTED with an int64 bias. */
export function fcInt16(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 40);
  return oneSubgraph((g) => {
    const x = g.input(I16('x', [1, 24], Q16(1 / 4096)));
    const w = quantizeSymmetricInt8(rng.glorot(240, 24, 10), [10, 24], null);
    const weights = g.constant({ name: 'w', shape: [10, 24], dtype: 'INT8', data: w.data, quant: w.quant });
    const bias = g.constant({
      name: 'b', shape: [10], dtype: 'INT64', data: new Array(10).fill(3n), quant: { scale: [w.quant.scale[0]! / 4096], zeroPoint: [0] },
    });
    return [g.op('FULLY_CONNECTED', {
      inputs: [x, weights, bias], output: I16('y', [1, 10], Q16(1 / 1024)), options: { fusedActivationFunction: 'NONE' }, version: 7,
    })];
  });
}

/** int8 FULLY_CONNECTED with batch 4 (per-tensor weights). */
export function fcInt8Batch4(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1602);
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [4, 33], Q(-1, 1)));
    const w = quantizeSymmetricInt8(rng.glorot(33 * 7, 33, 7), [7, 33], null);
    const bq = quantizeBiasInt32(rng.uniformArray(7, -0.1, 0.1), x.quant!.scale[0]!, w.quant.scale);
    const weights = g.constant({ name: 'w', shape: [7, 33], dtype: 'INT8', data: w.data, quant: w.quant });
    const bias = g.constant({ name: 'b', shape: [7], dtype: 'INT32', data: bq.data, quant: bq.quant });
    return [g.op('FULLY_CONNECTED', {
      inputs: [x, weights, bias], output: I8('y', [4, 7], Q(-3, 3)), options: { fusedActivationFunction: 'NONE' }, version: 4,
    })];
  });
}

/** int8 FULLY_CONNECTED with the optional bias omitted (input index -1). */
export function fcInt8NoBias(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1840);
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 20], Q(-1, 1)));
    const w = quantizeSymmetricInt8(rng.glorot(200, 20, 10), [10, 20], null);
    const weights = g.constant({ name: 'w', shape: [10, 20], dtype: 'INT8', data: w.data, quant: w.quant });
    return [g.op('FULLY_CONNECTED', {
      inputs: [x, weights, null], output: I8('y', [1, 10], Q(-3, 3)), options: { fusedActivationFunction: 'NONE' }, version: 4,
    })];
  });
}

/** Float BATCH_MATMUL with a constant right-hand side (TFLM allocates a transposed copy of it). */
export function batchMatmulFloat(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 0);
  return oneSubgraph((g) => {
    const a = g.input(F('a', [2, 3, 5]));
    const b = g.constant({ name: 'b', shape: [2, 5, 4], dtype: 'FLOAT32', data: rng.uniformArray(40, -1, 1) });
    return [g.op('BATCH_MATMUL', { inputs: [a, b], output: F('y', [2, 3, 4]) })];
  });
}

/** int8 BATCH_MATMUL with both operands as inputs. */
export function batchMatmulInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const a = g.input(I8('a', [1, 4, 6], Q(-1, 1)));
    const b = g.input(I8('b', [1, 6, 3], { scale: [0.01], zeroPoint: [0] }));
    return [g.op('BATCH_MATMUL', { inputs: [a, b], output: I8('y', [1, 4, 3], Q(-2, 2)) })];
  });
}

/** EMBEDDING_LOOKUP of 3 ids in a constant float table. */
export function embeddingLookup(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 2040);
  return oneSubgraph((g) => {
    const ids = g.input({ name: 'ids', shape: [3], dtype: 'INT32' });
    const table = g.constant({ name: 't', shape: [10, 4], dtype: 'FLOAT32', data: rng.uniformArray(40, -1, 1) });
    return [g.op('EMBEDDING_LOOKUP', { inputs: [ids, table], output: F('y', [3, 4]) })];
  });
}
