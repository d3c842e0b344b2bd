import { convCmsisNn, convReference } from './conv.js';
import { depthwiseConvCmsisNn, depthwiseConvReference } from './depthwise-conv.js';
import { transposeConvCmsisNn, transposeConvReference } from './transpose-conv.js';
import type { KernelGroup } from './types.js';

/**
 * Kernel models of the convolution family, registered by index.ts. TFLM registers CONV_2D, DEPTHWISE_CONV_2D and
 * TRANSPOSE_CONV (micro_mutable_op_resolver.h); it has no CONV_3D or CONV_3D_TRANSPOSE kernel. The CMSIS-NN build
 * replaces all three with kernels/cmsis_nn/{conv,depthwise_conv,transpose_conv}.cc.
 */
export const CONV_KERNELS: KernelGroup = {
  reference: {
    CONV_2D: convReference,
    DEPTHWISE_CONV_2D: depthwiseConvReference,
    TRANSPOSE_CONV: transposeConvReference,
  },
  cmsisNn: {
    CONV_2D: convCmsisNn,
    DEPTHWISE_CONV_2D: depthwiseConvCmsisNn,
    TRANSPOSE_CONV: transposeConvCmsisNn,
  },
};
