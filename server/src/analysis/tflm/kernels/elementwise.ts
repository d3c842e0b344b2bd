import type { Tensor } from '../../../model/ir.js';
import { checkedLog2, view } from './math-common.js';
import { ensureEq, ensureTrue, ensureTypesEq, simpleKernel, temps, numInputs } from './misc-util.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, flatSize } from './util.js';

/**
 * Element-wise kernels: comparisons, activations, unary math, logical ops, CAST, DIV, MAXIMUM/MINIMUM and friends.
 * Struct sizes are sizeof on 32-bit Arm (AAPCS: int64/double 8-aligned, 1-byte enums).
 */

const I0 = ['i', 0] as const;
const I1 = ['i', 1] as const;
const I2 = ['i', 2] as const;
const O0 = ['o', 0] as const;

/** comparisons.cc: OpData = ComparisonParams (7 ints + bool = 32); Prepare: temporaries for both inputs. */
const comparison = simpleKernel(32, [I0, I1]);

/**
 * elementwise.cc GenericPrepare (SIN, COS, LOG, SQRT, SQUARE, LOGICAL_NOT): input/output temporaries and equal types.
 * Its type check calls the template's function-pointer parameter, which is unnamed, so the call is a cast of the type
 * to a non-null pointer and never rejects: every type prepares, and Eval's type check fails it at Invoke
 * (eval-types.ts).
 */
const generic: KernelModel = simpleKernel(0, [I0, O0], (ctx, [input, output]) => {
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
});

/**
 * elementwise.cc ABS / RSQRT: OpDataAbsRsqrt (4 ints, bool, two 4-byte enums = 28; the Init allocation was measured);
 * same temporaries as GenericPrepare and the same never-rejecting type check. An int8 input, or a quantized int16
 * one, needs affine quantization on input and output (int16: zero points 0); the requantization allocates nothing.
 */
const absRsqrt: KernelModel = simpleKernel(28, [I0, O0], (ctx, [input, output]) => {
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
  const [i, o] = [view(ctx, input!), view(ctx, output!)];
  if (i.dtype === 'INT8' || (i.dtype === 'INT16' && i.quantized)) {
    ensureEq(ctx, i.quantized ? 1 : 0, 1, 'input->quantization.type', 'kTfLiteAffineQuantization');
    ensureEq(ctx, o.quantized ? 1 : 0, 1, 'output->quantization.type', 'kTfLiteAffineQuantization');
    if (i.dtype === 'INT16') {
      ensureEq(ctx, i.zeroPoint, 0, 'op_data->input_offset', '0');
      ensureEq(ctx, o.zeroPoint, 0, 'op_data->output_offset', '0');
    }
  }
});

/**
 * exp.cc, ceil.cc, round.cc: input and output temporaries, nothing persistent; float32 only, and the output must have
 * the input's type, bytes and dims.
 */
const floatUnary: KernelModel = simpleKernel(0, [I0, O0], (ctx, [input, output]) => {
  ensureTypesEq(ctx, input!.dtype, 'FLOAT32', 'input->type', 'kTfLiteFloat32');
  ensureTypesEq(ctx, output!.dtype, input!.dtype, 'output->type', 'input->type');
  const [inShape, outShape] = [ctx.shape(input!.index), ctx.shape(output!.index)];
  ensureEq(ctx, flatSize(outShape) * 4, flatSize(inShape) * 4, 'output->bytes', 'input->bytes');
  ensureEq(ctx, outShape.length, inShape.length, 'output->dims->size', 'input->dims->size');
  outShape.forEach((d, i) => ensureEq(ctx, d, inShape[i]!, 'output->dims->data[i]', 'input->dims->data[i]'));
});

/** activations.cc RELU: ReluOpData = ReluParams (1-byte enum + 2 ints + 4 ints = 28); int16 needs zero points 0. */
const relu: KernelModel = simpleKernel(28, [I0, O0], (ctx, [input, output]) => {
  if (input!.dtype === 'INT16') {
    ensureEq(ctx, zeroPoint(input!), 0, 'input->params.zero_point', '0');
    ensureEq(ctx, zeroPoint(output!), 0, 'output->params.zero_point', '0');
  }
});

/** activations.cc RELU6: Relu6OpData (two int32); Prepare takes only the input temporary. */
const relu6: KernelModel = simpleKernel(8, [I0]);

function zeroPoint(t: Tensor): number {
  return t.quantization?.zeroPoint[0] ?? 0;
}

/** cast.cc: TfLiteCastParams (two 1-byte enums); Prepare: input and output temporaries. */
const cast: KernelModel = simpleKernel(0, [I0, O0], undefined, cParams('enum', 'enum'));

/** div.cc: TfLiteDivParams (1-byte enum); OpDataDiv (7 ints = 28); inputs and output must share a type. */
const div: KernelModel = simpleKernel(28, [I0, I1, O0], (ctx, [a, b, out]) => {
  ensureTypesEq(ctx, a!.dtype, b!.dtype, 'input1->type', 'input2->type');
  ensureTypesEq(ctx, a!.dtype, out!.dtype, 'input1->type', 'output->type');
  if (out!.dtype === 'INT32') {
    ensureTrue(ctx, a!.quantization === null || a!.quantization.scale.length === 0,
      'input1->quantization.type == kTfLiteNoQuantization');
    ensureTrue(ctx, b!.quantization === null || b!.quantization.scale.length === 0,
      'input2->quantization.type == kTfLiteNoQuantization');
  }
}, cParams('enum'));

/** floor_div.cc / floor_mod.cc: no Init allocation; Prepare: both inputs and the output; types must match. */
const floorDivMod: KernelModel = simpleKernel(0, [I0, I1, O0], (ctx, [a, b, out]) => {
  ensureTypesEq(ctx, a!.dtype, b!.dtype, 'input1->type', 'input2->type');
  ensureTypesEq(ctx, a!.dtype, out!.dtype, 'input1->type', 'output->type');
});

/** squared_difference.cc: OpData {bool; ArithmeticParams (104, 8-aligned)} = 112. */
const squaredDifference: KernelModel = simpleKernel(112, [I0, I1, O0], (ctx, [a, b, out]) => {
  ensureTypesEq(ctx, a!.dtype, b!.dtype, 'input1->type', 'input2->type');
  ensureTypesEq(ctx, a!.dtype, out!.dtype, 'input1->type', 'output->type');
});

/**
 * The int16 fixed-point tanh and logistic (tanh.cc CalculateArithmeticOpData, logistic_common.cc): zero points 0 and
 * an output scale of exactly 2^-15.
 */
function int16FixedPointOutput(ctx: KernelContext, input: Tensor, output: Tensor): void {
  const [i, o] = [view(ctx, input), view(ctx, output)];
  ensureEq(ctx, i.zeroPoint, 0, 'input->params.zero_point', '0');
  ensureEq(ctx, o.zeroPoint, 0, 'output->params.zero_point', '0');
  const log2 = checkedLog2(o.scale);
  ensureTrue(ctx, log2.ok, 'CheckedLog2(output->params.scale, &output_scale_log2_rounded)');
  ensureEq(ctx, log2.log2, -15, 'output_scale_log2_rounded', '-kOutputFractionalBits');
}

/** tanh.cc: OpData (4 ints); Prepare takes the input, then CalculateArithmeticOpData takes input and output again. */
const tanh: KernelModel = simpleKernel(16, [I0, I0, O0], (ctx, [, input, output]) => {
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
  if (input!.dtype === 'INT16') int16FixedPointOutput(ctx, input!, output!);
});

/** logistic.cc: OpDataLogistic (4 ints); int8 needs the output zero point -128, int16 the fixed-point output. */
const logistic: KernelModel = simpleKernel(16, [I0, O0], (ctx, [input, output]) => {
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
  if (input!.dtype === 'INT8') ensureEq(ctx, view(ctx, output!).zeroPoint, -128, 'output->params.zero_point', 'std::numeric_limits<int8_t>::min()');
  if (input!.dtype === 'INT16') int16FixedPointOutput(ctx, input!, output!);
});

/** prelu.cc: PreluParams (7 ints); input, alpha, output; an int16 output needs an int8 alpha. */
const prelu: KernelModel = simpleKernel(28, [I0, I1, O0], (ctx, [, alpha, output]) => {
  if (output!.dtype === 'INT16') ensureTrue(ctx, alpha!.dtype === 'INT8', 'alpha->type == kTfLiteInt8');
});

/** add_n.cc: no Init; Prepare: first input, output, then each other input; a scratch of one pointer per input. */
const addN: KernelModel = {
  prepare: (ctx) => {
    const n = numInputs(ctx);
    ensureTrue(ctx, n >= 2, 'num_inputs >= 2');
    const [first, output] = temps(ctx, [I0, O0]);
    ensureTypesEq(ctx, output!.dtype, first!.dtype, 'output->type', 'input_tensor_first->type');
    for (let i = 1; i < n; i++) {
      const [input] = temps(ctx, [['i', i]]);
      ensureTypesEq(ctx, first!.dtype, input!.dtype, 'input_tensor_first->type', 'input->type');
    }
    if (output!.dtype === 'FLOAT32') ctx.scratch(4 * n);
    else if (output!.dtype === 'INT8') {
      // add_n.cc allocates its OpData (10 ints) in Prepare for int8, then the pointer scratch.
      ctx.persistent(40);
      ctx.scratch(4 * n);
    } else ctx.fail(`ADD_N only supports FLOAT32 and INT8, got ${output!.dtype}.`);
  },
};

/** Element-wise kernels by op name (reference kernels; CMSIS-NN's MAXIMUM/MINIMUM allocate the same: nothing). */
export const ELEMENTWISE_KERNELS: Record<string, KernelModel> = {
  EQUAL: comparison,
  NOT_EQUAL: comparison,
  GREATER: comparison,
  GREATER_EQUAL: comparison,
  LESS: comparison,
  LESS_EQUAL: comparison,
  RELU: relu,
  RELU6: relu6,
  ABS: absRsqrt,
  RSQRT: absRsqrt,
  SIN: generic,
  COS: generic,
  LOG: generic,
  SQRT: generic,
  SQUARE: generic,
  LOGICAL_NOT: generic,
  EXP: floatUnary,
  CEIL: floatUnary,
  ROUND: floatUnary,
  // zeros_like.cc: input and output temporaries, nothing persistent.
  ZEROS_LIKE: simpleKernel(0, [I0, O0]),
  // neg.cc, floor.cc, logical.cc, maximum_minimum.cc: no Init and no Prepare.
  NEG: {},
  FLOOR: {},
  LOGICAL_AND: {},
  LOGICAL_OR: {},
  MAXIMUM: {},
  MINIMUM: {},
  CAST: cast,
  DIV: div,
  FLOOR_DIV: floorDivMod,
  FLOOR_MOD: floorDivMod,
  SQUARED_DIFFERENCE: squaredDifference,
  // hard_swish.cc: HardSwishParams (3 int16, int, int16, int = 20).
  HARD_SWISH: simpleKernel(20, [I0, O0]),
  // leaky_relu.cc: TfLiteLeakyReluParams (float); LeakyReluOpData (6 int32).
  LEAKY_RELU: simpleKernel(24, [I0, O0], undefined, cParams('f32')),
  LOGISTIC: logistic,
  TANH: tanh,
  PRELU: prelu,
  // elu.cc: OpData is a 256-entry int8 lookup table.
  ELU: simpleKernel(256, [I0, O0]),
  ADD_N: addN,
  // select.cc: OpData {bool}; condition, x, y and output temporaries.
  SELECT_V2: simpleKernel(1, [I0, I1, I2, O0]),
};
