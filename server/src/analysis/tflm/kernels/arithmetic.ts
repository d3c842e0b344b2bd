import type { KernelContext, KernelModel } from './types.js';
import {
  activationOf, activationRangeQuantized, check, checkEq, needInput, needOutput, numInputs, type TensorView,
} from './math-common.js';
import { cParams } from './util.js';

/** TfLiteAddParams / TfLiteSubParams: activation enum + pot_scale_int16 bool = 2 bytes. Allocated without options too. */
const ADD_SUB_PARAMS = cParams('enum', 'bool');
/** TfLiteMulParams: the activation enum, 1 byte. */
const MUL_PARAMS = cParams('enum');

/**
 * OpDataAdd (add.h) and CMSIS-NN's identical OpData (kernels/cmsis_nn/add.cc): requires_broadcast bool (+3), then
 * twelve int32 and two floats = 60.
 */
const OP_DATA_ADD = 60;
/** OpDataSub (sub.h): bool (+3) and twelve int32 = 52. */
const OP_DATA_SUB = 52;
/** OpDataMul (mul.h): seven int32 and two floats = 36. The CMSIS-NN MUL uses MulInit/MulPrepare unchanged. */
const OP_DATA_MUL = 36;

function binaryTemps(ctx: KernelContext): { input1: TensorView; input2: TensorView; output: TensorView } {
  const input1 = needInput(ctx, 0);
  const input2 = needInput(ctx, 1);
  const output = needOutput(ctx, 0);
  return { input1, input2, output };
}

/**
 * The quantized part of CalculateOpDataAdd / CalculateOpDataSub: the output must carry quantization (a
 * TFLITE_CHECK: TFLM aborts) and its fused activation must quantize.
 */
function quantizedAddSub(ctx: KernelContext, output: TensorView): void {
  check(ctx, output.quantized, `a quantized ${output.dtype} output needs quantization parameters`);
  activationRangeQuantized(ctx, activationOf(ctx.op), output);
}

/** An int32 ADD/SUB takes unquantized inputs (and, for SUB, an unquantized output). */
function int32Unquantized(ctx: KernelContext, tensors: TensorView[]): void {
  for (const t of tensors) check(ctx, !t.quantized, `INT32 arithmetic needs unquantized tensors (tensor ${t.index} is quantized)`);
}

/**
 * ADD, reference kernel (kernels/add.cc, add_common.cc). Broadcasting needs no memory in TFLM (it is handled in
 * Eval); int8/int16 compute multipliers, int32 must be unquantized, other types pass Prepare.
 */
export const addReference: KernelModel = {
  params: ADD_SUB_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_ADD),
  prepare: (ctx) => {
    const { input1, input2, output } = binaryTemps(ctx);
    if (output.dtype === 'INT8' || output.dtype === 'INT16') quantizedAddSub(ctx, output);
    if (output.dtype === 'INT32') int32Unquantized(ctx, [input1, input2]);
  },
};

/**
 * ADD, CMSIS-NN kernel (kernels/cmsis_nn/add.cc): same OpData and temporaries, plus its own type checks (float32,
 * int32, int16, int8; both inputs of one type; int16 symmetric).
 */
export const addCmsisNn: KernelModel = {
  params: ADD_SUB_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_ADD),
  prepare: (ctx) => {
    const { input1, input2, output } = binaryTemps(ctx);
    checkEq(ctx, 'output type', output.dtype, input1.dtype);
    if (!['FLOAT32', 'INT32', 'INT16', 'INT8'].includes(input1.dtype)) ctx.fail('Input data type not supported');
    if (input1.dtype !== input2.dtype) ctx.fail('Hybrid models are not supported on TFLite Micro.');
    if (input1.dtype === 'INT16') {
      checkEq(ctx, 'input1 zero point', input1.zeroPoint, 0);
      checkEq(ctx, 'input2 zero point', input2.zeroPoint, 0);
      checkEq(ctx, 'output zero point', output.zeroPoint, 0);
    }
    // CMSIS-NN's CalculateOpData has no TFLITE_CHECK on the output quantization.
    if (output.dtype === 'INT8' || output.dtype === 'INT16') activationRangeQuantized(ctx, activationOf(ctx.op), output);
    if (output.dtype === 'INT32') int32Unquantized(ctx, [input1, input2]);
  },
};

/** SUB (kernels/sub.cc, sub_common.cc); TFLM has no CMSIS-NN SUB. */
export const subReference: KernelModel = {
  params: ADD_SUB_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_SUB),
  prepare: (ctx) => {
    const { input1, input2, output } = binaryTemps(ctx);
    if (output.dtype === 'INT8' || output.dtype === 'INT16') activationRangeQuantized(ctx, activationOf(ctx.op), output);
    if (output.dtype === 'INT32') int32Unquantized(ctx, [input1, input2, output]);
  },
};

/**
 * MUL (kernels/mul.cc, mul_common.cc), also the CMSIS-NN MUL (same Init and Prepare): temporaries, then two inputs
 * and one output of matching input types; int8/int16 outputs need a quantized activation range, int16 is symmetric.
 */
export const mulReference: KernelModel = {
  params: MUL_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_MUL),
  prepare: (ctx) => {
    const { input1, input2, output } = binaryTemps(ctx);
    checkEq(ctx, 'input count', numInputs(ctx.op), 2);
    checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
    checkEq(ctx, 'input2 type', input2.dtype, input1.dtype);
    if (output.dtype === 'INT8' || output.dtype === 'INT16') {
      activationRangeQuantized(ctx, activationOf(ctx.op), output);
      if (input1.dtype === 'INT16') {
        checkEq(ctx, 'input1 zero point', input1.zeroPoint, 0);
        checkEq(ctx, 'input2 zero point', input2.zeroPoint, 0);
        checkEq(ctx, 'output zero point', output.zeroPoint, 0);
      }
    }
  },
};
