import type { KernelContext, KernelModel } from './types.js';
import { check, checkEq, f32, needInput, needOutput, numInputs, type TensorView } from './math-common.js';
import { cParams } from './util.js';

/** TfLiteSoftmaxParams: one float (beta). ParseSoftmax allocates it even without options. */
const SOFTMAX_PARAMS = cParams('f32');

/**
 * SoftmaxParams (tensorflow/lite/kernels/internal/types.h): double beta 8, seven int32/float fields 28, five
 * pointers (table, two int16 LUTs, two uint8 tables) 20 = 56 (8-byte aligned).
 */
const SOFTMAX_OP_DATA = 56;

/** CMSISNNSoftmaxParams (kernels/cmsis_nn/softmax.cc): SoftmaxParams 56 + num_rows, row_size 8 = 64. */
const SOFTMAX_OP_DATA_CMSIS = 64;

/** LUTSize<int16_t>() (kernels/internal/common.h): 513 entries of int16. */
const INT16_LUT_BYTES = 513 * 2;

/**
 * LogSoftmaxOpData (kernels/log_softmax.cc): five int32 and two size_t = 28 bytes, allocated in Prepare for int8.
 */
const LOG_SOFTMAX_OP_DATA = 28;

/** TF_LITE_ENSURE_NEAR on floats. */
function near(a: number, b: number, epsilon: number): boolean {
  return Math.abs(a - b) <= epsilon;
}

/**
 * CalculateSoftmaxParams (softmax_common.cc): int16 inputs get two persistent 513-entry LUTs first; then the type
 * pairs (int16 output from int8/int16, else same types) and the fixed output quantization each pair requires.
 */
function calculateSoftmaxParams(ctx: KernelContext, input: TensorView, output: TensorView): void {
  if (input.dtype === 'INT16') {
    ctx.persistent(INT16_LUT_BYTES);
    ctx.persistent(INT16_LUT_BYTES);
  }
  if (output.dtype === 'INT16') {
    check(ctx, input.dtype === 'INT8' || input.dtype === 'INT16', `an INT16 output needs an INT8 or INT16 input, not ${input.dtype}`);
  } else {
    checkEq(ctx, 'output type', output.dtype, input.dtype);
  }
  if (input.dtype === 'INT16') checkEq(ctx, 'output zero point', output.zeroPoint, 0);
  if (input.dtype === 'INT8' || input.dtype === 'INT16') {
    if (input.dtype === 'INT16') {
      checkEq(ctx, 'input zero point', input.zeroPoint, 0);
      checkEq(ctx, 'output zero point', output.zeroPoint, 0);
      check(ctx, near(output.scale, f32(1 / 32768), f32(0.001 / 32768)), `INT16 output scale must be 1/32768, not ${output.scale}`);
    } else if (output.dtype === 'INT16') {
      checkEq(ctx, 'output zero point', output.zeroPoint, -32768);
      check(ctx, near(output.scale, f32(1 / 65536), f32(0.001 / 65536)), `INT16 output scale must be 1/65536, not ${output.scale}`);
    } else {
      checkEq(ctx, 'output type', output.dtype, 'INT8');
      checkEq(ctx, 'output zero point', output.zeroPoint, -128);
      check(ctx, output.scale === 1 / 256, `INT8 output scale must be exactly 1/256, not ${output.scale}`);
    }
  } else {
    checkEq(ctx, 'input type', input.dtype, 'FLOAT32');
    checkEq(ctx, 'output type', output.dtype, 'FLOAT32');
  }
}

/** The opening of both SOFTMAX Prepares: one input (rank >= 1) and one output. */
function softmaxTemps(ctx: KernelContext): { input: TensorView; output: TensorView } {
  checkEq(ctx, 'input count', numInputs(ctx.op), 1);
  checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
  const input = needInput(ctx, 0);
  check(ctx, input.shape.length >= 1, 'the input needs at least one dimension');
  const output = needOutput(ctx, 0);
  return { input, output };
}

/** SOFTMAX, reference kernel (kernels/softmax.cc, softmax_common.cc). */
export const softmaxReference: KernelModel = {
  params: SOFTMAX_PARAMS,
  init: (ctx) => ctx.persistent(SOFTMAX_OP_DATA),
  prepare: (ctx) => {
    const { input, output } = softmaxTemps(ctx);
    calculateSoftmaxParams(ctx, input, output);
  },
};

/** SOFTMAX, CMSIS-NN kernel (kernels/cmsis_nn/softmax.cc): its own type checks, then the reference parameters. */
export const softmaxCmsisNn: KernelModel = {
  params: SOFTMAX_PARAMS,
  init: (ctx) => ctx.persistent(SOFTMAX_OP_DATA_CMSIS),
  prepare: (ctx) => {
    const { input, output } = softmaxTemps(ctx);
    if (!(input.dtype === output.dtype || (input.dtype === 'INT8' && output.dtype === 'INT16'))) {
      ctx.fail('Input and output data types are not supported together.');
    }
    if (!(input.dtype === 'FLOAT32' || input.dtype === 'INT16' || input.dtype === 'INT8')) {
      ctx.fail('Input data type not supported');
    }
    calculateSoftmaxParams(ctx, input, output);
  },
};

/**
 * LOG_SOFTMAX (kernels/log_softmax.cc): ParseLogSoftmax allocates nothing and there is no Init. Prepare checks one
 * input/output of the same type and shape; int8 allocates its OpData and needs the fixed output quantization
 * (scale 16/256, zero point 127). Other types pass Prepare.
 */
export const logSoftmaxReference: KernelModel = {
  prepare: (ctx) => {
    checkEq(ctx, 'input count', numInputs(ctx.op), 1);
    checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
    const input = needInput(ctx, 0);
    const output = needOutput(ctx, 0);
    checkEq(ctx, 'output type', output.dtype, input.dtype);
    check(ctx, input.shape.length === output.shape.length && input.shape.every((d, i) => d === output.shape[i]),
      'input and output shapes differ');
    if (input.dtype === 'INT8') {
      ctx.persistent(LOG_SOFTMAX_OP_DATA);
      check(ctx, output.scale === 16 / 256, `INT8 output scale must be 16/256, not ${output.scale}`);
      checkEq(ctx, 'output zero point', output.zeroPoint, 127);
    }
  },
};
