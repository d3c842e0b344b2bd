import { cmsisBuffers } from './cmsis-nn-buffers.js';
import type { KernelContext, KernelModel } from './types.js';
import { check, checkEq, f32, needInput, needOutput, numInputs, optionalInput } from './math-common.js';
import { cParams } from './util.js';

/** TfLiteSVDFParams: int rank 4, activation enum 1, asymmetric_quantize_inputs 1 -> 6, padded to 8. */
const SVDF_PARAMS = cParams('i32', 'enum', 'bool');

/** OpDataSvdf (svdf.h): nine int32 = 36. */
const OP_DATA_SVDF = 36;

/**
 * CmsisNnOpDataSvdf (kernels/cmsis_nn/svdf.cc) with KERNELS_OPTIMIZED_FOR_SPEED (TFLM's Makefile default): nine
 * int32 and the kernel_sums pointer = 40 (44 with KERNELS_OPTIMIZED_FOR_SIZE; both allocate 48 after alignment).
 */
const OP_DATA_SVDF_CMSIS = 40;

/**
 * PrepareSvdf (svdf_common.cc) and CmsisNnPrepareSvdf, which make the same requests on the DSP path:
 * temporaries input, weights_feature, weights_time, optional bias, activation_state, then (after the first shape
 * checks) output; the shape and type checks; int8 requests two int32 scratch buffers (batch x filters and batch x
 * units), float one (batch x filters). CMSIS-NN's arm_svdf_s8_get_buffer_size is 0 on the DSP path; on Helium it is
 * filters x 4, allocated persistently as kernel sums with KERNELS_OPTIMIZED_FOR_SPEED.
 */
function prepareSvdf(ctx: KernelContext): void {
  const rankOption = ctx.op.options['rank'];
  const rank = typeof rankOption === 'number' ? rankOption : 0;
  const input = needInput(ctx, 0);
  const weightsFeature = needInput(ctx, 1);
  const weightsTime = needInput(ctx, 2);
  const bias = optionalInput(ctx, 3);
  const state = needInput(ctx, 4);

  const inputSize = input.shape[1] ?? 0;
  const batch = input.shape[0] ?? 0;
  const filters = weightsFeature.shape[0] ?? 0;
  check(ctx, rank !== 0 && filters % rank === 0, `${filters} filters are not a multiple of rank ${rank}`);
  const units = Math.trunc(filters / rank);
  const memory = weightsTime.shape[1] ?? 0;
  check(ctx, input.dtype === 'FLOAT32' || input.dtype === 'INT8', `input type ${input.dtype} is not supported (FLOAT32 or INT8)`);
  checkEq(ctx, 'input rank', input.shape.length, 2);
  checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
  const output = needOutput(ctx, 0);
  checkEq(ctx, 'output rank', output.shape.length, 2);
  checkEq(ctx, 'output batch', output.shape[0] ?? 0, batch);
  checkEq(ctx, 'output units', output.shape[1] ?? 0, units);
  checkEq(ctx, 'weights_feature rank', weightsFeature.shape.length, 2);
  checkEq(ctx, 'weights_feature input size', weightsFeature.shape[1] ?? 0, inputSize);
  checkEq(ctx, 'weights_time rank', weightsTime.shape.length, 2);
  checkEq(ctx, 'weights_time filters', weightsTime.shape[0] ?? 0, filters);
  checkEq(ctx, 'weights_time memory size', weightsTime.shape[1] ?? 0, memory);
  if (bias) checkEq(ctx, 'bias size', bias.shape[0] ?? 0, units);
  checkEq(ctx, 'activation state rank', state.shape.length, 2);
  checkEq(ctx, 'activation state batch', state.shape[0] ?? 0, batch);
  checkEq(ctx, 'activation state size', state.shape[1] ?? 0, memory * filters);
  check(ctx, state.isVariable, 'the activation state must be a variable tensor');
  checkEq(ctx, 'input count', numInputs(ctx.op), 5);

  if (input.dtype === 'INT8') {
    checkEq(ctx, 'weights_feature type', weightsFeature.dtype, 'INT8');
    check(ctx, weightsTime.dtype === 'INT16' || weightsTime.dtype === 'INT8', `weights_time type ${weightsTime.dtype} is not INT16 or INT8`);
    check(ctx, state.dtype === 'INT16' || state.dtype === 'INT8', `activation state type ${state.dtype} is not INT16 or INT8`);
    if (bias) checkEq(ctx, 'bias type', bias.dtype, 'INT32');
    checkEq(ctx, 'output type', output.dtype, 'INT8');
    // The kernel reads bias->params.scale unconditionally here; without a bias TFLM dereferences null.
    if (bias) {
      check(ctx, Math.abs(bias.scale - f32(state.scale * weightsTime.scale)) < 1e-5,
        `bias scale ${bias.scale} must equal activation state scale x weights_time scale`);
    }
    ctx.scratch(batch * filters * 4);
    ctx.scratch(batch * units * 4);
    if (ctx.kernels === 'tflm-cmsis-nn') svdfKernelSums(ctx, filters, weightsFeature.isConstant);
  } else {
    checkEq(ctx, 'weights_feature type', weightsFeature.dtype, 'FLOAT32');
    checkEq(ctx, 'weights_time type', weightsTime.dtype, 'FLOAT32');
    checkEq(ctx, 'activation state type', state.dtype, 'FLOAT32');
    if (bias) checkEq(ctx, 'bias type', bias.dtype, 'FLOAT32');
    checkEq(ctx, 'output type', output.dtype, 'FLOAT32');
    ctx.scratch(batch * filters * 4);
  }
}

/** SVDF, reference kernel (kernels/svdf.cc, svdf_common.cc). */
export const svdfReference: KernelModel = {
  params: SVDF_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_SVDF),
  prepare: prepareSvdf,
};

/**
 * CmsisNnPrepareSvdf after its two scratch requests: arm_svdf_s8_get_buffer_size (filters x 4 on Helium, 0 on the
 * DSP path) becomes, with KERNELS_OPTIMIZED_FOR_SPEED, a persistent kernel-sum buffer computed from weights_feature,
 * which must then be constant.
 */
function svdfKernelSums(ctx: KernelContext, filters: number, constantWeights: boolean): void {
  const bytes = cmsisBuffers(ctx.codePath).svdfS8(filters);
  if (bytes <= 0) return;
  check(ctx, constantWeights, 'weights_feature must be a constant tensor (IsConstantTensor) for CMSIS-NN\'s kernel sums');
  ctx.persistentFilled(bytes);
}

/** SVDF, CMSIS-NN kernel (kernels/cmsis_nn/svdf.cc). */
export const svdfCmsisNn: KernelModel = {
  params: SVDF_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_SVDF_CMSIS),
  prepare: prepareSvdf,
};
