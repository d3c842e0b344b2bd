import { ensureEq, ensureMsg, ensureTrue, ensureTypesEq, isConstant, simpleKernel, temps } from './misc-util.js';
import { l2PoolReference } from './pooling.js';
import type { KernelContext, KernelModel } from './types.js';
import { flatSize, params1, params4 } from './util.js';
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
  params: params4(36),
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
}, params4(36));

/** expand_dims.cc: no params; input, axis and output temporaries; the axis must be constant. */
const expandDims: KernelModel = simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx, [, axis]) => {
  ensureMsg(ctx, isConstant(axis!), 'DynamicTensor is not yet supported by Expand_Dims.');
});

/** shape.cc: TfLiteShapeParams (1-byte enum); Prepare only checks counts. */
const shapeOp: KernelModel = {
  params: params1(1),
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

/** Shape-manipulating kernels by op name. */
export const SHAPE_KERNELS: Record<string, KernelModel> = {
  RESHAPE: reshapeKernel,
  SQUEEZE: squeeze,
  EXPAND_DIMS: expandDims,
  SHAPE: shapeOp,
  // depth_to_space.cc / space_to_depth.cc: TfLite*Params {int block_size}; input, output, writable output dims.
  DEPTH_TO_SPACE: withWritableDims(0, [['i', 0], ['o', 0]], params4(4)),
  SPACE_TO_DEPTH: withWritableDims(0, [['i', 0], ['o', 0]], params4(4)),
  // gather.cc: TfLiteGatherParams (2 ints); input, positions, output, writable output dims.
  GATHER: withWritableDims(0, [['i', 0], ['i', 1], ['o', 0]], params4(8)),
  // gather_nd.cc: no params; params, indices, output, writable output dims.
  GATHER_ND: withWritableDims(0, [['i', 0], ['i', 1], ['o', 0]]),
  // embedding_lookup.cc: lookup, value, output, writable output dims, then OpData {float, size_t} in Prepare.
  EMBEDDING_LOOKUP: simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]], (ctx) => {
    writableOutputDims(ctx);
    ctx.persistent(8);
  }),
  // l2_pool_2d.cc: modelled with the pooling kernels (type checks and the computed output shape included).
  L2_POOL_2D: l2PoolReference,
};
