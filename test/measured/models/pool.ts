/** Pooling: MAX_POOL_2D, AVERAGE_POOL_2D (int8, int16, float; SAME and VALID) and L2_POOL_2D. */
import { ModelBuilder } from '../../../server/src/model/builder/index.js';
import { F, I16, I8, oneSubgraph, Q, Q16 } from './common.js';

/** int8 max then average pool (padding SAME, then VALID with RELU), beside a float average then max pool. */
export function poolInt8AndFloat(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [1, 15, 13, 8], dtype: 'INT8', quant: Q(-2, 2) });
  const mp = g.op('MAX_POOL_2D', {
    inputs: [x], output: I8('mp', [1, 8, 7, 8], x.quant!),
    options: { padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3, fusedActivationFunction: 'NONE' },
  });
  const ap = g.op('AVERAGE_POOL_2D', {
    inputs: [mp], output: I8('ap', [1, 4, 3, 8], x.quant!),
    options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'RELU' },
  });
  const xf = g.input({ name: 'inf', shape: [1, 10, 10, 3], dtype: 'FLOAT32' });
  const apf = g.op('AVERAGE_POOL_2D', {
    inputs: [xf], output: F('apf', [1, 4, 4, 3]),
    options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3, fusedActivationFunction: 'NONE' },
  });
  const mpf = g.op('MAX_POOL_2D', {
    inputs: [apf], output: F('mpf', [1, 2, 2, 3]),
    options: { padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'RELU6' },
  });
  g.output(ap, mpf);
  return m.finish();
}

/** int16 max then average pool, both SAME. */
export function poolInt16(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q16(1 / 1024);
    const x = g.input(I16('x', [1, 9, 9, 4], q));
    const mp = g.op('MAX_POOL_2D', {
      inputs: [x], output: I16('mp', [1, 5, 5, 4], q),
      options: { padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3, fusedActivationFunction: 'NONE' },
    });
    return [g.op('AVERAGE_POOL_2D', {
      inputs: [mp], output: I16('ap', [1, 3, 3, 4], q),
      options: { padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'NONE' },
    })];
  });
}

/** Float L2_POOL_2D (reference kernel only). */
export function l2PoolFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 8, 8, 3]));
    return [g.op('L2_POOL_2D', {
      inputs: [x], output: F('y', [1, 4, 4, 3]),
      options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'NONE' },
    })];
  });
}

/** int8 average pool, 3x3 stride 3 SAME on an 11x7 input, so the padding is uneven. */
export function avgPoolInt8Same(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 11, 7, 5], q));
    return [g.op('AVERAGE_POOL_2D', {
      inputs: [x], output: I8('y', [1, 4, 3, 5], q),
      options: { padding: 'SAME', strideW: 3, strideH: 3, filterWidth: 3, filterHeight: 3, fusedActivationFunction: 'NONE' },
    })];
  });
}
