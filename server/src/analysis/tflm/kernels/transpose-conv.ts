import type { DType } from '../../../model/ir.js';
import { cmsisBuffers, type CmsisDims } from './cmsis-nn-buffers.js';
import {
  HYBRID_MESSAGE, INPUT_TYPE_MESSAGE, allocatePerChannel, checkConvolutionQuantization, dimOf, ensureFilterScales,
  ensureSameType, isSupportedPair, required,
} from './conv.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, ensure, flatSize } from './util.js';

/**
 * TfLiteTransposeConvParams: 1-byte padding enum, stride w/h, then two 1-byte enums (activation, quantized bias
 * type) = 14 bytes, padded to 16 with 4-byte alignment.
 */
export const TRANSPOSE_CONV_PARAMS = cParams('enum', 'i32', 'i32', 'enum', 'enum');

/**
 * sizeof(ConvParams) (kernels/internal/types.h): uint8 padding type + pad (2), PaddingValues of four int16 (8),
 * four int16 strides/dilations (8), pad to 20, then nine 4-byte fields (offsets, multiplier, shift, activation
 * ranges) = 56.
 */
const CONV_PARAMS_STRUCT_BYTES = 56;
/** transpose_conv.cc OpData: ConvParams, scratch index, bias-conversion index, two per-channel pointers = 72. */
const OP_DATA_TRANSPOSE_BYTES = CONV_PARAMS_STRUCT_BYTES + 4 + 4 + 8;
/** cmsis_nn/transpose_conv.cc OpData adds a second scratch index (scratch_buffer_output_index) = 76. */
const CMSIS_OP_DATA_TRANSPOSE_BYTES = OP_DATA_TRANSPOSE_BYTES + 4;

// Tensor positions: input 0 is the output-shape vector, which TFLM ignores.
const FILTER = 1;
const INPUT = 2;
const BIAS = 3;
/** Transpose-conv filters are [O, H, W, I]: output channels on axis 0. */
const QUANTIZED_DIM = 0;

/**
 * CalculateOpData of both transpose-conv kernels: for non-float data, temporaries for input, filter, optional bias
 * and output, the quantization checks, and — for int16 activations with an int16 bias — a scratch buffer the bias
 * is widened into (int64 per element).
 */
function calculateOpData(ctx: KernelContext, dataType: DType): void {
  const inputs = ctx.op.inputs.length;
  ensure(ctx, inputs === 4 || inputs === 3, 'has_bias || node->inputs->size == 3 was not true.');
  ensure(ctx, ctx.op.outputs.length === 1, `node->outputs->size != 1 (${ctx.op.outputs.length} != 1)`);
  if (dataType === 'FLOAT32') return;
  const input = required(ctx, ctx.tempInput(INPUT), 'input');
  const filter = required(ctx, ctx.tempInput(FILTER), 'filter');
  const bias = ctx.tempInput(BIAS);
  const output = required(ctx, ctx.tempOutput(0), 'output');
  checkConvolutionQuantization(ctx, input, filter, bias, output, dimOf(ctx, filter, QUANTIZED_DIM));
  if (input.dtype === 'INT16' && bias?.dtype === 'INT16') ctx.scratch(flatSize(ctx.shape(bias.index)) * 8);
}

/** Reference TRANSPOSE_CONV (transpose_conv.cc: TransposeConvInit, TransposeConvPrepare). */
export const transposeConvReference: KernelModel = {
  params: TRANSPOSE_CONV_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_TRANSPOSE_BYTES),
  prepare: (ctx) => {
    const output = required(ctx, ctx.tempOutput(0), 'output');
    const input = required(ctx, ctx.tempInput(INPUT), 'input');
    const filter = required(ctx, ctx.tempInput(FILTER), 'filter');
    ensure(ctx, input.dtype === filter.dtype || (input.dtype === 'INT16' && filter.dtype === 'INT8'), HYBRID_MESSAGE);
    allocatePerChannel(ctx, dimOf(ctx, filter, QUANTIZED_DIM));
    // The quantized kernels accumulate the whole output first: int32 per element for int8, int64 for int16.
    const outputElements = flatSize(ctx.shape(output.index));
    if (input.dtype === 'INT8') ctx.scratch(outputElements * 4);
    if (input.dtype === 'INT16') ctx.scratch(outputElements * 8);
    if (input.dtype === 'INT8' || input.dtype === 'INT16') ensureFilterScales(ctx, filter, QUANTIZED_DIM);
    calculateOpData(ctx, input.dtype);
  },
};

/** CMSIS-NN TRANSPOSE_CONV (kernels/cmsis_nn/transpose_conv.cc: Init, Prepare), on the context's code path. */
export const transposeConvCmsisNn: KernelModel = {
  params: TRANSPOSE_CONV_PARAMS,
  init: (ctx) => ctx.persistent(CMSIS_OP_DATA_TRANSPOSE_BYTES),
  prepare: (ctx) => {
    const output = required(ctx, ctx.tempOutput(0), 'output');
    const input = required(ctx, ctx.tempInput(INPUT), 'input');
    const filter = required(ctx, ctx.tempInput(FILTER), 'filter');
    ensureSameType(ctx, input, output);
    const t = input.dtype;
    ensure(ctx, t === 'FLOAT32' || t === 'INT16' || t === 'INT8', INPUT_TYPE_MESSAGE);
    // No int4 filters here.
    ensure(ctx, isSupportedPair(t, filter.dtype, false), HYBRID_MESSAGE);
    allocatePerChannel(ctx, dimOf(ctx, filter, QUANTIZED_DIM));
    if (t === 'INT8') {
      const batch = dimOf(ctx, input, 0);
      const outputDepth = dimOf(ctx, filter, 0);
      const inputDepth = dimOf(ctx, input, 3);
      const outDims: CmsisDims = { n: batch, h: dimOf(ctx, output, 1), w: dimOf(ctx, output, 2), c: outputDepth };
      const inDims: CmsisDims = { n: batch, h: dimOf(ctx, input, 1), w: dimOf(ctx, input, 2), c: inputDepth };
      const filterDims: CmsisDims = { n: outputDepth, h: dimOf(ctx, filter, 1), w: dimOf(ctx, filter, 2), c: inputDepth };
      const stride = { w: num(ctx.op.options.strideW), h: num(ctx.op.options.strideH) };
      // Both requests are made even when a size is 0 (the reverse-filter buffer usually is).
      const sizes = cmsisBuffers(ctx.codePath);
      ctx.scratch(sizes.transposeConvS8({ stride }, inDims, filterDims, outDims));
      ctx.scratch(sizes.transposeConvReverse({ stride }, inDims, filterDims));
    }
    if (t === 'INT16') ctx.scratch(flatSize(ctx.shape(output.index)) * 8);
    if (t === 'INT8' || t === 'INT16') ensureFilterScales(ctx, filter, QUANTIZED_DIM);
    calculateOpData(ctx, t);
  },
};

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
