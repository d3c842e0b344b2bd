import type { DType, Tensor } from '../../../model/ir.js';
import { ensureEq, ensureTrue, ensureTypesEq, simpleKernel, temps, numInputs } from './misc-util.js';
import type { KernelModel } from './types.js';
import { params1, params4 } from './util.js';

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

/** elementwise.cc GenericPrepare: input/output temporaries, equal types, a supported type. */
function generic(supported: readonly DType[]): KernelModel {
  return simpleKernel(0, [I0, O0], (ctx, [input, output]) => {
    ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
    if (!supported.includes(input!.dtype)) ctx.fail(`Input data type ${input!.dtype} is not supported.`);
  });
}

/**
 * elementwise.cc ABS / RSQRT: OpDataAbsRsqrt (4 ints, bool, 1-byte enum = 20); same temporaries as GenericPrepare.
 * The int8/int16 requantization is computed without allocating.
 */
function absRsqrt(supported: readonly DType[]): KernelModel {
  return simpleKernel(20, [I0, O0], (ctx, [input, output]) => {
    ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
    if (!supported.includes(input!.dtype)) ctx.fail(`Input data type ${input!.dtype} is not supported.`);
  });
}

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
const cast: KernelModel = simpleKernel(0, [I0, O0], undefined, params1(2));

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
}, params1(1));

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

/** tanh.cc: OpData (4 ints); Prepare takes the input, then CalculateArithmeticOpData takes input and output again. */
const tanh: KernelModel = simpleKernel(16, [I0, I0, O0], (ctx, [, input, output]) => {
  ensureTypesEq(ctx, input!.dtype, output!.dtype, 'input->type', 'output->type');
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

const NUMERIC: DType[] = ['FLOAT32'];
const LOGICAL: DType[] = ['BOOL'];

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
  ABS: absRsqrt(['FLOAT32', 'INT8', 'INT16']),
  RSQRT: absRsqrt(['FLOAT32', 'INT8']),
  SIN: generic(NUMERIC),
  COS: generic(NUMERIC),
  LOG: generic(NUMERIC),
  SQRT: generic(NUMERIC),
  SQUARE: generic(NUMERIC),
  LOGICAL_NOT: generic(LOGICAL),
  // exp.cc, ceil.cc, round.cc, zeros_like.cc: input and output temporaries, nothing persistent.
  EXP: simpleKernel(0, [I0, O0]),
  CEIL: simpleKernel(0, [I0, O0]),
  ROUND: simpleKernel(0, [I0, O0]),
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
  LEAKY_RELU: simpleKernel(24, [I0, O0], undefined, params4(4)),
  // logistic.cc: OpDataLogistic (4 ints).
  LOGISTIC: simpleKernel(16, [I0, O0]),
  TANH: tanh,
  // prelu.cc: PreluParams (7 ints); input, alpha, output.
  PRELU: simpleKernel(28, [I0, I1, O0]),
  // elu.cc: OpData is a 256-entry int8 lookup table.
  ELU: simpleKernel(256, [I0, O0]),
  ADD_N: addN,
  // select.cc: OpData {bool}; condition, x, y and output temporaries.
  SELECT_V2: simpleKernel(1, [I0, I1, I2, O0]),
};
