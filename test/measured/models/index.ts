/**
 * Every model measured on TFLM (test/measured/tflm_measured.tsv), by the name its rows use. The prefixes are the
 * measurement batches: `gen_*` and `g2_*` draw weights from the seed-7 and seed-11 streams (common.ts), `g3_*` is a
 * later single model, `g4_*` the TFLite_Detection_PostProcess models (detection.ts), `g5_*` the models whose constant
 * contents decide Prepare (PAD paddings in pad.ts, TFLM_DECODE headers in decode.ts), and the unprefixed names are
 * the bundled examples.
 */
import * as conv from './conv.js';
import * as decode from './decode.js';
import * as dense from './dense.js';
import * as detection from './detection.js';
import * as elementwise from './elementwise.js';
import * as graph from './graph.js';
import * as pad from './pad.js';
import * as pool from './pool.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as softmax from './softmax-quantize.js';

export const MEASURED_MODELS: Readonly<Record<string, () => Uint8Array>> = {
  // examples/
  kws_dscnn_int8: graph.kwsDsCnnInt8,
  sine_float: graph.sineFloat,
  if_less_add_mul: graph.ifLessAddMul,
  // first batch
  gen_conv_int8_odd: conv.convInt8Odd,
  gen_dwconv_int8: conv.depthwiseInt8,
  gen_conv_float: conv.convFloat,
  gen_fc_int8_perchannel: dense.fcInt8PerChannel,
  gen_pool: pool.poolInt8AndFloat,
  gen_add_mul_broadcast: elementwise.addMulBroadcast,
  gen_concat_split: shape.concatSplit,
  gen_pack_unpack_gather: shape.packUnpackGather,
  gen_slice: shape.sliceStridedSlice,
  gen_resize_nn: shape.resizeNearestNeighbor,
  gen_act_int8: elementwise.activationsInt8,
  gen_act_float: elementwise.activationsFloat,
  gen_reduce_transpose: reduce.reduceTranspose,
  gen_while: graph.whileLoop,
  gen_svdf_int8: dense.svdfInt8Valid,
  gen_svdf_int8_badscale: dense.svdfInt8BadBiasScale,
  gen_svdf_float: dense.svdfFloat,
  gen_var_handle: graph.resourceVariables,
  gen_offline_plan: graph.offlinePlan,
  gen_quant_chain: softmax.quantizeSoftmaxChain,
  gen_int16_conv: conv.int16ConvAdd,
  // second batch
  g2_pad_float: shape.padFloat,
  g2_padv2_int8: shape.padV2Int8,
  g2_mirror_pad: shape.mirrorPad,
  g2_cumsum: reduce.cumsumFloat,
  g2_exp_div_sqdiff: elementwise.expDivSquaredDifference,
  g2_sqdiff_int8: elementwise.squaredDifferenceInt8,
  g2_max_min: elementwise.maximumMinimum,
  g2_resize_bilinear_int8: shape.resizeBilinearInt8,
  g2_l2norm_float: softmax.l2NormalizationFloat,
  g2_l2norm_int8: softmax.l2NormalizationInt8,
  g2_log_softmax_int8: softmax.logSoftmaxInt8,
  g2_log_softmax_float: softmax.logSoftmaxFloat,
  g2_reduce_max_int8: reduce.reduceMaxInt8,
  g2_sum_int8: reduce.sumInt8,
  g2_mean_int8_nokeep: reduce.meanInt8NoKeepDims,
  g2_add_n: elementwise.addNFloat,
  g2_add_n_int8: elementwise.addNInt8,
  g2_batch_matmul_float: dense.batchMatmulFloat,
  g2_batch_matmul_int8: dense.batchMatmulInt8,
  g2_gather_nd: shape.gatherNd,
  g2_expand_broadcast: shape.expandDimsBroadcastTo,
  g2_select_zeros: elementwise.selectV2ZerosLike,
  g2_softmax_int16: softmax.softmaxInt16,
  g2_logistic_int16: elementwise.logisticInt16,
  g2_tanh_int16: elementwise.tanhInt16,
  g2_fc_int16: dense.fcInt16,
  g2_pool_int16: pool.poolInt16,
  g2_l2pool_float: pool.l2PoolFloat,
  g2_avgpool_int8_same: pool.avgPoolInt8Same,
  g2_conv_int8_5x5: conv.convInt8Kernel5x5,
  g2_conv_int8_1xN_stride2: conv.convInt8OneByNStride2,
  g2_dw_int8_mult3: conv.depthwiseInt8Multiplier3,
  g2_dw_int8_ch1: conv.depthwiseInt8OneChannel,
  g2_dw_int16: conv.depthwiseInt16,
  g2_conv_int16_3x3: conv.convInt16Kernel3x3,
  g2_fc_int8_batch4: dense.fcInt8Batch4,
  g2_fc_int8_nobias: dense.fcInt8NoBias,
  g2_cast_elu_relu: elementwise.castEluRelu6,
  g2_relu_int8: elementwise.reluInt8,
  g2_space_depth: shape.spaceToBatchAndBack,
  g2_concat_int8_requant: shape.concatInt8MixedScales,
  g2_strided_slice_int8_4d: shape.stridedSliceInt8FourDims,
  g2_split_v_float: shape.splitVFloat,
  g2_arg_max: reduce.argMax,
  g2_embedding_lookup: dense.embeddingLookup,
  g2_hard_swish_int8_big: elementwise.hardSwishInt8Large,
  g2_two_outputs_shared: graph.inputAlsoOutput,
  g2_quantize_requant: softmax.quantizeRequantize,
  // third batch
  g3_cumsum_int8: reduce.cumsumInt8,
  // fourth batch: detection post-processing
  g4_detpp_fast_float: detection.fastNmsFloat,
  g4_detpp_regular_float: detection.regularNmsFloat,
  g4_detpp_many_classes: detection.manyClassesFloat,
  g4_detpp_few_anchors: detection.fewAnchorsFloat,
  g4_detpp_many_anchors: detection.manyAnchorsFloat,
  g4_detpp_int8: detection.int8Inputs,
  g4_detpp_uint8: detection.uint8Inputs,
  g4_detpp_anchors_rank3: detection.anchorsRank3,
  g4_ssd_float: detection.ssdFloat,
  g4_ssd_int8: detection.ssdInt8,
  // fifth batch: constant contents (PAD paddings, TFLM_DECODE ancillary headers)
  g5_pad_shape_mismatch: pad.padShapeMismatch,
  g5_pad_mismatch_node1: pad.padMismatchSecondNode,
  g5_pad_int64_paddings: pad.padInt64Paddings,
  g5_pad_int64_as_int32: pad.padInt64AsInt32Shape,
  g5_padv2_negative: pad.padV2NegativePadding,
  g5_mirror_pad_flat: pad.mirrorPadFlatPaddings,
  g5_mirror_pad_rows: pad.mirrorPadTooFewRows,
  g5_decode_lut_float: decode.lutFloat,
  g5_decode_lut_conv: decode.lutConvInt8,
  g5_decode_lut_dw_last_axis: decode.lutDepthwiseLastAxis,
  g5_decode_two_outputs: decode.twoOutputs,
  g5_decode_prune_zp_channels: decode.prunePerChannelZeroPoints,
  g5_decode_prune_zp_tensor: decode.prunePerTensorZeroPoint,
  g5_decode_prune_int16_zp: decode.pruneInt16ZeroPoint,
  g5_decode_huffman_int8: decode.huffmanInt8,
  g5_decode_huffman16_float: decode.huffman16Float,
  g5_decode_huffman32_float: decode.huffman32Float,
  g5_decode_lut_middle_axis: decode.lutMiddleAxis,
  g5_decode_bad_version: decode.badHeaderVersion,
  g5_decode_bad_lut_version: decode.badLutVersion,
  g5_decode_custom_type: decode.customType,
  g5_decode_ancillary_input: decode.ancillaryNotConstant,
  g5_decode_odd_inputs: decode.oddInputCount,
};
