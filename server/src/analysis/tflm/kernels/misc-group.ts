import { callOnceKernel, ifKernel, whileKernel } from './control-flow.js';
import { DECODE_KERNELS } from './decode.js';
import { DETECTION_KERNELS } from './detection.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import { simpleKernel } from './misc-util.js';
import { dequantizeKernel, quantizeKernel } from './quantize.js';
import { REDUCE_KERNELS } from './reduce.js';
import { SHAPE_KERNELS } from './shape-ops.js';
import { SIGNAL_KERNELS } from './signal.js';
import { TENSOR_KERNELS, transposeKernel } from './tensor-ops.js';
import type { KernelGroup } from './types.js';

/**
 * Every op TFLM registers (MicroMutableOpResolver with all Add* calls, the signal library included, ethos-u not)
 * except the conv and math groups' ops. CMSIS-NN replaces TRANSPOSE, MAXIMUM and MINIMUM with its own kernels, whose
 * Init/Prepare allocate exactly what the reference ones do (cmsis_nn/transpose.cc, cmsis_nn/maximum_minimum.cc).
 */
export const MISC_KERNELS: KernelGroup = {
  reference: {
    ...ELEMENTWISE_KERNELS,
    ...REDUCE_KERNELS,
    ...SHAPE_KERNELS,
    ...TENSOR_KERNELS,
    ...SIGNAL_KERNELS,
    ...DETECTION_KERNELS,
    QUANTIZE: quantizeKernel,
    DEQUANTIZE: dequantizeKernel,
    IF: ifKernel,
    WHILE: whileKernel,
    CALL_ONCE: callOnceKernel,
    // circular_buffer.cc: OpDataCircularBuffer (2 ints); input and output temporaries.
    'CUSTOM:CIRCULAR_BUFFER': simpleKernel(8, [['i', 0], ['o', 0]]),
    ...DECODE_KERNELS,
  },
  cmsisNn: {
    TRANSPOSE: transposeKernel,
    MAXIMUM: {},
    MINIMUM: {},
  },
};
