/**
 * Reductions and reorderings: MEAN, SUM, REDUCE_MAX (keepDims both ways), CUMSUM, ARG_MAX, TRANSPOSE, SQUEEZE. The
 * reduce kernels request scratch buffers for the accumulators and index arrays, sized by the input and axes.
 */
import { ModelBuilder } from '../../../server/src/model/builder/index.js';
import { F, i32, I8, oneSubgraph, Q } from './common.js';

/** int8 MEAN over H and W with keepDims, SQUEEZE; float SUM, TRANSPOSE then MEAN; an int8 TRANSPOSE. */
export function reduceTranspose(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(I8('in', [1, 7, 6, 10], Q(-1, 1)));
  const mean = g.op('MEAN', {
    inputs: [x, i32(g, 'axes', [1, 2])], output: I8('mean', [1, 1, 1, 10], Q(-0.5, 0.5)), options: { keepDims: true }, version: 2,
  });
  const sq = g.op('SQUEEZE', { inputs: [mean], output: I8('sq', [1, 10], Q(-0.5, 0.5)), options: { squeezeDims: [1, 2] } });
  const xf = g.input(F('inf', [3, 4, 5]));
  const sum = g.op('SUM', { inputs: [xf, i32(g, 'axes2', [2])], output: F('sum', [3, 4]), options: { keepDims: false } });
  const tr = g.op('TRANSPOSE', { inputs: [xf, i32(g, 'perm', [2, 0, 1])], output: F('tr', [5, 3, 4]) });
  const meanf = g.op('MEAN', { inputs: [tr, i32(g, 'axes3', [0])], output: F('meanf', [3, 4]), options: { keepDims: false } });
  const tr8 = g.op('TRANSPOSE', { inputs: [x, i32(g, 'perm8', [0, 3, 1, 2])], output: I8('tr8', [1, 10, 7, 6], x.quant!) });
  g.output(sq, sum, meanf, tr8);
  return m.finish();
}

/** int8 REDUCE_MAX over H and W without keepDims. */
export function reduceMaxInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 6, 5, 7], q));
    return [g.op('REDUCE_MAX', { inputs: [x, i32(g, 'ax', [1, 2])], output: I8('y', [1, 7], q), options: { keepDims: false } })];
  });
}

/** int8 SUM over the channel axis (requantizing). */
export function sumInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 6, 5, 7], Q(-1, 1)));
    return [g.op('SUM', { inputs: [x, i32(g, 'ax', [3])], output: I8('y', [1, 6, 5], Q(-7, 7)), options: { keepDims: false } })];
  });
}

/** int8 MEAN over H and W without keepDims. */
export function meanInt8NoKeepDims(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 5, 5, 12], Q(-1, 1)));
    return [g.op('MEAN', { inputs: [x, i32(g, 'ax', [1, 2])], output: I8('y', [1, 12], Q(-1, 1)), options: { keepDims: false } })];
  });
}

/** Float CUMSUM: TFLM allocates no OpData for it (only the int8 path does). */
export function cumsumFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [3, 7]));
    return [g.op('CUMSUM', { inputs: [x, i32(g, 'ax', [1], [])], output: F('y', [3, 7]) })];
  });
}

/** int8 CUMSUM: the path that allocates cumsum.cc's OpData. */
export function cumsumInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [3, 7], Q(-1, 1)));
    return [g.op('CUMSUM', { inputs: [x, i32(g, 'ax', [1], [])], output: I8('y', [3, 7], Q(-7, 7)) })];
  });
}

/** Float ARG_MAX with an int32 output. */
export function argMax(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [3, 8]));
    return [g.op('ARG_MAX', { inputs: [x, i32(g, 'ax', [1], [])], output: { name: 'y', shape: [3], dtype: 'INT32' } })];
  });
}
