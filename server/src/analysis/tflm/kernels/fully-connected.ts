import { cmsisBuffers } from './cmsis-nn-buffers.js';
import type { KernelContext, KernelModel } from './types.js';
import {
  activationOf, activationRangeQuantized, check, checkEq, convolutionMultiplier, elements, needInput,
  needOutput, optionalInput, type TensorView,
} from './math-common.js';
import { cParams } from './util.js';

/**
 * TfLiteFullyConnectedParams (builtin_op_data.h): activation, weights_format, keep_num_dims,
 * asymmetric_quantize_inputs (1-byte enums and bools) and quantized_bias_type (a 1-byte TfLiteType enum).
 * ParseFullyConnected allocates it even without an options table.
 */
const FC_PARAMS = cParams('enum', 'enum', 'bool', 'bool', 'enum');

/**
 * OpDataFullyConnected (fully_connected.h, no compression): 8 int32 (multiplier, shift, activation min/max,
 * input_quantized_index, three zero points) = 32, filter_buffer_index 4, two int32_t* 8, is_per_channel 1 -> 45,
 * padded to 48.
 */
const OP_DATA_FC = 48;

/**
 * CMSIS-NN's OpData (kernels/cmsis_nn/fully_connected.cc): OpDataFullyConnected 48, buffer_conv_1x1_idx and
 * buffer_idx 8, kernel_sums pointer 4, batches/accum_depth/output_depth 12 = 72.
 */
const OP_DATA_FC_CMSIS = 72;

/**
 * CalculateOpDataFullyConnected (fully_connected_common.cc), also called by the LSTM gates. Float returns at once.
 * A filter with more than one scale takes the per-channel path: only int8/int16 inputs with a non-int4 filter,
 * one scale per slice of the quantized dimension, and two persistent int32 arrays (multipliers, shifts), which
 * PopulateConvolutionQuantizationParams fills while the node's temporaries are live (so an overlap with them is too
 * small an arena: the RV32 rig's minimum for gen_fc_int8_perchannel, where the 40-byte TfLiteTensors reach them). Otherwise
 * the per-tensor multiplier (with its bias-scale check). Then the quantized activation range of the output.
 * Returns whether the per-channel path was taken.
 */
export function calculateFcOpData(ctx: KernelContext, activation: string, input: TensorView, filter: TensorView,
  bias: TensorView | null, output: TensorView): boolean {
  if (input.dtype === 'FLOAT32') return false;
  const perChannel = filter.quantized && filter.channels > 1;
  if (perChannel) {
    check(ctx, (input.dtype === 'INT8' || input.dtype === 'INT16') && filter.dtype !== 'INT4',
      `per-channel quantization needs an INT8 or INT16 input and a non-INT4 filter (got ${input.dtype} x ${filter.dtype})`);
    checkEq(ctx, 'per-channel scale count', filter.channels, filter.shape[filter.quantizedDimension] ?? 0);
    ctx.persistentFilled(4 * filter.channels);
    ctx.persistentFilled(4 * filter.channels);
  } else {
    convolutionMultiplier(ctx, input, filter, bias, output);
  }
  activationRangeQuantized(ctx, activation, output);
  return perChannel;
}

/** The temporaries both FULLY_CONNECTED kernels allocate first: input, filter, optional bias, output. */
function fcTemps(ctx: KernelContext): { input: TensorView; filter: TensorView; bias: TensorView | null; output: TensorView } {
  const input = needInput(ctx, 0);
  const filter = needInput(ctx, 1);
  const bias = optionalInput(ctx, 2);
  const output = needOutput(ctx, 0);
  return { input, filter, bias, output };
}

/** FULLY_CONNECTED, reference kernel (kernels/fully_connected.cc). */
export const fullyConnectedReference: KernelModel = {
  params: FC_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_FC),
  prepare: (ctx) => {
    const { input, filter, bias, output } = fcTemps(ctx);
    checkEq(ctx, 'output type', output.dtype, input.dtype);
    const supported = !((input.dtype === 'FLOAT32' && filter.dtype !== 'FLOAT32')
      || (input.dtype === 'INT8' && filter.dtype !== 'INT8' && filter.dtype !== 'INT4')
      || (input.dtype === 'INT16' && filter.dtype !== 'INT8'));
    // The kernel's own MicroPrintf message; other input types pass Prepare (Eval rejects them).
    if (!supported) ctx.fail(`Input type: ${input.dtype} with filter type: ${filter.dtype} not supported.`);
    // An int4 filter is unpacked at Eval into a scratch buffer of one byte per element.
    if (filter.dtype === 'INT4') ctx.scratch(elements(filter.shape));
    calculateFcOpData(ctx, activationOf(ctx.op), input, filter, bias, output);
  },
};

/**
 * FULLY_CONNECTED, CMSIS-NN kernel (kernels/cmsis_nn/fully_connected.cc). It rejects hybrid models and int16
 * per-channel filters, and only requests scratch where arm_* buffer-size functions are non-zero: with GCC
 * arm_fully_connected_s16_get_buffer_size and arm_convolve_1x1_s8_fast_get_buffer_size are 0 on every path, so the
 * DSP path's one request is the fake per-channel buffer for the conv-1x1 path. On Helium (MVE) the int8 size outside
 * the conv-1x1 path is output_depth x 4: with KERNELS_OPTIMIZED_FOR_SPEED a persistent kernel-sum buffer when the
 * filter (and bias, if any) are constant, else scratch.
 */
export const fullyConnectedCmsisNn: KernelModel = {
  params: FC_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_FC_CMSIS),
  prepare: (ctx) => {
    const { input, filter, bias, output } = fcTemps(ctx);
    checkEq(ctx, 'output type', output.dtype, input.dtype);
    if (!(input.dtype === 'FLOAT32' || input.dtype === 'INT16' || input.dtype === 'INT8')) {
      ctx.fail('Input data type not supported');
    }
    const ok = (input.dtype === 'FLOAT32' && filter.dtype === 'FLOAT32')
      || (input.dtype === 'INT16' && filter.dtype === 'INT8')
      || (input.dtype === 'INT8' && (filter.dtype === 'INT4' || filter.dtype === 'INT8'));
    if (!ok) ctx.fail('Hybrid models are not supported on TFLite Micro.');

    const outRank = output.shape.length;
    const accumDepth = filter.shape[filter.shape.length - 1] ?? 0;
    const outputDepth = output.shape[outRank - 1] ?? 0;
    const perChannel = calculateFcOpData(ctx, activationOf(ctx.op), input, filter, bias, output);
    check(ctx, !perChannel || (input.dtype === 'INT8' && filter.dtype !== 'INT4'),
      'per-channel quantization is only supported for INT8 inputs with INT8 filters');
    if (input.dtype === 'INT16') {
      checkEq(ctx, 'input zero point', input.zeroPoint, 0);
      checkEq(ctx, 'output zero point', output.zeroPoint, 0);
    } else if (input.dtype === 'INT8' && filter.dtype !== 'INT4') {
      const conv1x1 = outRank > 2 && accumDepth % 4 === 0;
      // Per-tensor filters on the conv-1x1 path get a scratch buffer faking per-channel multipliers and shifts.
      if (conv1x1 && !perChannel) ctx.scratch(outputDepth * 4 * 2);
      const bytes = conv1x1 ? 0 : cmsisBuffers(ctx.codePath).fullyConnectedS8(outputDepth);
      if (bytes > 0) {
        if (filter.isConstant && (bias === null || bias.isConstant)) ctx.persistentFilled(bytes);
        else ctx.scratch(bytes);
      }
    }
  },
};
