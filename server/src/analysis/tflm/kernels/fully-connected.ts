import type { KernelContext, KernelModel } from './types.js';
import { channels, ensure, flatSize, isPerChannel, params1 } from './util.js';

/** TfLiteFullyConnectedParams: activation, weights_format, keep_num_dims, asymmetric_quantize_inputs, bias type. */
const FC_PARAMS = params1(5);

/**
 * Shared Prepare checks and allocations of the reference and CMSIS-NN FULLY_CONNECTED kernels (fully_connected.cc,
 * fully_connected_common.cc): temporaries for input, filter, optional bias and output; per-channel multipliers and
 * shifts when the filter has more than one scale.
 */
export function prepareFullyConnectedCommon(ctx: KernelContext): void {
  const input = ctx.tempInput(0);
  const filter = ctx.tempInput(1);
  const bias = ctx.tempInput(2);
  const output = ctx.tempOutput(0);
  if (!input || !filter || !output) return ctx.fail('FULLY_CONNECTED needs input, filter and output tensors');
  void bias;
  ensure(ctx, input.dtype === output.dtype, `FULLY_CONNECTED: input ${input.dtype} and output ${output.dtype} differ`);
  const ok = (input.dtype === 'FLOAT32' && filter.dtype === 'FLOAT32')
    || (input.dtype === 'INT8' && (filter.dtype === 'INT8' || filter.dtype === 'INT4'))
    || (input.dtype === 'INT16' && filter.dtype === 'INT8')
    || (input.dtype !== 'FLOAT32' && input.dtype !== 'INT8' && input.dtype !== 'INT16');
  ensure(ctx, ok, `Input type: ${input.dtype} with filter type: ${filter.dtype} not supported.`);
  return undefined;
}

/** Per-channel requantization arrays (CalculateOpDataFullyConnected). */
export function allocatePerChannel(ctx: KernelContext): void {
  const filter = ctx.input(1);
  if (isPerChannel(filter)) {
    const n = channels(filter);
    ctx.persistent(4 * n);
    ctx.persistent(4 * n);
  }
}

export const fullyConnectedReference: KernelModel = {
  params: FC_PARAMS,
  // OpDataFullyConnected: 8 ints, scratch index, two pointers and a bool.
  init: (ctx) => ctx.persistent(48),
  prepare: (ctx) => {
    prepareFullyConnectedCommon(ctx);
    const input = ctx.input(0)!;
    const filter = ctx.input(1)!;
    if (filter.dtype === 'INT4') ctx.scratch(flatSize(ctx.shape(filter.index)));
    if (input.dtype !== 'FLOAT32') allocatePerChannel(ctx);
    if (!['FLOAT32', 'INT8', 'INT16'].includes(input.dtype)) {
      // Prepare accepts the types; Eval rejects them. TFLM's AllocateTensors succeeds, so we do too.
    }
  },
};
