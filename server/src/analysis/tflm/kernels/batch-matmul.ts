import { cmsisBuffers } from './cmsis-nn-buffers.js';
import type { KernelContext, KernelModel } from './types.js';
import { check, checkEq, convolutionMultiplier, elements, needInput, needOutput, numInputs, type TensorView } from './math-common.js';
import { intArrayBytes } from '../structs.js';
import { cParams } from './util.js';

/** TfLiteBatchMatMulParams: adj_x, adj_y, asymmetric_quantize_inputs = 3 bools. */
const BMM_PARAMS = cParams('bool', 'bool', 'bool');

/** OpDataBatchMatmul (batch_matmul.h): three pointers 12 + three bools 3 -> 16. */
const OP_DATA_BMM = 16;
/** CMSIS-NN OpData (kernels/cmsis_nn/batch_matmul.cc): OpDataBatchMatmul 16, cmsis_nn_dims 16, buffer_idx 4 = 36. */
const OP_DATA_BMM_CMSIS = 36;
/** QuantizationOpDataBatchMatmul: seven int32 = 28. */
const BMM_QUANT_DATA = 28;
/** sizeof(TfLiteEvalTensor) on 32-bit Arm (data pointer, dims pointer, type) = 12. */
const EVAL_TENSOR = 12;

/**
 * AllocInitTransposeTensorFromTfLiteTensor: a persistent TfLiteEvalTensor, its dims array and a data buffer of the
 * whole tensor, for an operand that Eval transposes.
 */
function transposedCopy(ctx: KernelContext, t: TensorView): void {
  const size = t.dtype === 'FLOAT32' ? 4 : t.dtype === 'INT16' ? 2 : t.dtype === 'INT8' ? 1 : 4;
  ctx.persistent(EVAL_TENSOR);
  ctx.persistent(intArrayBytes(t.shape.length));
  ctx.persistent(elements(t.shape) * size);
}

/** The operands' broadcast and accumulation-depth checks, and the output shape ReshapeOutputTensor writes. */
function shapes(ctx: KernelContext, lhs: TensorView, rhs: TensorView, adjX: boolean, adjY: boolean): { rank: number; out: number[] } {
  const rank = Math.max(lhs.shape.length, rhs.shape.length);
  const extend = (s: number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  const l = extend(lhs.shape);
  const r = extend(rhs.shape);
  const out: number[] = [];
  for (let i = 0; i < rank - 2; i++) {
    const ld = l[i]!;
    const rd = r[i]!;
    if (ld !== rd && ld !== 1) checkEq(ctx, `rhs broadcast dim ${i}`, rd, 1);
    out.push(ld !== rd && ld === 1 ? rd : ld);
  }
  const accumL = adjX ? l[rank - 2]! : l[rank - 1]!;
  const accumR = adjY ? r[rank - 1]! : r[rank - 2]!;
  checkEq(ctx, 'accumulation depth', accumR, accumL);
  out.push(adjX ? l[rank - 1]! : l[rank - 2]!);
  out.push(adjY ? r[rank - 2]! : r[rank - 1]!);
  return { rank, out };
}

/**
 * ReshapeOutputTensor (batch_matmul_common.cc): the output keeps its element count, gets a persistent copy of its
 * dims (sized for its original rank) and the computed shape.
 */
function reshapeOutput(ctx: KernelContext, output: TensorView, rank: number, out: number[]): void {
  check(ctx, rank <= output.shape.length, `the output has rank ${output.shape.length}, below the operands' ${rank}`);
  ctx.persistent(intArrayBytes(output.shape.length));
  checkEq(ctx, 'output element count', elements(out), elements(output.shape));
  ctx.setShape(output.index, out);
}

function adj(ctx: KernelContext): { adjX: boolean; adjY: boolean } {
  return { adjX: ctx.op.options['adjX'] === true, adjY: ctx.op.options['adjY'] === true };
}

/**
 * BATCH_MATMUL, reference kernel (kernels/batch_matmul.cc): temporaries lhs, rhs, output; float/int8/int16 of one
 * type, ranks 2..5; quantized data (28 bytes) for int8/int16, then a transposed copy of lhs when adj_x and of rhs
 * when not adj_y, then the reshaped output dims.
 */
export const batchMatmulReference: KernelModel = {
  params: BMM_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_BMM),
  prepare: (ctx) => {
    checkEq(ctx, 'input count', numInputs(ctx.op), 2);
    checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
    const lhs = needInput(ctx, 0);
    const rhs = needInput(ctx, 1);
    const output = needOutput(ctx, 0);
    const types = ['FLOAT32', 'INT8', 'INT16'];
    check(ctx, types.includes(lhs.dtype), `lhs type ${lhs.dtype} is not supported`);
    check(ctx, types.includes(rhs.dtype), `rhs type ${rhs.dtype} is not supported`);
    checkEq(ctx, 'rhs type', rhs.dtype, lhs.dtype);
    checkEq(ctx, 'output type', output.dtype, lhs.dtype);
    check(ctx, lhs.shape.length >= 2 && lhs.shape.length <= 5, `lhs rank ${lhs.shape.length} is outside 2..5`);
    check(ctx, rhs.shape.length >= 2 && rhs.shape.length <= 5, `rhs rank ${rhs.shape.length} is outside 2..5`);
    const { adjX, adjY } = adj(ctx);
    const quantized = lhs.dtype === 'INT8' || lhs.dtype === 'INT16';
    if (quantized) ctx.persistent(BMM_QUANT_DATA);
    if (adjX) transposedCopy(ctx, lhs);
    if (!adjY) transposedCopy(ctx, rhs);
    if (quantized) {
      convolutionMultiplier(ctx, lhs, rhs, null, output);
      if (lhs.dtype === 'INT16') {
        checkEq(ctx, 'lhs zero point', lhs.zeroPoint, 0);
        checkEq(ctx, 'rhs zero point', rhs.zeroPoint, 0);
        checkEq(ctx, 'output zero point', output.zeroPoint, 0);
      }
    }
    const { rank, out } = shapes(ctx, lhs, rhs, adjX, adjY);
    reshapeOutput(ctx, output, rank, out);
  },
};

/**
 * BATCH_MATMUL, CMSIS-NN kernel: ranks 2..4; transposed copies first, then the reshaped output dims, then the
 * quantized data (28 bytes) for int8/int16. Int8 then requests arm_fully_connected_s8_get_buffer_size of the output
 * dims as scratch: 0 on the DSP path (none requested), output channels x 4 on Helium.
 */
export const batchMatmulCmsisNn: KernelModel = {
  params: BMM_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_BMM_CMSIS),
  prepare: (ctx) => {
    const lhs = needInput(ctx, 0);
    const rhs = needInput(ctx, 1);
    const output = needOutput(ctx, 0);
    checkEq(ctx, 'rhs type', rhs.dtype, lhs.dtype);
    checkEq(ctx, 'output type', output.dtype, lhs.dtype);
    if (!['FLOAT32', 'INT16', 'INT8'].includes(lhs.dtype)) ctx.fail('Input data type not supported');
    check(ctx, lhs.shape.length >= 2 && lhs.shape.length <= 4, `lhs rank ${lhs.shape.length} is outside 2..4`);
    check(ctx, rhs.shape.length >= 2 && rhs.shape.length <= 4, `rhs rank ${rhs.shape.length} is outside 2..4`);
    const { adjX, adjY } = adj(ctx);
    const { rank, out } = shapes(ctx, lhs, rhs, adjX, adjY);
    if (adjX) transposedCopy(ctx, lhs);
    if (!adjY) transposedCopy(ctx, rhs);
    reshapeOutput(ctx, output, rank, out);
    if (lhs.dtype !== 'FLOAT32') {
      ctx.persistent(BMM_QUANT_DATA);
      convolutionMultiplier(ctx, lhs, rhs, null, output);
      if (lhs.dtype === 'INT16') {
        checkEq(ctx, 'lhs zero point', lhs.zeroPoint, 0);
        checkEq(ctx, 'rhs zero point', rhs.zeroPoint, 0);
        checkEq(ctx, 'output zero point', output.zeroPoint, 0);
      } else {
        // FillVariableShape(output rank 2..4): the last output dimension is cmsis_nn_dims.c.
        const bytes = cmsisBuffers(ctx.codePath).fullyConnectedS8(out[out.length - 1] ?? 1);
        if (bytes > 0) ctx.scratch(bytes);
      }
    }
  },
};
