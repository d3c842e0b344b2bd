import { cmsisBuffers } from './cmsis-nn-buffers.js';
import type { KernelContext, KernelModel } from './types.js';
import {
  activationOf, activationRangeQuantized, check, checkEq, f32, needInput, needOutput, numInputs, windowOutSize,
  type TensorView,
} from './math-common.js';
import { intArrayBytes } from '../structs.js';
import { cParams } from './util.js';

/**
 * TfLitePoolParams (builtin_op_data.h): padding enum 1 (+3), stride w/h and filter w/h 16, activation enum 1 (+3),
 * computed.padding (TfLitePaddingValues, 4 ints) 16 = 40. ParsePool allocates it even without options.
 */
const POOL_PARAMS = cParams('enum', 'i32', 'i32', 'i32', 'i32', 'enum', ['i32', 4]);

/** OpDataPooling (pooling.h): TfLitePaddingValues 16, int32 activation min/max 8, float min/max 8 = 32. */
const OP_DATA_POOLING = 32;

/** CMSIS-NN pooling OpData (kernels/cmsis_nn/pooling.cc): OpDataPooling 32 + buffer_idx 4 = 36. */
const OP_DATA_POOLING_CMSIS = 36;

/**
 * PoolingPrepare (pooling_common.cc), shared by AVERAGE_POOL_2D and MAX_POOL_2D in both kernel sets: input and
 * output temporaries; quantized inputs must keep their scale and zero point; float, int8 and int16 only.
 */
function poolingPrepare(ctx: KernelContext): { input: TensorView; output: TensorView } {
  const input = needInput(ctx, 0);
  const output = needOutput(ctx, 0);
  if (input.dtype === 'INT8' || input.dtype === 'INT16') {
    check(ctx, Math.abs(f32(input.scale - output.scale)) <= 1.0e-6,
      `input scale ${input.scale} and output scale ${output.scale} must match`);
    checkEq(ctx, 'output zero point', output.zeroPoint, input.zeroPoint);
  }
  if (input.dtype === 'INT8' || input.dtype === 'INT16') {
    activationRangeQuantized(ctx, activationOf(ctx.op), output);
  } else if (input.dtype !== 'FLOAT32') {
    ctx.fail(`Type ${input.dtype} not supported.`);
  }
  return { input, output };
}

/** AVERAGE_POOL_2D / MAX_POOL_2D, reference kernels (kernels/pooling.cc). */
export const poolReference: KernelModel = {
  params: POOL_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_POOLING),
  prepare: (ctx) => { poolingPrepare(ctx); },
};

/** MAX_POOL_2D, CMSIS-NN kernel: PoolingPrepare only, with the larger OpData. */
export const maxPoolCmsisNn: KernelModel = {
  params: POOL_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_POOLING_CMSIS),
  prepare: (ctx) => { poolingPrepare(ctx); },
};

/**
 * AVERAGE_POOL_2D, CMSIS-NN kernel: PoolingPrepare, then a second pair of input/output temporaries, and for int8 and
 * int16 a scratch buffer of arm_avgpool_s8/s16_get_buffer_size(output_w, channels): channels x 4 bytes on the DSP
 * path (0 on Helium/MVE and without DSP).
 */
export const averagePoolCmsisNn: KernelModel = {
  params: POOL_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_POOLING_CMSIS),
  prepare: (ctx) => {
    poolingPrepare(ctx);
    const input = needInput(ctx, 0);
    needOutput(ctx, 0);
    if (input.dtype === 'INT8' || input.dtype === 'INT16') {
      const depth = input.shape[3] ?? 0;
      const bytes = cmsisBuffers(ctx.codePath).avgpool(depth);
      if (bytes > 0) ctx.scratch(bytes);
    }
  },
};

/**
 * L2_POOL_2D (kernels/l2_pool_2d.cc): no Init; output then input temporaries; rank-4 tensors of one type, float32
 * only; the output dims are rewritten in a persistent copy (CreateWritableTensorDimsWithCopy) with the computed
 * output height and width.
 */
export const l2PoolReference: KernelModel = {
  params: POOL_PARAMS,
  prepare: (ctx) => {
    checkEq(ctx, 'input count', numInputs(ctx.op), 1);
    checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
    const output = needOutput(ctx, 0);
    const input = needInput(ctx, 0);
    checkEq(ctx, 'input rank', input.shape.length, 4);
    checkEq(ctx, 'output rank', output.shape.length, 4);
    checkEq(ctx, 'output type', output.dtype, input.dtype);
    checkEq(ctx, 'input type', input.dtype, 'FLOAT32');
    const o = ctx.op.options;
    const padding = typeof o['padding'] === 'string' ? o['padding'] : 'SAME';
    const num = (k: string): number => (typeof o[k] === 'number' ? o[k] as number : 0);
    const [batches = 0, height = 0, width = 0, channels = 0] = input.shape;
    const outH = windowOutSize(padding, height, num('filterHeight'), num('strideH'));
    const outW = windowOutSize(padding, width, num('filterWidth'), num('strideW'));
    ctx.persistent(intArrayBytes(output.shape.length));
    ctx.setShape(output.index, [batches, outH, outW, channels]);
  },
};
