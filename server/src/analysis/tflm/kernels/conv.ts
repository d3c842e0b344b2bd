import type { DType, Operator, Tensor } from '../../../model/ir.js';
import { cmsisBuffers, type CmsisDims } from './cmsis-nn-buffers.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, ensure, flatSize } from './util.js';

/**
 * TfLiteConvParams (builtin_op_data.h): 1-byte padding enum, stride w/h, 1-byte activation enum, dilation w/h and a
 * 1-byte quantized_bias_type = 25 bytes, padded to 28 with 4-byte alignment. ParseConv2D allocates it even when the
 * operator has no options table.
 */
export const CONV_PARAMS = cParams('enum', 'i32', 'i32', 'enum', 'i32', 'i32', 'enum');

/**
 * sizeof(OpDataConv) (kernels/conv.h) without USE_TFLM_COMPRESSION: TfLitePaddingValues (4 ints, 16) + three zero
 * points, output multiplier and shift (20) + two per-channel pointers (8) + activation min/max (8) + the filter buffer
 * index (4) = 56.
 */
export const OP_DATA_CONV_BYTES = 56;
/** The CMSIS-NN kernels' OpData: OpDataConv plus the CMSIS-NN scratch buffer index. */
export const CMSIS_OP_DATA_CONV_BYTES = OP_DATA_CONV_BYTES + 4;

export const HYBRID_MESSAGE = 'Hybrid models are not supported on TFLite Micro.';
export const INPUT_TYPE_MESSAGE = 'Input data type not supported';

/** The node geometry TFLM reads from the conv-family params structs (value-initialized to 0 without options). */
export interface ConvGeometry {
  padding: 'SAME' | 'VALID' | 'UNKNOWN';
  strideW: number;
  strideH: number;
  dilationW: number;
  dilationH: number;
}

/** TfLitePaddingValues as ComputePaddingHeightWidth (tensorflow/lite/kernels/padding.h) fills it. */
export interface PaddingValues {
  width: number;
  height: number;
  widthOffset: number;
  heightOffset: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Geometry from CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV options (ConvertPadding maps anything else to unknown). */
export function convGeometry(op: Operator): ConvGeometry {
  const o = op.options;
  const padding = o.padding === 'SAME' || o.padding === 'VALID' ? o.padding : 'UNKNOWN';
  return {
    padding, strideW: num(o.strideW), strideH: num(o.strideH),
    dilationW: num(o.dilationWFactor), dilationH: num(o.dilationHFactor),
  };
}

/** ComputeOutSizeChecked: the windowed output size, or null when the arguments are invalid. */
function outSize(padding: ConvGeometry['padding'], image: number, filter: number, stride: number, dilation: number): number | null {
  if (padding === 'UNKNOWN' || image < 0 || filter <= 0 || stride <= 0 || dilation <= 0) return null;
  const effective = (filter - 1) * dilation + 1;
  const value = padding === 'SAME'
    ? Math.trunc((image + stride - 1) / stride)
    : Math.trunc((image + stride - effective) / stride);
  return value < 0 ? null : value;
}

/** ComputePaddingWithOffsetChecked: half the total padding, and the odd remainder. */
function paddingWithOffset(stride: number, dilation: number, image: number, filter: number, out: number): [number, number] {
  const effective = (filter - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + effective - image, 0);
  return [Math.trunc(total / 2), total % 2];
}

/**
 * ComputePaddingHeightWidth: TFLM recomputes the output size from the input (it ignores the output tensor's shape)
 * and derives the padding from it; any invalid argument leaves all four values at 0.
 */
export function computePadding(g: ConvGeometry, inH: number, inW: number, filterH: number, filterW: number): PaddingValues {
  const zero: PaddingValues = { width: 0, height: 0, widthOffset: 0, heightOffset: 0 };
  const outW = outSize(g.padding, inW, filterW, g.strideW, g.dilationW);
  if (outW === null) return zero;
  const outH = outSize(g.padding, inH, filterH, g.strideH, g.dilationH);
  if (outH === null) return zero;
  const [height, heightOffset] = paddingWithOffset(g.strideH, g.dilationH, inH, filterH, outH);
  const [width, widthOffset] = paddingWithOffset(g.strideW, g.dilationW, inW, filterW, outW);
  return { width, height, widthOffset, heightOffset };
}

/** Dimension `i` of a tensor's runtime shape as TFLM's dims->data[i] reads it (0 when the rank is too small). */
export function dimOf(ctx: KernelContext, t: Tensor, i: number): number {
  return ctx.shape(t.index)[i] ?? 0;
}

export function rankOf(ctx: KernelContext, t: Tensor): number {
  return ctx.shape(t.index).length;
}

/** A TfLiteTensor has kTfLiteAffineQuantization when its flatbuffer has non-empty scale and zero_point arrays. */
export function isAffine(t: Tensor | null): boolean {
  const q = t?.quantization;
  return !!q && q.scale.length > 0 && q.zeroPoint.length > 0;
}

/** TfLiteTensor.params.scale / zero_point: the first entries, or 0 without affine quantization. */
export function scaleOf(t: Tensor | null): number {
  return isAffine(t) ? t!.quantization!.scale[0]! : 0;
}

export function zeroPointOf(t: Tensor | null): number {
  return isAffine(t) ? t!.quantization!.zeroPoint[0]! : 0;
}

/** TF_LITE_ENSURE(context, tensor != nullptr) after AllocateTemp*Tensor. */
export function required(ctx: KernelContext, t: Tensor | null, what: string): Tensor {
  if (!t) return ctx.fail(`${what} != nullptr was not true.`);
  return t;
}

/** TF_LITE_ENSURE_TYPES_EQ(context, input->type, output->type). */
export function ensureSameType(ctx: KernelContext, input: Tensor, output: Tensor): void {
  ensure(ctx, input.dtype === output.dtype, `input->type != output->type (${input.dtype} != ${output.dtype})`);
}

/** The (input, filter) type pairs the conv-family kernels accept; int4 filters only where `int4` is true. */
export function isSupportedPair(input: DType, filter: DType, int4: boolean): boolean {
  return (input === 'FLOAT32' && filter === 'FLOAT32')
    || (input === 'INT16' && filter === 'INT8')
    || (input === 'INT8' && (filter === 'INT8' || (int4 && filter === 'INT4')));
}

/** The filter's per-channel scale count must be 1 or the size of the quantized dimension (Prepare of every kernel). */
export function ensureFilterScales(ctx: KernelContext, filter: Tensor, quantizedDim: number): void {
  ensure(ctx, isAffine(filter), 'filter->quantization.type != kTfLiteAffineQuantization');
  const scales = filter.quantization!.scale.length;
  ensure(ctx, scales === 1 || scales === dimOf(ctx, filter, quantizedDim),
    `affine_quantization->scale->size == 1 || affine_quantization->scale->size == filter->dims->data[${quantizedDim}] was not true.`);
}

/**
 * PopulateConvolutionQuantizationParams (tensorflow/lite/kernels/kernel_util.cc): the checks that can reject a node.
 * It allocates nothing (the multiplier and shift arrays were allocated by the caller).
 */
export function checkConvolutionQuantization(
  ctx: KernelContext, input: Tensor, filter: Tensor, bias: Tensor | null, output: Tensor, numChannels: number,
): void {
  ensure(ctx, isAffine(input), 'input->quantization.type != kTfLiteAffineQuantization');
  ensure(ctx, isAffine(filter), 'filter->quantization.type != kTfLiteAffineQuantization');
  const q = filter.quantization!;
  if (q.scale.length > 1) {
    ensure(ctx, input.dtype === 'INT8' || input.dtype === 'INT16',
      'input->type == kTfLiteInt8 || input->type == kTfLiteInt16 was not true.');
    ensure(ctx, filter.dtype === 'INT8' || filter.dtype === 'INT4',
      'filter->type == kTfLiteInt8 || filter->type == kTfLiteInt4 was not true.');
    ensure(ctx, q.scale.length === numChannels,
      `affine_quantization->scale->size != num_channels (${q.scale.length} != ${numChannels})`);
    const quantizedSize = dimOf(ctx, filter, q.quantizedDimension);
    ensure(ctx, numChannels === quantizedSize,
      `num_channels != filter->dims->data[affine_quantization->quantized_dimension] (${numChannels} != ${quantizedSize})`);
  }
  if (input.dtype === 'UINT8') {
    // GetQuantizedConvolutionMultipler: the bias scale must match input scale x filter scale.
    const product = scaleOf(input) * scaleOf(filter);
    if (bias) {
      ensure(ctx, Math.abs(product - scaleOf(bias)) / scaleOf(output) <= 0.02,
        'scale_diff / output_scale <= 0.02 was not true.');
    }
    ensure(ctx, Math.fround(product) >= 0, 'input_product_scale >= 0 was not true.');
  }
  if (input.dtype === 'INT8' || input.dtype === 'UINT8' || input.dtype === 'INT16') {
    // CalculateActivationRangeQuantized only knows 8- and 16-bit outputs.
    ensure(ctx, output.dtype === 'UINT8' || output.dtype === 'INT8' || output.dtype === 'INT16',
      `CalculateActivationRangeQuantized: output type ${output.dtype} is not quantized (false was not true.)`);
  }
}

/**
 * CalculateOpDataConv (conv_common.cc) and CalculateOpDataDepthwiseConv (depthwise_conv_common.cc), which make the
 * same requests: temporaries for input, filter, optional bias and output, then the quantization checks for
 * non-float data. `quantizedDim` is the filter's output-channel axis (0 for conv, 3 for depthwise).
 * Returns the padding, which CMSIS-NN's buffer sizes depend on.
 */
export function calculateOpDataConv(
  ctx: KernelContext, g: ConvGeometry, dataType: DType, quantizedDim: number,
  inH: number, inW: number, filterH: number, filterW: number,
): PaddingValues {
  const inputs = ctx.op.inputs.length;
  ensure(ctx, inputs === 3 || inputs === 2, 'has_bias || node->inputs->size == 2 was not true.');
  ensure(ctx, ctx.op.outputs.length === 1, `node->outputs->size != 1 (${ctx.op.outputs.length} != 1)`);
  const padding = computePadding(g, inH, inW, filterH, filterW);
  const input = required(ctx, ctx.tempInput(0), 'input');
  const filter = required(ctx, ctx.tempInput(1), 'filter');
  const bias = ctx.tempInput(2);
  const output = required(ctx, ctx.tempOutput(0), 'output');
  if (dataType !== 'FLOAT32') {
    checkConvolutionQuantization(ctx, input, filter, bias, output, dimOf(ctx, filter, quantizedDim));
  }
  return padding;
}

/** Per-channel output multipliers and shifts: two int32 arrays, each its own 16-aligned persistent buffer. */
export function allocatePerChannel(ctx: KernelContext, channels: number): void {
  ctx.persistent(4 * channels);
  ctx.persistent(4 * channels);
}

/** Reference CONV_2D (conv.cc, conv_common.cc: ConvInit, ConvPrepare). */
export const convReference: KernelModel = {
  params: CONV_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_CONV_BYTES),
  prepare: (ctx) => {
    const output = required(ctx, ctx.tempOutput(0), 'output');
    const input = required(ctx, ctx.tempInput(0), 'input');
    const filter = required(ctx, ctx.tempInput(1), 'filter');
    ensureSameType(ctx, input, output);
    ensure(ctx, isSupportedPair(input.dtype, filter.dtype, true), HYBRID_MESSAGE);
    // The multiplier/shift arrays are allocated for every type, float included.
    allocatePerChannel(ctx, dimOf(ctx, filter, 0));
    if (input.dtype === 'INT8' || input.dtype === 'INT16') ensureFilterScales(ctx, filter, 0);
    calculateOpDataConv(ctx, convGeometry(ctx.op), input.dtype, 0,
      dimOf(ctx, input, 1), dimOf(ctx, input, 2), dimOf(ctx, filter, 1), dimOf(ctx, filter, 2));
    // Int4 filters are unpacked into a scratch buffer of one byte per element before each Eval.
    if (filter.dtype === 'INT4') ctx.scratch(flatSize(ctx.shape(filter.index)));
  },
};

/** cmsis_nn_dims of a 4-D NHWC tensor. */
export function nhwc(ctx: KernelContext, t: Tensor): CmsisDims {
  return { n: dimOf(ctx, t, 0), h: dimOf(ctx, t, 1), w: dimOf(ctx, t, 2), c: dimOf(ctx, t, 3) };
}

/** CMSIS-NN CONV_2D (kernels/cmsis_nn/conv.cc: Init, Prepare), on the context's code path. */
export const convCmsisNn: KernelModel = {
  params: CONV_PARAMS,
  init: (ctx) => ctx.persistent(CMSIS_OP_DATA_CONV_BYTES),
  prepare: (ctx) => {
    const input = required(ctx, ctx.tempInput(0), 'input');
    const filter = required(ctx, ctx.tempInput(1), 'filter');
    const output = required(ctx, ctx.tempOutput(0), 'output');
    // The kernel fetches the bias with AllocateTempOutputTensor(node, 2): a conv has one output, so this is always
    // null — no temporary, and the bias type seen below is "no type".
    const bias = ctx.tempOutput(2);
    ensureSameType(ctx, input, output);
    const t = input.dtype;
    ensure(ctx, t === 'FLOAT32' || t === 'INT16' || t === 'INT8', INPUT_TYPE_MESSAGE);
    ensure(ctx, isSupportedPair(t, filter.dtype, true), HYBRID_MESSAGE);
    for (const [name, x] of [['input', input], ['filter', filter], ['output', output]] as const) {
      ensure(ctx, rankOf(ctx, x) === 4, `${name}->dims->size != 4 (${rankOf(ctx, x)} != 4)`);
    }
    const inDims = nhwc(ctx, input);
    const outDims = nhwc(ctx, output);
    ensure(ctx, inDims.n === outDims.n, `input->dims->data[0] != output->dims->data[0] (${inDims.n} != ${outDims.n})`);
    const filterDims: CmsisDims = { n: 1, h: dimOf(ctx, filter, 1), w: dimOf(ctx, filter, 2), c: dimOf(ctx, filter, 3) };
    ensure(ctx, filterDims.c > 0, 'filter->dims->data[3] > 0 was not true.');
    ensure(ctx, inDims.c % filterDims.c === 0, 'input->dims->data[3] % filter->dims->data[3] != 0');
    if (bias) ensure(ctx, rankOf(ctx, bias) === 4, 'bias->dims->size != 4');
    if (t === 'INT8' || t === 'INT16') allocatePerChannel(ctx, dimOf(ctx, filter, 0));
    const padding = calculateOpDataConv(ctx, convGeometry(ctx.op), t, 0, inDims.h, inDims.w, filterDims.h, filterDims.w);
    const biasType = bias?.dtype ?? null;
    if (t === 'INT8' || (t === 'INT16' && (biasType === 'INT64' || biasType === null))) {
      const g = convGeometry(ctx.op);
      const p = {
        padding: { w: padding.width, h: padding.height },
        stride: { w: g.strideW, h: g.strideH },
        dilation: { w: g.dilationW, h: g.dilationH },
      };
      let bytes: number;
      if (t === 'INT8') {
        // Int4 filters use the int8 wrapper's size too (cmsis_nn/conv.cc only branches on the input type).
        bytes = cmsisBuffers(ctx.codePath).convolveWrapperS8(p, inDims, filterDims, outDims);
      } else {
        ensure(ctx, zeroPointOf(input) === 0, `input->params.zero_point != 0 (${zeroPointOf(input)} != 0)`);
        ensure(ctx, zeroPointOf(output) === 0, `output->params.zero_point != 0 (${zeroPointOf(output)} != 0)`);
        bytes = cmsisBuffers(ctx.codePath).convolveWrapperS16(inDims, filterDims);
      }
      if (bytes > 0) ctx.scratch(bytes);
    }
  },
};
