/**
 * PAD, PADV2 and MIRROR_PAD models whose paddings decide whether TFLM's Prepare accepts them: PadPrepare reads the
 * constant paddings (as int32, whatever their type) and checks every output dimension against input + paddings;
 * MirrorPadPrepare checks only the padding matrix's shape. Constants are fixed values, no random stream.
 */
import { F, i32, I8, oneSubgraph, Q } from './common.js';

/**
 * `op` alone on a float input `x` of shape `input`, with int32 paddings `p` (shaped `paddingsShape`, by default one
 * row of two per input dimension) and a float output `y` of shape `output`.
 */
export function floatPad(op: 'PAD' | 'MIRROR_PAD', input: number[], paddings: number[], output: number[],
  paddingsShape = [input.length, 2]): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', input));
    return [g.op(op, { inputs: [x, i32(g, 'p', paddings, paddingsShape)], output: F('y', output) })];
  });
}

/** Float PAD whose output shape disagrees with input + paddings in one dimension: Prepare fails. */
export function padShapeMismatch(): Uint8Array {
  return floatPad('PAD', [1, 5, 6, 3], [0, 0, 1, 2, 2, 1, 0, 0], [1, 8, 8, 3]);
}

/** The mismatch on the second node, after a RELU, so the failing node is 1. */
export function padMismatchSecondNode(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 4, 4, 2]));
    const r = g.op('RELU', { inputs: [x], output: F('r', [1, 4, 4, 2]) });
    return [g.op('PAD', { inputs: [r, i32(g, 'p', [0, 0, 1, 1, 1, 1, 0, 0], [4, 2])], output: F('y', [1, 6, 7, 2]) })];
  });
}

/** INT64 paddings with a correct output shape: TFLM reads them as int32 words (low, high, ...) and rejects it. */
export function padInt64Paddings(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 4, 4, 2]));
    const p = g.constant({ name: 'p', shape: [4, 2], dtype: 'INT64', data: [0, 0, 1, 1, 1, 1, 0, 0] });
    return [g.op('PAD', { inputs: [x, p], output: F('y', [1, 6, 6, 2]) })];
  });
}

/**
 * INT64 paddings and the output shape TFLM's int32 reading of them gives (each dimension plus the low and high word
 * of the next padding value): Prepare accepts it.
 */
export function padInt64AsInt32Shape(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 4, 4, 2]));
    // As int32 words: [2, 0, 3, 0, 1, 0, 1, 0 | ...]; dims 1 + 2 + 0, 4 + 3 + 0, 4 + 1 + 0, 2 + 1 + 0.
    const p = g.constant({ name: 'p', shape: [4, 2], dtype: 'INT64', data: [2, 3, 1, 1, 0, 0, 0, 0] });
    return [g.op('PAD', { inputs: [x, p], output: F('y', [3, 7, 5, 3]) })];
  });
}

/** int8 PADV2 with a negative (cropping) padding: input + paddings still equals the output, so Prepare accepts it. */
export function padV2NegativePadding(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const x = g.input(I8('x', [1, 5, 6, 3], q));
    const paddings = i32(g, 'p', [0, 0, -1, 2, 1, -2, 0, 0], [4, 2]);
    const padValue = g.constant({ name: 'cv', shape: [], dtype: 'INT8', data: [0], quant: q });
    return [g.op('PADV2', { inputs: [x, paddings, padValue], output: I8('y', [1, 6, 5, 3], q) })];
  });
}

/** MIRROR_PAD with a flat [8] padding vector: the matrix must have rank 2. */
export function mirrorPadFlatPaddings(): Uint8Array {
  return floatPad('MIRROR_PAD', [1, 5, 6, 3], [0, 0, 2, 2, 1, 1, 0, 0], [1, 9, 8, 3], [8]);
}

/** MIRROR_PAD with a [3, 2] matrix for a rank-4 input: one row per input dimension is required. */
export function mirrorPadTooFewRows(): Uint8Array {
  return floatPad('MIRROR_PAD', [1, 5, 6, 3], [2, 2, 1, 1, 0, 0], [1, 9, 8, 3], [3, 2]);
}
