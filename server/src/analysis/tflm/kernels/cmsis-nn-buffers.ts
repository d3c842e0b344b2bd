/**
 * Scratch-buffer sizes of CMSIS-NN's convolution family (the *_get_buffer_size functions TFLM's CMSIS-NN kernels call
 * in Prepare), at the CMSIS-NN commit TFLM downloads (4ab83cc3). Sources: Source/ConvolutionFunctions/
 * arm_convolve_get_buffer_sizes_s8.c, _s16.c, arm_depthwise_conv_get_buffer_sizes_s8.c, _s4.c,
 * arm_transpose_conv_get_buffer_sizes_s8.c and the predicates in Include/arm_nnsupportfunctions.h.
 *
 * The exported top-level functions are the DSP path (ARM_MATH_DSP without ARM_MATH_MVEI: Cortex-M4/M7/M33).
 * `cmsisBuffers(path)` picks the functions of one code path: `dsp`, `mve` (ARM_MATH_MVEI, Helium: Cortex-M55/M85,
 * checked against TFLM's own figures on a Cortex-M55 build) or `scalar` (neither define: Cortex-M0+/M3, where only
 * the depthwise and average-pool sizes differ from the DSP path).
 */
import type { CodePath } from './types.js';

/** cmsis_nn_dims: batch, height, width, channels. */
export interface CmsisDims {
  n: number;
  h: number;
  w: number;
  c: number;
}

/** The fields of cmsis_nn_conv_params / cmsis_nn_dw_conv_params that the buffer-size functions read. */
export interface CmsisConvParams {
  padding: { w: number; h: number };
  stride: { w: number; h: number };
  dilation: { w: number; h: number };
}

/** The fields of cmsis_nn_transpose_conv_params that the buffer-size functions read. */
export interface CmsisTransposeParams {
  stride: { w: number; h: number };
}

/** Integer division as C does it (truncating toward zero). */
const cdiv = (a: number, b: number): number => Math.trunc(a / b);

/** REVERSE_TCOL_EFFICIENT_THRESHOLD in arm_nnsupportfunctions.h. */
const REVERSE_TCOL_EFFICIENT_THRESHOLD = 16;
/** CH_IN_BLOCK_MVE in arm_nnsupportfunctions.h. */
const CH_IN_BLOCK_MVE = 124;
/**
 * CONVERT_DW_CONV_WITH_ONE_INPUT_CH_AND_OUTPUT_CH_ABOVE_THRESHOLD: 8 with Arm Compiler 6, 1 with other compilers
 * (the ground truth is a GCC build, so 1).
 */
const DW_ONE_IN_CH_THRESHOLD_GCC = 1;

/** arm_nn_is_convolve_1x1: no padding, 1x1 kernel, no dilation, not grouped. */
function isConvolve1x1(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims): boolean {
  return p.padding.w === 0 && p.padding.h === 0 && filter.w === 1 && filter.h === 1
    && p.dilation.w === 1 && p.dilation.h === 1 && input.c === filter.c;
}

/** arm_nn_is_convolve_1_x_n: a single input row, 1-high kernel, word-aligned stride*channels. */
function isConvolve1xN(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims): boolean {
  return input.h === 1 && p.dilation.w === 1 && filter.h === 1 && (p.stride.w * input.c) % 4 === 0
    && input.c === filter.c;
}

/** arm_convolve_s8_get_buffer_size (DSP): two im2col columns of int16, the column length rounded up to 4. */
export function convolveS8BufferSize(input: CmsisDims, filter: CmsisDims): number {
  const rhsCols = filter.w * filter.h * input.c;
  const remainder = rhsCols % 4;
  const aligned = remainder !== 0 ? rhsCols + 4 - remainder : rhsCols;
  return 2 * aligned * 2;
}

/**
 * arm_convolve_wrapper_s8_get_buffer_size on the DSP path (…_dsp): a fast 1x1 convolution needs
 * 2 * channels * sizeof(int16) only when built with Arm Compiler 6 — with GCC (the measured build) it needs nothing;
 * 1xN and the general case use the im2col buffer. TFLM's CMSIS-NN conv.cc also uses this figure for int4 filters.
 */
export function convolveWrapperS8BufferSize(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims): number {
  // 1x1: the non-unit-stride kernel needs nothing, and the unit-stride "fast" one needs nothing with GCC.
  if (isConvolve1x1(p, input, filter)) return 0;
  // arm_convolve_1_x_n_s8_get_buffer_size falls back to the general size without MVE, so 1xN needs no branch.
  return convolveS8BufferSize(input, filter);
}

/** arm_convolve_wrapper_s16_get_buffer_size (DSP): two int16 im2col columns, unrounded. */
export function convolveWrapperS16BufferSize(input: CmsisDims, filter: CmsisDims): number {
  return 2 * input.c * filter.w * filter.h * 2;
}

/** arm_depthwise_conv_s8_opt_get_buffer_size_dsp: one int16 column per input channel and kernel tap. */
function depthwiseOptBufferSizeDsp(input: CmsisDims, filter: CmsisDims): number {
  return input.c * filter.w * filter.h * 2;
}

/**
 * arm_depthwise_conv_wrapper_s8_get_buffer_size (DSP): the optimized kernel runs for depth multiplier 1, batch 1 and
 * no dilation; its 3x3 special case (padding at most 1) needs no buffer.
 */
export function depthwiseWrapperS8BufferSize(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (input.c !== output.c || input.n !== 1 || p.dilation.w !== 1 || p.dilation.h !== 1) return 0;
  if (filter.w === 3 && filter.h === 3 && p.padding.h <= 1 && p.padding.w <= 1) return 0;
  return depthwiseOptBufferSizeDsp(input, filter);
}

/** arm_depthwise_conv_wrapper_s4_get_buffer_size (DSP): like s8 but without the 3x3 exemption. */
export function depthwiseWrapperS4BufferSize(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (input.c !== output.c || input.n !== 1 || p.dilation.w !== 1 || p.dilation.h !== 1) return 0;
  return depthwiseOptBufferSizeDsp(input, filter);
}

function reverseConvUsed(p: CmsisTransposeParams, input: CmsisDims): boolean {
  return p.stride.w <= 2 && p.stride.h <= 2 && input.c > REVERSE_TCOL_EFFICIENT_THRESHOLD;
}

/**
 * arm_transpose_conv_s8_get_buffer_size (DSP): an im2col buffer for the reverse-convolution path (small strides,
 * more than 16 input channels), else an int32 accumulation window. The window's width uses max(filter w, stride h):
 * CMSIS-NN's own expression, reproduced as written.
 */
export function transposeConvS8BufferSize(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (reverseConvUsed(p, input)) {
    return convolveS8BufferSize({ n: input.n, h: input.h * p.stride.h, w: input.w * p.stride.w, c: input.c }, filter);
  }
  return transposeWindowBytes(p, input, filter, output);
}

function transposeWindowBytes(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  const bufX = ((input.w - 1) * p.stride.w + Math.max(filter.w, p.stride.h)) * output.c;
  const bufY = Math.max(filter.h, p.stride.h);
  return bufX * bufY * 4;
}

/** arm_transpose_conv_s8_get_reverse_conv_buffer_size: the reversed filter, when the reverse-convolution path runs. */
export function transposeConvReverseBufferSize(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims): number {
  return reverseConvUsed(p, input) ? input.c * filter.w * filter.h * filter.n : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Helium (ARM_MATH_MVEI) variants.

/** arm_convolve_s8_get_buffer_size_mve: four im2col buffers of whole 16-lane int8 vectors. */
function convolveS8BufferSizeMve(input: CmsisDims, filter: CmsisDims): number {
  return 4 * cdiv(input.c * filter.w * filter.h + 15, 16) * 16;
}

/** arm_convolve_1_x_n_s8_get_buffer_size_mve: a padded row window, or the general size when the row split fails. */
function convolve1xNS8BufferSizeMve(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  const padX = p.padding.w;
  const strideX = p.stride.w;
  const totalPad = (output.w - 1) * strideX + filter.w - input.w;
  const asymPad = totalPad % 2;
  const rightPadNum = padX + asymPad !== 0 ? Math.max(1, cdiv(padX + asymPad + strideX - 1, strideX)) : 0;
  const leftPadNum = padX !== 0 ? Math.max(1, cdiv(padX + strideX - 1, strideX)) : 0;
  const noPadNum = Math.max(output.w - (rightPadNum + leftPadNum), 0);
  if (rightPadNum + noPadNum + leftPadNum !== output.w) return convolveS8BufferSizeMve(input, filter);
  const padSizeLeft = padX * input.c;
  const padSizeRight = asymPad ? rightPadNum * input.c : padSizeLeft;
  const numElemLeft = filter.w * input.c;
  const numElemRight = numElemLeft - input.c;
  return Math.max(numElemLeft + padSizeLeft, numElemRight + padSizeRight);
}

/** arm_convolve_wrapper_s8_get_buffer_size_mve (1x1 convolutions, fast or not, need nothing on MVE). */
function convolveWrapperS8BufferSizeMve(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (isConvolve1x1(p, input, filter)) return 0;
  if (isConvolve1xN(p, input, filter)) return convolve1xNS8BufferSizeMve(p, input, filter, output);
  return convolveS8BufferSizeMve(input, filter);
}

/** arm_convolve_wrapper_s16_get_buffer_size_mve: four im2col buffers of whole 8-lane int16 vectors. */
function convolveWrapperS16BufferSizeMve(input: CmsisDims, filter: CmsisDims): number {
  return 4 * cdiv(input.c * filter.w * filter.h + 7, 8) * 8 * 2;
}

/** arm_depthwise_conv_s8_opt_get_buffer_size_mve: blocks of CH_IN_BLOCK_MVE channels, four rows each. */
function depthwiseOptBufferSizeMve(filter: CmsisDims): number {
  return 4 * CH_IN_BLOCK_MVE * filter.w * filter.h;
}

/**
 * arm_depthwise_conv_wrapper_s8_get_buffer_size with MVE: one input channel and more than the threshold output
 * channels is run as a regular convolution plus a reordered filter. That branch reads stride, which TFLM's
 * depthwise Prepare leaves uninitialized (it only matters for a 1-high input, the 1xN test): here the node's real
 * strides are used.
 */
function depthwiseWrapperS8BufferSizeMve(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (input.c === 1 && output.c > DW_ONE_IN_CH_THRESHOLD_GCC) {
    const convFilter: CmsisDims = { n: filter.c, h: filter.h, w: filter.w, c: filter.n };
    return convolveWrapperS8BufferSizeMve(p, input, convFilter, output) + filter.c * filter.h * filter.w * filter.n;
  }
  if (input.c === output.c && input.n === 1 && p.dilation.w === 1 && p.dilation.h === 1) {
    return depthwiseOptBufferSizeMve(filter);
  }
  return 0;
}

function depthwiseWrapperS4BufferSizeMve(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (input.c !== output.c || input.n !== 1 || p.dilation.w !== 1 || p.dilation.h !== 1) return 0;
  return depthwiseOptBufferSizeMve(filter);
}

function transposeConvS8BufferSizeMve(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number {
  if (reverseConvUsed(p, input)) {
    return convolveS8BufferSizeMve({ n: input.n, h: input.h * p.stride.h, w: input.w * p.stride.w, c: input.c }, filter);
  }
  return transposeWindowBytes(p, input, filter, output);
}

/** The buffer-size functions TFLM's CMSIS-NN kernels call in Prepare, on one code path. */
export interface CmsisBufferSizes {
  convolveWrapperS8(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number;
  convolveWrapperS16(input: CmsisDims, filter: CmsisDims): number;
  depthwiseWrapperS8(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number;
  depthwiseWrapperS4(p: CmsisConvParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number;
  transposeConvS8(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims, output: CmsisDims): number;
  transposeConvReverse(p: CmsisTransposeParams, input: CmsisDims, filter: CmsisDims): number;
  /** arm_avgpool_s8/s16_get_buffer_size: channels x 4 on the DSP path only. */
  avgpool(channels: number): number;
  /** arm_fully_connected_s8_get_buffer_size (filter_dims.c = output channels): output channels x 4 on MVE only. */
  fullyConnectedS8(outputChannels: number): number;
  /** arm_svdf_s8_get_buffer_size (weights_feature_dims.n = filters): filters x 4 on MVE only. */
  svdfS8(filters: number): number;
}

const DSP: CmsisBufferSizes = {
  convolveWrapperS8: (p, input, filter) => convolveWrapperS8BufferSize(p, input, filter),
  convolveWrapperS16: convolveWrapperS16BufferSize,
  depthwiseWrapperS8: depthwiseWrapperS8BufferSize,
  depthwiseWrapperS4: depthwiseWrapperS4BufferSize,
  transposeConvS8: transposeConvS8BufferSize,
  transposeConvReverse: transposeConvReverseBufferSize,
  avgpool: (channels) => channels * 4,
  fullyConnectedS8: () => 0,
  svdfS8: () => 0,
};

const MVE: CmsisBufferSizes = {
  convolveWrapperS8: convolveWrapperS8BufferSizeMve,
  convolveWrapperS16: convolveWrapperS16BufferSizeMve,
  depthwiseWrapperS8: depthwiseWrapperS8BufferSizeMve,
  depthwiseWrapperS4: depthwiseWrapperS4BufferSizeMve,
  transposeConvS8: transposeConvS8BufferSizeMve,
  transposeConvReverse: transposeConvReverseBufferSize,
  avgpool: () => 0,
  fullyConnectedS8: (outputChannels) => outputChannels * 4,
  svdfS8: (filters) => filters * 4,
};

/**
 * Without ARM_MATH_DSP: arm_depthwise_conv_s8_opt_get_buffer_size and the avgpool sizes are 0; the int4 depthwise
 * size still calls the _dsp function, and the convolution sizes have no DSP condition (GCC's 1x1 fast size is 0 on
 * both).
 */
const SCALAR: CmsisBufferSizes = {
  ...DSP,
  depthwiseWrapperS8: () => 0,
  avgpool: () => 0,
};

/** The buffer-size functions of one CMSIS-NN code path. */
export function cmsisBuffers(path: CodePath): CmsisBufferSizes {
  return path === 'mve' ? MVE : path === 'scalar' ? SCALAR : DSP;
}
