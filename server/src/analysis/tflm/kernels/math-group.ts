import { addCmsisNn, addReference, mulReference, subReference } from './arithmetic.js';
import { batchMatmulCmsisNn, batchMatmulReference } from './batch-matmul.js';
import { fullyConnectedCmsisNn, fullyConnectedReference } from './fully-connected.js';
import { lstmCmsisNn, lstmReference } from './lstm.js';
import { padModel } from './pad.js';
import { averagePoolCmsisNn, maxPoolCmsisNn, poolReference } from './pooling.js';
import { logSoftmaxReference, softmaxCmsisNn, softmaxReference } from './softmax.js';
import { svdfCmsisNn, svdfReference } from './svdf.js';
import type { KernelGroup } from './types.js';

/**
 * Kernel models of the math group (fully connected, pooling, softmax, arithmetic, recurrent, matmul, pad), registered
 * by index.ts. TFLM (micro_mutable_op_resolver.h) registers no LSTM or BIDIRECTIONAL_SEQUENCE_LSTM kernel, so those
 * ops are deliberately absent. CMSIS-NN entries are the ops with a kernel in kernels/cmsis_nn/: MUL, PAD and PADV2
 * keep the reference Init/Prepare there, so they reuse the reference models (listed so reports show them optimized).
 * L2_POOL_2D's model lives in pooling.ts and is registered by the misc group (shape-ops.ts), beside the other ops
 * that rewrite their output dims.
 */
export const MATH_KERNELS: KernelGroup = {
  reference: {
    FULLY_CONNECTED: fullyConnectedReference,
    AVERAGE_POOL_2D: poolReference,
    MAX_POOL_2D: poolReference,
    SOFTMAX: softmaxReference,
    LOG_SOFTMAX: logSoftmaxReference,
    ADD: addReference,
    SUB: subReference,
    MUL: mulReference,
    SVDF: svdfReference,
    UNIDIRECTIONAL_SEQUENCE_LSTM: lstmReference,
    BATCH_MATMUL: batchMatmulReference,
    PAD: padModel,
    PADV2: padModel,
  },
  cmsisNn: {
    FULLY_CONNECTED: fullyConnectedCmsisNn,
    AVERAGE_POOL_2D: averagePoolCmsisNn,
    MAX_POOL_2D: maxPoolCmsisNn,
    SOFTMAX: softmaxCmsisNn,
    ADD: addCmsisNn,
    MUL: mulReference,
    SVDF: svdfCmsisNn,
    UNIDIRECTIONAL_SEQUENCE_LSTM: lstmCmsisNn,
    BATCH_MATMUL: batchMatmulCmsisNn,
    PAD: padModel,
    PADV2: padModel,
  },
};
