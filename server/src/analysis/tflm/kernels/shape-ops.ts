import { ensureEq, ensureMsg, ensureTrue, ensureTypesEq, isConstant, simpleKernel, temps } from './misc-util.js';
import { l2PoolReference } from './pooling.js';
import type { Tensor } from '../../../model/ir.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, flatSize } from './util.js';
import { intArrayBytes } from '../structs.js';

/**
 * Ops that only reshape or re-type data: RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE, and the kernels that give their output
 * a writable copy of its dims (CreateWritableTensorDimsWithCopy: a persistent TfLiteIntArray of the output's rank).
 */

/** CreateWritableTensorDimsWithCopy on output 0 (kernel_util.cc): a persistent int array of the output's rank. */
export function writableOutputDims(ctx: KernelContext): void {
  const output = ctx.output(0);
  if (output) ctx.persistent(intArrayBytes(ctx.shape(output.index).length));
}

/**
 * reshape_common.cc: TfLiteReshapeParams (8 int32 + int = 36); Prepare takes input and output temporaries, resolves a
 * -1 dimension (copying the output dims into a persistent array), and checks type and element count.
 */
export const reshapeKernel: KernelModel = {
  params: cParams(['i32', 8], 'i32'),
  prepare: (ctx) => {
    const n = ctx.op.inputs.length;
    ensureTrue(ctx, n === 1 || n === 2, 'NumInputs(node) == 1 || NumInputs(node) == 2');
    ensureEq(ctx, ctx.op.outputs.length, 1, 'NumOutputs(node)', '1');
    const [input, output] = temps(ctx, [['i', 0], ['o', 0]]);
    const inputCount = flatSize(ctx.shape(input!.index));
    let shape = ctx.shape(output!.index);
    if (n === 1 && shape.length === 1 && shape[0] === 0) shape = [];
    const stretch = shape.indexOf(-1);
    if (shape.filter((d) => d === -1).length > 1) ctx.fail('stretch_dim != -1 (more than one -1 dimension)');
    let outputCount = shape.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    if (stretch !== -1) {
      ctx.persistent(intArrayBytes(shape.length));
      const resolved = outputCount === 0 ? 0 : Math.trunc(inputCount / outputCount);
      const next = [...shape];
      next[stretch] = resolved;
      ctx.setShape(output!.index, next);
      outputCount *= resolved;
    }
    ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
    ensureEq(ctx, inputCount, outputCount, 'num_input_elements', 'num_output_elements');
  },
};

/** squeeze.cc: TfLiteSqueezeParams (8 int32 + int = 36); SqueezeContext takes input and output temporaries. */
const squeeze: KernelModel = simpleKernel(0, [['i', 0], ['o', 0]], (ctx, [input]) => {
  ensureTrue(ctx, ctx.shape(input!.index).length <= 8, 'input_num_dims <= max_squeeze_dims');
}, cParams(['i32', 8], 'i32'));

/** expand_dims.cc: no params; input, axis and output temporaries; the axis must be constant. */
const expandDims: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [, axis]) => {
  ensureMsg(ctx, isConstant(axis!), 'DynamicTensor is not yet supported by Expand_Dims.');
});

/** shape.cc: TfLiteShapeParams (1-byte enum); Prepare only checks counts. */
const shapeOp: KernelModel = {
  params: cParams('enum'),
  prepare: (ctx) => {
    ensureEq(ctx, ctx.op.inputs.length, 1, 'NumInputs(node)', '1');
    ensureEq(ctx, ctx.op.outputs.length, 1, 'NumOutputs(node)', '1');
  },
};

/** A kernel with the given temporaries followed by a writable copy of the output dims. */
function withWritableDims(initBytes: number, specs: Parameters<typeof simpleKernel>[1],
  params?: KernelModel['params']): KernelModel {
  const base = simpleKernel(initBytes, specs, (ctx) => writableOutputDims(ctx), params);
  return base;
}

const FLOAT_OR_INT8 = (t: Tensor): boolean => t.dtype === 'FLOAT32' || t.dtype === 'INT8';

/**
 * gather.cc: TfLiteGatherParams (2 ints); input, positions, output; int32 positions, float32 or int8 input, axis and
 * batch_dims in range; then a writable copy of the output dims.
 */
const gather: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [input, coords]) => {
  ensureMsg(ctx, coords!.dtype === 'INT32', `Positions of type '${coords!.dtype}' are not supported by gather.`);
  ensureMsg(ctx, FLOAT_OR_INT8(input!), `Type '${input!.dtype}' is not supported by gather.`);
  const [inRank, coordsRank] = [ctx.shape(input!.index).length, ctx.shape(coords!.index).length];
  const axis = Number(ctx.op.options['axis'] ?? 0);
  const a = axis < 0 ? axis + inRank : axis;
  ensureTrue(ctx, a >= 0 && a < inRank, '0 <= axis && axis < NumDimensions(input)');
  const batchDims = Number(ctx.op.options['batchDims'] ?? 0);
  const b = batchDims < 0 ? batchDims + coordsRank : batchDims;
  ensureTrue(ctx, b <= a, 'batch_dims <= axis');
  ensureTrue(ctx, b >= 0 && b < inRank, '0 <= batch_dims && batch_dims < NumDimensions(input)');
  ensureTrue(ctx, b <= coordsRank, 'batch_dims <= NumDimensions(coords)');
  writableOutputDims(ctx);
}, cParams('i32', 'i32'));

/**
 * gather_nd.cc: no params; params, indices, output; float32 or int8 params, int32 indices, at least vectors, an index
 * depth of at most the params' rank (and at most 5); then a writable copy of the output dims.
 */
const gatherNd: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [params, indices]) => {
  ensureMsg(ctx, FLOAT_OR_INT8(params!), `Params of type '${params!.dtype}' are not supported by gather_nd.`);
  ensureMsg(ctx, indices!.dtype === 'INT32', `Indices of type '${indices!.dtype}' are not supported by gather_nd.`);
  const [paramsShape, indicesShape] = [ctx.shape(params!.index), ctx.shape(indices!.index)];
  const nd = indicesShape[indicesShape.length - 1] ?? 0;
  ensureMsg(ctx, paramsShape.length >= 1, 'Params must be at least a vector.');
  ensureMsg(ctx, indicesShape.length >= 1, 'Indices must be at least a vector.');
  ensureMsg(ctx, nd <= paramsShape.length, 'Index innermost dimension length must be <= params rank.');
  ensureMsg(ctx, nd <= 5, 'Index innermost dimension length must not exceed 5.');
  writableOutputDims(ctx);
});

/**
 * embedding_lookup.cc: lookup (rank 1, int32), value (rank >= 2, float32 or int8), output (float32, or int8 from int8
 * values); a writable copy of the output dims, then OpData {float, size_t} in Prepare.
 */
const embeddingLookup: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [lookup, value, output]) => {
  ensureEq(ctx, ctx.shape(lookup!.index).length, 1, 'NumDimensions(lookup)', '1');
  ensureTrue(ctx, lookup!.dtype === 'INT32', 'lookup->type == kTfLiteInt32');
  ensureTrue(ctx, ctx.shape(value!.index).length >= 2, 'NumDimensions(value) >= 2');
  ensureTrue(ctx, FLOAT_OR_INT8(value!), 'value->type == kTfLiteFloat32 || value->type == kTfLiteInt8');
  if (value!.dtype === 'FLOAT32') ensureTrue(ctx, output!.dtype === 'FLOAT32', 'output->type == kTfLiteFloat32');
  else ensureTrue(ctx, FLOAT_OR_INT8(output!), 'output->type == kTfLiteFloat32 || output->type == kTfLiteInt8');
  writableOutputDims(ctx);
  ctx.persistent(8);
});

/** Shape-manipulating kernels by op name. */
export const SHAPE_KERNELS: Record<string, KernelModel> = {
  RESHAPE: reshapeKernel,
  SQUEEZE: squeeze,
  EXPAND_DIMS: expandDims,
  SHAPE: shapeOp,
  // depth_to_space.cc / space_to_depth.cc: TfLite*Params {int block_size}; input, output, writable output dims.
  DEPTH_TO_SPACE: withWritableDims(0, [['i', 0], ['o', 0]], cParams('i32')),
  SPACE_TO_DEPTH: withWritableDims(0, [['i', 0], ['o', 0]], cParams('i32')),
  GATHER: gather,
  GATHER_ND: gatherNd,
  EMBEDDING_LOOKUP: embeddingLookup,
  // l2_pool_2d.cc: modelled with the pooling kernels (type checks and the computed output shape included).
  L2_POOL_2D: l2PoolReference,
};
