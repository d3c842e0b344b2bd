import { ensureEq, ensureMsg, ensureTrue, ensureTypesEq, isConstant, simpleKernel, temps } from './misc-util.js';
import { activationOf } from './math-common.js';
import type { KernelModel } from './types.js';
import { cParams } from './util.js';

/**
 * Kernels that move data between tensors: CONCATENATION, STRIDED_SLICE, TRANSPOSE, SLICE, SPLIT, PACK, MIRROR_PAD,
 * the batch/space rearrangements, broadcasting, resizing and the resource-variable ops.
 */

const CONCAT_TYPES = ['FLOAT32', 'INT8', 'INT16', 'INT32', 'INT64', 'BOOL'];

/**
 * concatenation.cc: TfLiteConcatenationParams {int axis; 1-byte enum} = 8; OpData = ConcatenationParams (int, two
 * pointers, three 4-byte fields = 24). Prepare: input 0 and output, then every input again, one at a time.
 */
const concatenation: KernelModel = {
  params: cParams('i32', 'enum'),
  init: (ctx) => ctx.persistent(24),
  prepare: (ctx) => {
    const [first, output] = temps(ctx, [['i', 0], ['o', 0]]);
    const activation = ctx.op.options['fusedActivationFunction'] ?? 'NONE';
    if (activation !== 'NONE') ctx.fail('params->activation != kTfLiteActNone');
    ensureTrue(ctx, CONCAT_TYPES.includes(first!.dtype),
      'input_type == kTfLiteFloat32 || input_type == kTfLiteInt8 || input_type == kTfLiteInt16 || '
      + 'input_type == kTfLiteInt32 || input_type == kTfLiteInt64 || input_type == kTfLiteBool');
    ensureTypesEq(ctx, output!.dtype, first!.dtype, 'output_type', 'input_type');
    const n = ctx.op.inputs.length;
    ensureTrue(ctx, n <= 10, 'num_inputs <= kMaxInputNum');
    for (let i = 0; i < n; i++) {
      const [input] = temps(ctx, [['i', i]]);
      ensureTypesEq(ctx, input!.dtype, first!.dtype, 'input->type', 'input_type');
      ensureMsg(ctx, ctx.shape(input!.index).length <= 6,
        'Op Concatenation does not currently support num dimensions > 6');
      if (first!.dtype === 'INT8') {
        const qi = input!.quantization;
        const qo = output!.quantization;
        ensureTrue(ctx, (qi?.scale[0] ?? 0) === (qo?.scale[0] ?? 0), 'input->params.scale == output->params.scale');
        ensureTrue(ctx, (qi?.zeroPoint[0] ?? 0) === (qo?.zeroPoint[0] ?? 0),
          'input->params.zero_point == output->params.zero_point');
      }
    }
  },
};

/**
 * strided_slice_common.cc: TfLiteStridedSliceParams (5 ints + bool = 24); OpData = StridedSliceParams (three
 * int8 counts with int32[5] arrays, five uint16 masks, bool = 84). Prepare: input, begin, end, strides, output.
 */
const stridedSlice: KernelModel = {
  params: cParams('i32', 'i32', 'i32', 'i32', 'i32', 'bool'),
  init: (ctx) => ctx.persistent(84),
  prepare: (ctx) => {
    ensureEq(ctx, ctx.op.inputs.length, 4, 'NumInputs(node)', '4');
    ensureEq(ctx, ctx.op.outputs.length, 1, 'NumOutputs(node)', '1');
    const [input, begin, end, strides] = temps(ctx, [['i', 0], ['i', 1], ['i', 2], ['i', 3], ['o', 0]]);
    ensureMsg(ctx, ctx.shape(input!.index).length <= 4, 'input dim should not exceed 4');
    ensureMsg(ctx, isConstant(begin!), 'Non-constant >begin< tensor is not supported');
    ensureMsg(ctx, isConstant(end!), 'Non-constant >end< tensor is not supported');
    ensureMsg(ctx, isConstant(strides!), 'Non-constant >strides< tensor is not supported');
  },
};

/** transpose_common.cc (reference and CMSIS-NN): input, perm, output; no Init. */
export const transposeKernel: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [input, perm, output]) => {
  const dims = ctx.shape(input!.index).length;
  ensureMsg(ctx, dims <= 5, 'Transpose op only supports 1D-5D input arrays.');
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'op_context.input->type', 'op_context.output->type');
  ensureMsg(ctx, isConstant(perm!), 'Non-constant >perm< tensor is not supported');
  ensureEq(ctx, ctx.shape(perm!.index).length, 1, 'NumDimensions(op_context.perm)', '1');
  ensureEq(ctx, ctx.shape(perm!.index)[0] ?? 0, dims, 'op_context.perm->dims->data[0]', 'dims');
});

/**
 * mirror_pad.cc: TfLiteMirrorPaddingParams (1-byte enum); OpDataMirrorPad (5 ints); the padding matrix must be
 * [input rank, 2] (its contents are read only in Eval, and the output is sized by the converter); two scratch arrays
 * of rank ints.
 */
const mirrorPad: KernelModel = simpleKernel(20, [['i', 0], ['i', 1], ['o', 0]], (ctx, [input, paddings]) => {
  const rank = ctx.shape(input!.index).length;
  const matrix = ctx.shape(paddings!.index);
  ensureEq(ctx, matrix.length, 2, 'NumDimensions(padding_matrix)', '2');
  ensureEq(ctx, matrix[0]!, rank, 'SizeOfDimension(padding_matrix, 0)', 'NumDimensions(input_tensor)');
  ctx.scratch(4 * rank);
  ctx.scratch(4 * rank);
}, cParams('enum'));

const IN_OUT = [['i', 0], ['o', 0]] as const;
const TWO_IN_OUT = [['i', 0], ['i', 1], ['o', 0]] as const;

/** Data-movement kernels by op name. */
export const TENSOR_KERNELS: Record<string, KernelModel> = {
  CONCATENATION: concatenation,
  STRIDED_SLICE: stridedSlice,
  TRANSPOSE: transposeKernel,
  // slice.cc: input, begin, size, output.
  SLICE: simpleKernel(0, [['i', 0], ['i', 1], ['i', 2], ['o', 0]]),
  // split.cc / split_v.cc: TfLiteSplit(V)Params {int}; only the axis tensor is taken as a temporary.
  SPLIT: simpleKernel(0, [['i', 0]], (ctx, [axis]) => {
    ensureMsg(ctx, isConstant(axis!), 'Non constant axis tensor not supported');
  }, cParams('i32')),
  SPLIT_V: simpleKernel(0, [['i', 2]], (ctx, [axis]) => {
    ensureMsg(ctx, isConstant(axis!), 'Non constant axis tensor not supported');
  }, cParams('i32')),
  // pack.cc / unpack.cc: TfLitePack/UnpackParams (2 ints); no Init, no Prepare.
  PACK: { params: cParams('i32', 'i32') },
  UNPACK: { params: cParams('i32', 'i32') },
  // arg_min_max.cc: TfLiteArgMax/MinParams (1-byte enum); no Init, no Prepare.
  ARG_MAX: { params: cParams('enum') },
  ARG_MIN: { params: cParams('enum') },
  MIRROR_PAD: mirrorPad,
  // batch_to_space_nd.cc: input, output. space_to_batch_nd.cc: SpaceToBatchParams {int32} in Init.
  BATCH_TO_SPACE_ND: simpleKernel(0, IN_OUT),
  SPACE_TO_BATCH_ND: simpleKernel(4, IN_OUT),
  BROADCAST_ARGS: simpleKernel(0, TWO_IN_OUT),
  BROADCAST_TO: simpleKernel(0, TWO_IN_OUT),
  // cumsum.cc: TfLiteCumsumParams (2 bools); input, axis, output temporaries; float or int8 only; the OpData (9 ints)
  // is allocated in Prepare for the int8 path alone (the float path keeps no state).
  CUMSUM: simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [input, axis, output]) => {
    ensureTrue(ctx, input?.dtype === 'FLOAT32' || input?.dtype === 'INT8', 'input->type == kTfLiteFloat32 || input->type == kTfLiteInt8');
    ensureTrue(ctx, axis?.dtype === 'INT32', 'axis->type == kTfLiteInt32');
    if (output?.dtype === 'INT8') ctx.persistent(36);
  }, cParams('bool', 'bool')),
  DYNAMIC_UPDATE_SLICE: simpleKernel(0, [['i', 0], ['i', 1], ['i', 2], ['o', 0]]),
  FILL: simpleKernel(0, TWO_IN_OUT),
  REVERSE_V2: simpleKernel(0, TWO_IN_OUT),
  // resize_*.cc: TfLiteResize*Params (2 bools); input, size, output.
  RESIZE_BILINEAR: simpleKernel(0, TWO_IN_OUT, undefined, cParams('bool', 'bool')),
  RESIZE_NEAREST_NEIGHBOR: simpleKernel(0, TWO_IN_OUT, undefined, cParams('bool', 'bool')),
  // l2norm.cc: TfLiteL2NormParams (1-byte enum); L2NormalizationParams {int32} in Init; rank <= 4, float32 or int8,
  // equal types, no fused activation.
  L2_NORMALIZATION: simpleKernel(4, IN_OUT, (ctx, [input, output]) => {
    ensureTrue(ctx, ctx.shape(input!.index).length <= 4, 'NumDimensions(input) <= 4');
    ensureTrue(ctx, output!.dtype === 'FLOAT32' || output!.dtype === 'INT8', 'output->type == kTfLiteFloat32 || output->type == kTfLiteInt8');
    ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
    ensureMsg(ctx, activationOf(ctx.op) === 'NONE', `params->activation != kTfLiteActNone (${activationOf(ctx.op)} != NONE)`);
  }, cParams('enum')),
  // var_handle.cc: TfLiteVarHandleParams (two pointers); OpData {int32}. A plain MicroInterpreter has no resource
  // variables, so Prepare fails.
  VAR_HANDLE: {
    params: cParams('ptr', 'ptr'),
    init: (ctx) => ctx.persistent(4),
    prepare: (ctx) => ctx.fail('VAR_HANDLE requires resource variables. Please create ResourceVariables and pass it '
      + 'to the interpreter.'),
  },
  // assign_variable.cc: the value temporary (best effort: resource allocation not modelled). Its Init (an OpData
  // {int}) is only registered in builds with USE_TFLM_COMPRESSION, which the measured build is not.
  ASSIGN_VARIABLE: simpleKernel(0, [['i', 1]]),
  // read_variable.cc: the resource-id temporary.
  READ_VARIABLE: simpleKernel(0, [['i', 0]]),
};
