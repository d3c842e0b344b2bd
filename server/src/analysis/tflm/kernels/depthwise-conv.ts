import { cmsisBuffers, type CmsisDims } from './cmsis-nn-buffers.js';
import {
  CMSIS_OP_DATA_CONV_BYTES, HYBRID_MESSAGE, INPUT_TYPE_MESSAGE, OP_DATA_CONV_BYTES, allocatePerChannel,
  calculateOpDataConv, convGeometry, dimOf, ensureFilterScales, ensureSameType, isAffine, isSupportedPair, required,
  zeroPointOf,
} from './conv.js';
import type { KernelModel } from './types.js';
import { cParams, ensure, flatSize } from './util.js';

/**
 * TfLiteDepthwiseConvParams: 1-byte padding enum, stride w/h, depth_multiplier, 1-byte activation enum, dilation w/h
 * = 28 bytes with 4-byte alignment (ParseDepthwiseConv2D allocates it even without options).
 */
export const DEPTHWISE_CONV_PARAMS = cParams('enum', 'i32', 'i32', 'i32', 'enum', 'i32', 'i32');

/** Depthwise filters are [1, H, W, C*M]: the output channels (and the per-channel quantization) run along axis 3. */
const QUANTIZED_DIM = 3;

/** Reference DEPTHWISE_CONV_2D (depthwise_conv.cc, depthwise_conv_common.cc: DepthwiseConvInit/Prepare). */
export const depthwiseConvReference: KernelModel = {
  params: DEPTHWISE_CONV_PARAMS,
  // The reference kernel keeps its state in the same OpDataConv struct as CONV_2D.
  init: (ctx) => ctx.persistent(OP_DATA_CONV_BYTES),
  prepare: (ctx) => {
    required(ctx, ctx.tempOutput(0), 'output');
    const input = required(ctx, ctx.tempInput(0), 'input');
    const filter = required(ctx, ctx.tempInput(1), 'filter');
    allocatePerChannel(ctx, dimOf(ctx, filter, QUANTIZED_DIM));
    // Only int8 inputs get the filter-scale checks here (int16 relies on the quantization checks below); the
    // zero-point count always equals the scale count in TFLM's TfLiteAffineQuantization, so that check passes.
    if (input.dtype === 'INT8') ensureFilterScales(ctx, filter, QUANTIZED_DIM);
    // Unlike CONV_2D, equal input and filter types of any kind pass here (and the output type is not compared).
    const ok = input.dtype === filter.dtype || isSupportedPair(input.dtype, filter.dtype, true);
    ensure(ctx, ok, HYBRID_MESSAGE);
    if (filter.dtype === 'INT4') ctx.scratch(flatSize(ctx.shape(filter.index)));
    calculateOpDataConv(ctx, convGeometry(ctx.op), input.dtype, QUANTIZED_DIM,
      dimOf(ctx, input, 1), dimOf(ctx, input, 2), dimOf(ctx, filter, 1), dimOf(ctx, filter, 2));
  },
};

/** CMSIS-NN DEPTHWISE_CONV_2D (kernels/cmsis_nn/depthwise_conv.cc: Init, Prepare), on the context's code path. */
export const depthwiseConvCmsisNn: KernelModel = {
  params: DEPTHWISE_CONV_PARAMS,
  init: (ctx) => ctx.persistent(CMSIS_OP_DATA_CONV_BYTES),
  prepare: (ctx) => {
    const input = required(ctx, ctx.tempInput(0), 'input');
    const filter = required(ctx, ctx.tempInput(1), 'filter');
    const output = required(ctx, ctx.tempOutput(0), 'output');
    ensureSameType(ctx, input, output);
    const t = input.dtype;
    ensure(ctx, t === 'FLOAT32' || t === 'INT16' || t === 'INT8', INPUT_TYPE_MESSAGE);
    ensure(ctx, isSupportedPair(t, filter.dtype, true), HYBRID_MESSAGE);
    const inH = dimOf(ctx, input, 1);
    const inW = dimOf(ctx, input, 2);
    const filterH = dimOf(ctx, filter, 1);
    const filterW = dimOf(ctx, filter, 2);
    if (t === 'INT8' || t === 'INT16') {
      ensure(ctx, isAffine(filter), 'filter->quantization.type != kTfLiteAffineQuantization');
      if (t === 'INT16') {
        ensure(ctx, zeroPointOf(input) === 0, `input->params.zero_point != 0 (${zeroPointOf(input)} != 0)`);
        ensure(ctx, zeroPointOf(output) === 0, `output->params.zero_point != 0 (${zeroPointOf(output)} != 0)`);
      }
      ensureFilterScales(ctx, filter, QUANTIZED_DIM);
      allocatePerChannel(ctx, dimOf(ctx, filter, QUANTIZED_DIM));
    }
    const padding = calculateOpDataConv(ctx, convGeometry(ctx.op), t, QUANTIZED_DIM, inH, inW, filterH, filterW);
    // Only int8 asks CMSIS-NN for a buffer in Prepare (int16 requests none).
    if (t !== 'INT8') return;
    const g = convGeometry(ctx.op);
    const outputDepth = dimOf(ctx, output, 3);
    const batch = dimOf(ctx, input, 0);
    const inDims: CmsisDims = { n: batch, h: inH, w: inW, c: dimOf(ctx, input, 3) };
    const filterDims: CmsisDims = { n: 1, h: filterH, w: filterW, c: outputDepth };
    const outDims: CmsisDims = { n: batch, h: dimOf(ctx, output, 1), w: dimOf(ctx, output, 2), c: outputDepth };
    // Prepare fills only padding and dilation of cmsis_nn_dw_conv_params; the DSP size functions read nothing else
    // (MVE's one-input-channel branch reads stride too: see cmsis-nn-buffers.ts).
    const p = {
      padding: { w: padding.width, h: padding.height },
      stride: { w: g.strideW, h: g.strideH },
      dilation: { w: g.dilationW, h: g.dilationH },
    };
    const sizes = cmsisBuffers(ctx.codePath);
    const bytes = filter.dtype === 'INT4'
      ? sizes.depthwiseWrapperS4(p, inDims, filterDims, outDims)
      : sizes.depthwiseWrapperS8(p, inDims, filterDims, outDims);
    if (bytes > 0) ctx.scratch(bytes);
  },
};
