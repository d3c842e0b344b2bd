import type { KernelContext, KernelModel } from './types.js';
import { check, checkEq, elements, needInput, needOutput, numInputs, optionalInput } from './math-common.js';
import { int32At } from './util.js';

/**
 * OpData (pad.h): PadParams (int8 count +3, int32[5], int8 count +3, int32[5], 1-byte ResizingCategory +3) 52 and
 * output_zero_point 4 = 56. ParsePad and ParsePadV2 allocate no params.
 */
const OP_DATA_PAD = 56;

/** reference_ops::PadKernelMaxDimensionCount(). */
const PAD_MAX_DIMS = 5;

/**
 * PAD and PADV2 (kernels/pad.cc, pad_common.cc). The CMSIS-NN build registers its own PAD/PADV2 (kernels/cmsis_nn/
 * pad.cc) with the same PadInit and PadPrepare, so this model serves both sets. Temporaries: input, paddings,
 * constant_values (only with three inputs), output. The paddings must be a constant tensor with two entries per
 * output dimension, and each output dimension must equal the input's plus its two paddings: Prepare checks the
 * converter's shape and derives nothing (TFLM never resizes a PAD output).
 */
export const padModel: KernelModel = {
  init: (ctx) => ctx.persistent(OP_DATA_PAD),
  prepare: (ctx) => {
    const n = numInputs(ctx.op);
    check(ctx, n === 2 || n === 3, `PAD takes 2 or 3 inputs, not ${n}`);
    checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
    const input = needInput(ctx, 0);
    const paddings = needInput(ctx, 1);
    const constant = n === 3 ? optionalInput(ctx, 2) : null;
    const output = needOutput(ctx, 0);
    checkEq(ctx, 'output type', output.dtype, input.dtype);
    check(ctx, input.shape.length <= PAD_MAX_DIMS, `input rank ${input.shape.length} exceeds ${PAD_MAX_DIMS}`);
    if (constant) {
      checkEq(ctx, 'constant_values type', constant.dtype, input.dtype);
      checkEq(ctx, 'constant_values element count', elements(constant.shape), 1);
    }
    checkEq(ctx, 'paddings element count', elements(paddings.shape), output.shape.length * 2);
    const paddingsData = ctx.constantData(ctx.tensor(paddings.index));
    if (!paddings.isConstant || paddingsData === null) {
      return ctx.fail('Non-constant >paddings< tensor is not supported');
    }
    checkOutputShape(ctx, input.shape, paddingsData, output.shape);
    if (input.dtype === 'INT8') {
      if (constant) {
        checkEq(ctx, 'constant_values zero point', constant.zeroPoint, output.zeroPoint);
        checkEq(ctx, 'constant_values scale', constant.scale, output.scale);
      } else {
        check(ctx, output.zeroPoint >= -128 && output.zeroPoint <= 127, `output zero point ${output.zeroPoint} is outside int8`);
      }
    }
  },
};

/**
 * PadPrepare's loop over the output dimensions: output_dim == input dim + paddings[2i] + paddings[2i + 1]. The
 * paddings are read as int32 whatever their type (GetTensorData<int32_t>), so INT64 paddings are read as their low
 * and high words, and fail as they do on TFLM. Reads TFLM would make past the input's dims or the paddings buffer
 * have no defined result; they are reported as failures.
 */
function checkOutputShape(
  ctx: KernelContext, input: readonly number[], paddings: Uint8Array, output: readonly number[],
): void {
  for (const [i, outputDim] of output.entries()) {
    const inputDim = input[i];
    const before = int32At(paddings, 2 * i);
    const after = int32At(paddings, 2 * i + 1);
    if (inputDim === undefined) {
      ctx.fail(`${ctx.op.opName}: output rank ${output.length} exceeds input rank ${input.length}; `
        + `TFLM would read input dimension ${i} past the input's dims`);
    }
    if (before === null || after === null) {
      ctx.fail(`${ctx.op.opName}: the paddings buffer holds ${paddings.length} bytes; `
        + `TFLM reads int32 paddings[${2 * i + 1}] past its end`);
    }
    // C int arithmetic: the sum wraps at 32 bits.
    const expected = (inputDim + before + after) | 0;
    checkEq(ctx, `output dimension ${i} (input ${inputDim} + paddings ${before} + ${after})`, outputDim, expected);
  }
}
