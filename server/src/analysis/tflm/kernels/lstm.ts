import type { KernelContext, KernelModel } from './types.js';
import { calculateFcOpData } from './fully-connected.js';
import { check, checkEq, elements, needOutput, numInputs, optionalInput, stackTensor, type TensorView } from './math-common.js';
import { cParams } from './util.js';

/**
 * TfLiteUnidirectionalSequenceLSTMParams: activation enum 1 (+3), cell_clip and proj_clip floats 8, time_major,
 * asymmetric_quantize_inputs, diagonal_recurrent_tensors bools 3 -> 15, padded to 16.
 */
const LSTM_PARAMS = cParams('enum', 'f32', 'f32', 'bool', 'bool', 'bool');

/**
 * OpDataLSTM (lstm_shared.h), 32-bit Arm: LstmSizeInfo 20 (bool + 4 ints), CellStateInfo 12, activation enum 1 (+3),
 * four GateParameters of two FullyConnectedParams (9 x 4 + 2 bools + 1-byte enum = 39 -> 40) = 320, padding to 8,
 * InterGateParameters of three ArithmeticParams (104 each: int64 members make it 8-aligned) = 312, buffer_indices 16
 * -> 688.
 */
const OP_DATA_LSTM = 688;

/**
 * CMSIS-NN OpData (kernels/cmsis_nn/unidirectional_sequence_lstm.cc): OpDataLSTM 688 + cmsis_nn_lstm_params (15
 * int32 = 60, four cmsis_nn_lstm_gate of 4 x int32-or-pointer pairs + bias pointer + 1-byte enum = 40 each) 220 ->
 * 908, padded to 912 (8-byte alignment).
 */
const OP_DATA_LSTM_CMSIS = 912;

const INPUT = 0;
const OUTPUT_STATE = 18;
const CELL_STATE = 19;

/** Q3.12 scale of the gate FC outputs (lstm_eval_common.cc PrepareGateParametersInteger). */
const NONLINEAR_INPUT_SCALE = 0.000244140625;

/** Gate weights as PrepareGateParametersInteger passes them: [input-to-gate, recurrent-to-gate] per gate. */
const GATES: readonly (readonly [number, number])[] = [[2, 6], [1, 5], [3, 7], [4, 8]];

/**
 * LstmTensors' constructor (lstm_eval.cc) takes a temporary for each of the 24 inputs that is present, then the
 * output; ValidateTensorStatus then checks presence, variables and types. Returns the 24 (nullable) views.
 */
function lstmTensors(ctx: KernelContext): { inputs: (TensorView | null)[]; output: TensorView } {
  const inputs: (TensorView | null)[] = [];
  for (let i = 0; i < 24; i++) inputs.push(optionalInput(ctx, i));
  const output = needOutput(ctx, 0);
  const input = inputs[INPUT];
  const hidden = inputs[OUTPUT_STATE];
  const cell = inputs[CELL_STATE];
  if (!input || !hidden || !cell) return ctx.fail(`${ctx.op.opName}: the input, output state and cell state tensors are required`);
  check(ctx, hidden.isVariable, 'the output state must be a variable tensor');
  checkEq(ctx, 'output state type', hidden.dtype, input.dtype);
  check(ctx, cell.isVariable, 'the cell state must be a variable tensor');
  checkEq(ctx, 'output type', output.dtype, input.dtype);
  const weightType = inputs[2]?.dtype;
  for (let i = 1; i < 9; i++) {
    const w = inputs[i];
    if (!w) return ctx.fail(`${ctx.op.opName}: weight input ${i} is required (CIFG is not supported)`);
    checkEq(ctx, `weight ${i} type`, w.dtype, weightType ?? 'none');
  }
  const biasType = inputs[13]?.dtype;
  for (let i = 12; i < 16; i++) {
    const b = inputs[i];
    if (!b) return ctx.fail(`${ctx.op.opName}: gate bias input ${i} is required`);
    checkEq(ctx, `bias ${i} type`, b.dtype, biasType ?? 'none');
  }
  for (const i of [9, 10, 11, 16, 17, 20, 21, 22, 23]) {
    check(ctx, inputs[i] === null, `input ${i} (peephole, projection or layer norm) is not supported`);
  }
  return { inputs, output };
}

/** ValidateTensorSize (lstm_eval_common.cc). */
function validateSizes(ctx: KernelContext, t: (TensorView | null)[], output: TensorView, batch: number, inputDim: number, stateDim: number): void {
  const weight = (i: number, d1: number, d2: number): void => {
    const s = t[i]!.shape;
    check(ctx, s.length === 2 && s[0] === d1 && s[1] === d2, `weight ${i} has shape [${s.join(', ')}], expected [${d1}, ${d2}]`);
  };
  for (let i = 1; i < 5; i++) weight(i, stateDim, inputDim);
  for (let i = 5; i < 9; i++) weight(i, stateDim, stateDim);
  for (let i = 12; i < 16; i++) {
    const s = t[i]!.shape;
    check(ctx, s.length === 1 && s[0] === stateDim, `bias ${i} has shape [${s.join(', ')}], expected [${stateDim}]`);
  }
  checkEq(ctx, 'output state size', elements(t[OUTPUT_STATE]!.shape), batch * stateDim);
  checkEq(ctx, 'cell state size', elements(t[CELL_STATE]!.shape), batch * stateDim);
  checkEq(ctx, 'output rank', output.shape.length, 3);
  const inShape = t[INPUT]!.shape;
  checkEq(ctx, 'output dim 0', output.shape[0] ?? 0, inShape[0] ?? 0);
  checkEq(ctx, 'output dim 1', output.shape[1] ?? 0, inShape[1] ?? 0);
  checkEq(ctx, 'output dim 2', output.shape[2] ?? 0, stateDim);
}

/** Shared Prepare up to the gate parameters. Returns the sizes and types the scratch requests depend on. */
function prepareLstmCommon(ctx: KernelContext, cmsis: boolean): { batch: number; stateDim: number; inputDim: number; cellType: string; inputType: string } {
  checkEq(ctx, 'output count', ctx.op.outputs.length, 1);
  checkEq(ctx, 'input count', numInputs(ctx.op), 24);
  const { inputs, output } = lstmTensors(ctx);
  if (cmsis) {
    // The CMSIS-NN kernel precomputes kernel sums from the weights and biases, so they must be constant.
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15]) check(ctx, inputs[i]!.isConstant, `input ${i} must be a constant tensor`);
  }
  const timeMajor = ctx.op.options['timeMajor'] === true;
  const inShape = inputs[INPUT]!.shape;
  const batch = (timeMajor ? inShape[1] : inShape[0]) ?? 0;
  const inputDim = inShape[2] ?? 0;
  const stateDim = inputs[OUTPUT_STATE]!.shape[1] ?? 0;
  validateSizes(ctx, inputs, output, batch, inputDim, stateDim);

  const cell = inputs[CELL_STATE]!;
  if (cell.dtype === 'INT16') {
    // PrepareGateParametersInteger: per gate, CalculateOpDataFullyConnected for the input and the recurrent
    // weights (bias-less, into an int16 Q3.12 stack tensor); per-channel weights allocate their arrays each time.
    const input = inputs[INPUT]!;
    const hidden = inputs[OUTPUT_STATE]!;
    const fcOut = stackTensor('INT16', NONLINEAR_INPUT_SCALE, 0);
    for (const [inWeight, recWeight] of GATES) {
      calculateFcOpData(ctx, 'NONE', input, inputs[inWeight]!, null, fcOut);
      calculateFcOpData(ctx, 'NONE', hidden, inputs[recWeight]!, null, fcOut);
    }
  } else if (cell.dtype !== 'FLOAT32') {
    ctx.fail(`Cell state type ${cell.dtype} not supported. The quantized Unidirectional Sequence LSTM Op only support int16 cell state`);
  }
  return { batch, stateDim, inputDim, cellType: cell.dtype, inputType: inputs[INPUT]!.dtype };
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, reference kernel (kernels/unidirectional_sequence_lstm.cc): OpDataLSTM in Init;
 * Prepare takes the 24-input temporaries, validates, computes gate parameters and requests four scratch buffers of
 * batch x state x sizeof(cell state type).
 */
export const lstmReference: KernelModel = {
  params: LSTM_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_LSTM),
  prepare: (ctx) => {
    const s = prepareLstmCommon(ctx, false);
    const cellSize = s.cellType === 'INT16' ? 2 : 4;
    for (let i = 0; i < 4; i++) ctx.scratch(s.batch * s.stateDim * cellSize);
  },
};

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, CMSIS-NN kernel: weights and biases must be constant; int8 or int16 activations
 * with an int16 cell state take the CMSIS-NN path, which allocates eight persistent kernel-sum arrays of
 * state x sizeof(bias) (int32 for int8, int64 for int16) and needs three scratch buffers; anything else (float)
 * falls back to the reference evaluation with four.
 */
export const lstmCmsisNn: KernelModel = {
  params: LSTM_PARAMS,
  init: (ctx) => ctx.persistent(OP_DATA_LSTM_CMSIS),
  prepare: (ctx) => {
    const s = prepareLstmCommon(ctx, true);
    let buffers = 4;
    if ((s.inputType === 'INT8' || s.inputType === 'INT16') && s.cellType === 'INT16') {
      const biasSize = s.inputType === 'INT8' ? 4 : 8;
      for (let i = 0; i < 8; i++) ctx.persistent(s.stateDim * biasSize);
      buffers = 3;
    }
    const cellSize = s.cellType === 'INT16' ? 2 : 4;
    for (let i = 0; i < buffers; i++) ctx.scratch(s.batch * s.stateDim * cellSize);
  },
};
