import type { Tensor } from '../../../model/ir.js';
import { ensureEq, ensureTypesEq, temps } from './misc-util.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, flatSize } from './util.js';

/**
 * Reductions (reduce.cc, reduce_common.cc): TfLiteReducerParams {bool keep_dims}; OpDataReduce (11 ints = 44).
 * Scratch sizes follow the input rank, the axis count and, for int8/int16 MEAN/SUM, the output element count.
 */

const OP_DATA = 44;

/** PrepareSimple: input, (input count check), axis (must be int32), and for int8 the output. */
function prepareSimple(ctx: KernelContext): void {
  const [input] = temps(ctx, [['i', 0]]);
  ensureEq(ctx, ctx.op.inputs.length, 2, 'node->inputs->size', '2');
  ensureEq(ctx, ctx.op.outputs.length, 1, 'node->outputs->size', '1');
  const [axis] = temps(ctx, [['i', 1]]);
  ensureTypesEq(ctx, axis!.dtype, 'INT32', 'axis->type', 'kTfLiteInt32');
  if (input!.dtype === 'INT8') temps(ctx, [['o', 0]]);
}

function count(ctx: KernelContext, t: Tensor): number {
  return flatSize(ctx.shape(t.index));
}

/** MEAN and SUM: three temporaries, scratch buffers, then PrepareSimple. */
const meanOrSum: KernelModel = {
  params: cParams('bool'),
  init: (ctx) => ctx.persistent(OP_DATA),
  prepare: (ctx) => {
    const [input, output, axis] = temps(ctx, [['i', 0], ['o', 0], ['i', 1]]);
    const quantized = input!.dtype === 'INT8' || input!.dtype === 'INT16';
    if (quantized) ctx.scratch(4 * count(ctx, output!));
    ctx.scratch(4 * ctx.shape(input!.index).length);
    ctx.scratch(4 * count(ctx, axis!));
    prepareSimple(ctx);
  },
};

/** REDUCE_MAX / REDUCE_MIN: PrepareSimple first, then three temporaries and two scratch buffers. */
const minMax: KernelModel = {
  params: cParams('bool'),
  init: (ctx) => ctx.persistent(OP_DATA),
  prepare: (ctx) => {
    prepareSimple(ctx);
    const [input, , axis] = temps(ctx, [['i', 0], ['o', 0], ['i', 1]]);
    ctx.scratch(4 * ctx.shape(input!.index).length);
    ctx.scratch(4 * count(ctx, axis!));
  },
};

/** REDUCE_ALL: three temporaries, a bool input, PrepareSimple, then two scratch buffers. */
const all: KernelModel = {
  params: cParams('bool'),
  init: (ctx) => ctx.persistent(OP_DATA),
  prepare: (ctx) => {
    const [input, , axis] = temps(ctx, [['i', 0], ['o', 0], ['i', 1]]);
    ensureTypesEq(ctx, input!.dtype, 'BOOL', 'input->type', 'kTfLiteBool');
    prepareSimple(ctx);
    ctx.scratch(4 * ctx.shape(input!.index).length);
    ctx.scratch(4 * count(ctx, axis!));
  },
};

/** Reduction kernels by op name. */
export const REDUCE_KERNELS: Record<string, KernelModel> = {
  MEAN: meanOrSum,
  SUM: meanOrSum,
  REDUCE_MAX: minMax,
  REDUCE_MIN: minMax,
  REDUCE_ALL: all,
};
