/**
 * Elementwise ops: binary arithmetic with broadcasting (ADD, MUL, SUB, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM,
 * ADD_N), activations (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, PRELU, ELU, RELU, RELU6) in int8, int16 and float,
 * CAST, SELECT_V2 and ZEROS_LIKE. Quantized variants are here because their Prepare allocates what the float ones do
 * not (OpData with the rescaling parameters).
 */
import { ModelBuilder, PROBABILITY_QUANT_INT8 } from '../../../server/src/model/builder/index.js';
import { F, I16, I8, oneSubgraph, Q, Q16 } from './common.js';

const NO_ACTIVATION = { fusedActivationFunction: 'NONE' } as const;

/** int8 ADD / MUL broadcasting over channels and rows, and a float ADD / MUL / SUB chain with a [3, 1] operand. */
export function addMulBroadcast(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input(I8('a', [1, 5, 6, 8], Q(-1, 1)));
  const b = g.input(I8('b', [1, 1, 1, 8], Q(-2, 2)));
  const s = g.op('ADD', { inputs: [a, b], output: I8('add', [1, 5, 6, 8], Q(-3, 3)), options: NO_ACTIVATION });
  const c = g.constant({ name: 'c', shape: [1, 5, 1, 1], dtype: 'INT8', data: [10, 20, 30, 40, 50], quant: Q(-1, 1) });
  const p = g.op('MUL', {
    inputs: [s, c], output: I8('mul', [1, 5, 6, 8], Q(-3, 3)), options: { fusedActivationFunction: 'RELU' },
  });
  const fa = g.input(F('fa', [2, 3, 4]));
  const fb = g.input(F('fb', [3, 1]));
  const fs = g.op('ADD', { inputs: [fa, fb], output: F('fadd', [2, 3, 4]), options: NO_ACTIVATION });
  const fm = g.op('MUL', { inputs: [fs, fb], output: F('fmul', [2, 3, 4]), options: NO_ACTIVATION });
  const fd = g.op('SUB', { inputs: [fm, fa], output: F('fsub', [2, 3, 4]), options: NO_ACTIVATION });
  g.output(p, fd);
  return m.finish();
}

/** Five int8 activations of one input, each an output: LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, PRELU. */
export function activationsInt8(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(I8('in', [1, 6, 5, 4], Q(-4, 4)));
  const sh = [1, 6, 5, 4];
  const lg = g.op('LOGISTIC', { inputs: [x], output: I8('sig', sh, PROBABILITY_QUANT_INT8), version: 2 });
  const th = g.op('TANH', { inputs: [x], output: I8('tanh', sh, { scale: [1 / 128], zeroPoint: [0] }), version: 2 });
  const hs = g.op('HARD_SWISH', { inputs: [x], output: I8('hs', sh, Q(-0.5, 4)) });
  const lr = g.op('LEAKY_RELU', { inputs: [x], output: I8('lr', sh, Q(-1, 4)), options: { alpha: 0.2 }, version: 2 });
  const alpha = g.constant({ name: 'alpha', shape: [1, 1, 4], dtype: 'INT8', data: [10, 20, 30, 40], quant: Q(0, 0.5) });
  const pr = g.op('PRELU', { inputs: [x, alpha], output: I8('prelu', sh, Q(-2, 4)) });
  g.output(lg, th, hs, lr, pr);
  return m.finish();
}

/** The same activations in float, chained. */
export function activationsFloat(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const sh = [2, 7, 3];
  const x = g.input(F('in', sh));
  let y = g.op('LOGISTIC', { inputs: [x], output: F('sig', sh) });
  y = g.op('TANH', { inputs: [y], output: F('tanh', sh) });
  y = g.op('HARD_SWISH', { inputs: [y], output: F('hs', sh) });
  y = g.op('LEAKY_RELU', { inputs: [y], output: F('lr', sh), options: { alpha: 0.1 } });
  const alpha = g.constant({ name: 'alpha', shape: [3], dtype: 'FLOAT32', data: [0.1, 0.2, 0.3] });
  y = g.op('PRELU', { inputs: [y, alpha], output: F('prelu', sh) });
  g.output(y);
  return m.finish();
}

/** Float EXP, DIV and SQUARED_DIFFERENCE. */
export function expDivSquaredDifference(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [2, 9]));
    const e = g.op('EXP', { inputs: [x], output: F('e', [2, 9]) });
    const d = g.op('DIV', { inputs: [e, x], output: F('d', [2, 9]), options: NO_ACTIVATION });
    return [g.op('SQUARED_DIFFERENCE', { inputs: [d, x], output: F('s', [2, 9]) })];
  });
}

/** int8 SQUARED_DIFFERENCE with a broadcast operand. */
export function squaredDifferenceInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const a = g.input(I8('a', [1, 4, 4, 6], Q(-1, 1)));
    const b = g.input(I8('b', [1, 1, 1, 6], Q(-2, 2)));
    return [g.op('SQUARED_DIFFERENCE', { inputs: [a, b], output: I8('y', [1, 4, 4, 6], Q(0, 9)) })];
  });
}

/** int8 MAXIMUM (broadcast) then MINIMUM. */
export function maximumMinimum(): Uint8Array {
  return oneSubgraph((g) => {
    const a = g.input(I8('a', [2, 3, 5], Q(-1, 1)));
    const b = g.input(I8('b', [1, 1, 5], Q(-1, 1)));
    const mx = g.op('MAXIMUM', { inputs: [a, b], output: I8('mx', [2, 3, 5], Q(-1, 1)) });
    return [g.op('MINIMUM', { inputs: [mx, a], output: I8('mn', [2, 3, 5], Q(-1, 1)) })];
  });
}

/** Float ADD_N over four inputs (its scratch holds the input pointers). */
export function addNFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const a = g.input(F('a', [3, 4]));
    const b = g.input(F('b', [3, 4]));
    return [g.op('ADD_N', { inputs: [a, b, a, b], output: F('y', [3, 4]) })];
  });
}

/** int8 ADD_N over three inputs. */
export function addNInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const q = Q(-1, 1);
    const a = g.input(I8('a', [3, 4], q));
    const b = g.input(I8('b', [3, 4], q));
    return [g.op('ADD_N', { inputs: [a, b, a], output: I8('y', [3, 4], q) })];
  });
}

/** int32 -> float CAST, then ELU and RELU6. */
export function castEluRelu6(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input({ name: 'x', shape: [2, 5], dtype: 'INT32' });
    const c = g.op('CAST', { inputs: [x], output: F('c', [2, 5]) });
    const e = g.op('ELU', { inputs: [c], output: F('e', [2, 5]) });
    return [g.op('RELU6', { inputs: [e], output: F('r', [2, 5]) })];
  });
}

/** int8 RELU then RELU6 with requantization. */
export function reluInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 4, 4, 3], Q(-2, 2)));
    const r = g.op('RELU', { inputs: [x], output: I8('r', [1, 4, 4, 3], Q(0, 2)) });
    return [g.op('RELU6', { inputs: [r], output: I8('r6', [1, 4, 4, 3], Q(0, 2)) })];
  });
}

/** int8 HARD_SWISH on a larger (12x12x16) tensor. */
export function hardSwishInt8Large(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 12, 12, 16], Q(-6, 6)));
    return [g.op('HARD_SWISH', { inputs: [x], output: I8('y', [1, 12, 12, 16], Q(-0.4, 6)) })];
  });
}

/** int16 LOGISTIC. */
export function logisticInt16(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I16('x', [1, 16], Q16(1 / 4096)));
    return [g.op('LOGISTIC', { inputs: [x], output: I16('y', [1, 16], Q16(1 / 32768)), version: 3 })];
  });
}

/** int16 TANH. */
export function tanhInt16(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I16('x', [1, 16], Q16(1 / 4096)));
    return [g.op('TANH', { inputs: [x], output: I16('y', [1, 16], Q16(1 / 32768)), version: 3 })];
  });
}

/** ZEROS_LIKE feeding SELECT_V2 with a bool condition input. */
export function selectV2ZerosLike(): Uint8Array {
  return oneSubgraph((g) => {
    const c = g.input({ name: 'c', shape: [2, 3], dtype: 'BOOL' });
    const x = g.input(F('x', [2, 3]));
    const z = g.op('ZEROS_LIKE', { inputs: [x], output: F('z', [2, 3]) });
    return [g.op('SELECT_V2', { inputs: [c, x, z], output: F('y', [2, 3]) })];
  });
}
