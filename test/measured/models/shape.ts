/**
 * Data movement: CONCATENATION, SPLIT, SPLIT_V, PACK, UNPACK, GATHER, GATHER_ND, SLICE, STRIDED_SLICE, PAD, PADV2,
 * MIRROR_PAD, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR, EXPAND_DIMS, BROADCAST_TO, SPACE_TO_BATCH_ND,
 * BATCH_TO_SPACE_ND. Most keep only small OpData, but multi-output ops and constant index tensors change what the
 * planner sees, and several Prepare functions inspect extra tensors (each costs a temporary TfLiteTensor).
 */
import { ModelBuilder } from '../../../server/src/model/builder/index.js';
import { F, i32, I8, oneSubgraph, Q } from './common.js';
import { floatPad } from './pad.js';

const NO_ACTIVATION = { fusedActivationFunction: 'NONE' } as const;

/** int8 CONCATENATION of three inputs, SPLIT into three, ADD of two parts; a float CONCATENATION on axis 0. */
export function concatSplit(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const q = Q(-1, 1);
  const a = g.input(I8('a', [1, 4, 4, 3], q));
  const b = g.input(I8('b', [1, 4, 4, 5], q));
  const c = g.input(I8('c', [1, 4, 4, 4], q));
  const cat = g.op('CONCATENATION', {
    inputs: [a, b, c], output: I8('cat', [1, 4, 4, 12], q), options: { axis: 3, ...NO_ACTIVATION },
  });
  const parts = g.op('SPLIT', {
    inputs: [i32(g, 'axis', [3], []), cat], outputs: [0, 1, 2].map((i) => I8(`sp${i}`, [1, 4, 4, 4], q)),
    options: { numSplits: 3 },
  });
  const s = g.op('ADD', { inputs: [parts[0]!, parts[2]!], output: I8('sum', [1, 4, 4, 4], Q(-2, 2)), options: NO_ACTIVATION });
  const f = g.input(F('f', [3, 7]));
  const cf = g.op('CONCATENATION', { inputs: [f, f], output: F('catf', [6, 7]), options: { axis: 0, ...NO_ACTIVATION } });
  g.output(s, parts[1]!, cf);
  return m.finish();
}

/** Float PACK of three, UNPACK of the result; int8 GATHER on axis 0 and float GATHER on the last axis. */
export function packUnpackGather(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input(F('a', [1, 4]));
  const b = g.input(F('b', [1, 4]));
  const packed = g.op('PACK', { inputs: [a, b, a], output: F('pack', [3, 1, 4]) });
  const un = g.op('UNPACK', { inputs: [packed], outputs: [0, 1, 2].map((i) => F(`un${i}`, [1, 4])) });
  const table = g.input(I8('table', [10, 6], Q(-1, 1)));
  const idx = i32(g, 'idx', [0, 9, 3, 3, 5]);
  const gat = g.op('GATHER', { inputs: [table, idx], output: I8('gather', [5, 6], Q(-1, 1)), options: { axis: 0, batchDims: 0 } });
  const gf = g.op('GATHER', {
    inputs: [packed, i32(g, 'idx2', [3, 1, 0])], output: F('gatherf', [3, 1, 3]), options: { axis: 2, batchDims: 0 },
  });
  g.output(un[1]!, gat, gf);
  return m.finish();
}

/** int8 SLICE (size -1), STRIDED_SLICE with a shrink mask; float STRIDED_SLICE with a negative stride. */
export function sliceStridedSlice(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(I8('in', [1, 9, 8, 5], Q(-1, 1)));
  const sl = g.op('SLICE', {
    inputs: [x, i32(g, 'begin', [0, 1, 2, 0]), i32(g, 'size', [1, 6, -1, 3])], output: I8('slice', [1, 6, 6, 3], x.quant!),
  });
  const ss = g.op('STRIDED_SLICE', {
    inputs: [sl, i32(g, 'b', [0, 0, 1, 0]), i32(g, 'e', [1, 6, 6, 3]), i32(g, 's', [1, 2, 2, 1])],
    output: I8('ss', [3, 3, 3], x.quant!), options: { beginMask: 0, endMask: 0, shrinkAxisMask: 1 },
  });
  const xf = g.input(F('inf', [4, 10]));
  const ssf = g.op('STRIDED_SLICE', {
    inputs: [xf, i32(g, 'bf', [1, 9]), i32(g, 'ef', [4, 0]), i32(g, 'sf', [1, -3])],
    output: F('ssf', [3, 3]), options: { beginMask: 0, endMask: 0 },
  });
  g.output(ss, ssf);
  return m.finish();
}

/** RESIZE_NEAREST_NEIGHBOR, int8 x2 and float to an odd size. */
export function resizeNearestNeighbor(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(I8('in', [1, 5, 7, 3], Q(-1, 1)));
  const r = g.op('RESIZE_NEAREST_NEIGHBOR', { inputs: [x, i32(g, 'size', [10, 14])], output: I8('up', [1, 10, 14, 3], x.quant!) });
  const xf = g.input(F('inf', [1, 3, 3, 2]));
  const rf = g.op('RESIZE_NEAREST_NEIGHBOR', { inputs: [xf, i32(g, 'sizef', [7, 5])], output: F('upf', [1, 7, 5, 2]) });
  g.output(r, rf);
  return m.finish();
}

/** Float PAD with uneven paddings. */
export function padFloat(): Uint8Array {
  return floatPad('PAD', [1, 5, 6, 3], [0, 0, 1, 2, 2, 1, 0, 0], [1, 8, 9, 3]);
}

/** int8 PADV2 with a constant pad value. */
export function padV2Int8(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 5, 6, 3], q));
    const paddings = i32(g, 'p', [0, 0, 1, 1, 2, 2, 0, 0], [4, 2]);
    const padValue = g.constant({ name: 'cv', shape: [], dtype: 'INT8', data: [3], quant: q });
    return [g.op('PADV2', { inputs: [x, paddings, padValue], output: I8('y', [1, 7, 10, 3], q) })];
  });
}

/** Float MIRROR_PAD (no options written: the builder has no table for it, so TFLM parses the default mode). */
export function mirrorPad(): Uint8Array {
  return floatPad('MIRROR_PAD', [1, 5, 6, 3], [0, 0, 2, 2, 1, 1, 0, 0], [1, 9, 8, 3]);
}

/** int8 RESIZE_BILINEAR to an odd, non-integer scale. */
export function resizeBilinearInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 4, 5, 3], q));
    return [g.op('RESIZE_BILINEAR', { inputs: [x, i32(g, 's', [9, 7])], output: I8('y', [1, 9, 7, 3], q) })];
  });
}

/** Float GATHER_ND with [2, 2] indices. */
export function gatherNd(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [4, 5, 3]));
    return [g.op('GATHER_ND', { inputs: [x, i32(g, 'idx', [0, 1, 3, 4], [2, 2])], output: F('y', [2, 3]) })];
  });
}

/** EXPAND_DIMS (scalar axis) then BROADCAST_TO. */
export function expandDimsBroadcastTo(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [3, 4]));
    const e = g.op('EXPAND_DIMS', { inputs: [x, i32(g, 'ax', [0], [])], output: F('e', [1, 3, 4]) });
    return [g.op('BROADCAST_TO', { inputs: [e, i32(g, 'sh', [2, 3, 4])], output: F('y', [2, 3, 4]) })];
  });
}

/** SPACE_TO_BATCH_ND then BATCH_TO_SPACE_ND back to the input shape. */
export function spaceToBatchAndBack(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 4, 6, 2]));
    const s2b = g.op('SPACE_TO_BATCH_ND', {
      inputs: [x, i32(g, 'bs', [2, 2]), i32(g, 'pd', [0, 0, 0, 0], [2, 2])], output: F('s2b', [4, 2, 3, 2]),
    });
    return [g.op('BATCH_TO_SPACE_ND', {
      inputs: [s2b, i32(g, 'bs2', [2, 2]), i32(g, 'cr', [0, 0, 0, 0], [2, 2])], output: F('b2s', [1, 4, 6, 2]),
    })];
  });
}

/** int8 CONCATENATION of inputs with different scales: TFLM's kernel requires one scale, so Prepare fails. */
export function concatInt8MixedScales(): Uint8Array {
  return oneSubgraph((g) => {
    const a = g.input(I8('a', [1, 3, 4], Q(-1, 1)));
    const b = g.input(I8('b', [1, 3, 2], Q(-3, 3)));
    return [g.op('CONCATENATION', {
      inputs: [a, b], output: I8('y', [1, 3, 6], Q(-3, 3)), options: { axis: -1, ...NO_ACTIVATION },
    })];
  });
}

/** int8 STRIDED_SLICE over four dimensions with strides 3 and 2. */
export function stridedSliceInt8FourDims(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 10, 9, 4], q));
    return [g.op('STRIDED_SLICE', {
      inputs: [x, i32(g, 'b', [0, 1, 0, 1]), i32(g, 'e', [1, 10, 9, 4]), i32(g, 's', [1, 3, 2, 2])],
      output: I8('y', [1, 3, 5, 2], q), options: { beginMask: 0, endMask: 0 },
    })];
  });
}

/** Float SPLIT_V into sizes 3 and 7; both parts are outputs. */
export function splitVFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [2, 10]));
    return g.op('SPLIT_V', { inputs: [x, i32(g, 'sz', [3, 7]), i32(g, 'ax', [1], [])], outputs: [F('a', [2, 3]), F('b', [2, 7])] });
  });
}
