/**
 * Normalizations and type changes: SOFTMAX (int8 with batch, int16), LOG_SOFTMAX, L2_NORMALIZATION, QUANTIZE
 * (float -> int8, int8 -> int8 requantization, int8 -> int16), DEQUANTIZE, RESHAPE. The quantized softmax kernels
 * keep lookup tables (int16) or a large OpData (int8); QUANTIZE covers three type pairs its Prepare accepts.
 */
import { ModelBuilder, PROBABILITY_QUANT_INT8 } from '../../../server/src/model/builder/index.js';
import { F, i32, I16, I8, oneSubgraph, Q, Q16 } from './common.js';

/** float -> QUANTIZE -> int8 SOFTMAX (batch 3) -> RESHAPE -> DEQUANTIZE. */
export function quantizeSoftmaxChain(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(F('in', [3, 10]));
  const q = g.op('QUANTIZE', { inputs: [x], output: I8('q', [3, 10], Q(-3, 3)) });
  const sm = g.op('SOFTMAX', { inputs: [q], output: I8('sm', [3, 10], PROBABILITY_QUANT_INT8), options: { beta: 1 }, version: 2 });
  const rs = g.op('RESHAPE', {
    inputs: [sm, i32(g, 'shape', [1, 30])], output: I8('rs', [1, 30], PROBABILITY_QUANT_INT8), options: { newShape: [1, 30] },
  });
  const dq = g.op('DEQUANTIZE', { inputs: [rs], output: F('dq', [1, 30]) });
  g.output(dq);
  return m.finish();
}

/** int8 -> int8 QUANTIZE (a requantization), then int8 -> int16. */
export function quantizeRequantize(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 30], Q(-1, 1)));
    const a = g.op('QUANTIZE', { inputs: [x], output: I8('a', [1, 30], Q(-2, 2)) });
    return [g.op('QUANTIZE', { inputs: [a], output: I16('b', [1, 30], Q16(1 / 8192)) })];
  });
}

/** int16 SOFTMAX (TFLM's int16 path builds exp and reciprocal lookup tables). */
export function softmaxInt16(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I16('x', [1, 16], Q16(1 / 2048)));
    return [g.op('SOFTMAX', { inputs: [x], output: I16('y', [1, 16], Q16(1 / 32768)), options: { beta: 1 }, version: 3 })];
  });
}

/** int8 LOG_SOFTMAX with TFLM's required output quantization (scale 16/256, zero point 127). */
export function logSoftmaxInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [2, 10], Q(-5, 5)));
    return [g.op('LOG_SOFTMAX', { inputs: [x], output: I8('y', [2, 10], { scale: [16 / 256], zeroPoint: [127] }) })];
  });
}

/** Float LOG_SOFTMAX. */
export function logSoftmaxFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [2, 10]));
    return [g.op('LOG_SOFTMAX', { inputs: [x], output: F('y', [2, 10]) })];
  });
}

/** Float L2_NORMALIZATION. */
export function l2NormalizationFloat(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [1, 3, 8]));
    return [g.op('L2_NORMALIZATION', { inputs: [x], output: F('y', [1, 3, 8]) })];
  });
}

/** int8 L2_NORMALIZATION with TFLM's required output scale 1/128. */
export function l2NormalizationInt8(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 3, 8], Q(-1, 1)));
    return [g.op('L2_NORMALIZATION', { inputs: [x], output: I8('y', [1, 3, 8], { scale: [1 / 128], zeroPoint: [0] }) })];
  });
}
