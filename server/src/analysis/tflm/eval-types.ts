/**
 * Types that TFLM kernels check only in Eval. Prepare accepts the node, so AllocateTensors succeeds, but Eval switches
 * on a tensor's type and returns kTfLiteError for any type it has no case for. These are facts of the kernels at the
 * TFLM commit the memory model replays.
 *
 * Every row was checked under QEMU (Cortex-M4, both kernel sets). One-op models for each row's op with FLOAT32, INT8,
 * INT16, INT32, INT64, UINT8 and BOOL activations passed AllocateTensors, and every type missing from `accepts` then
 * failed its first Invoke. Types that Prepare already rejects never reach these rows.
 */
import type { DType } from '../../model/ir.js';
import type { KernelSet } from './kernels/types.js';

/**
 * `tensor` names the tensor whose type Eval switches on: an input index or 'output'. `accepts` lists the types Eval
 * runs. With `outputs`, Eval switches on the input type and then on the output type; the map lists the output types
 * each input type runs with.
 */
export interface EvalTypeRule {
  readonly op: string;
  readonly kernels: 'both' | KernelSet;
  readonly tensor: number | 'output';
  readonly accepts: readonly DType[];
  readonly outputs?: Readonly<Partial<Record<DType, readonly DType[]>>>;
  /** Where in TFLM the switch is (under tensorflow/lite/micro/). */
  readonly source: string;
}

const F32_I8: readonly DType[] = ['FLOAT32', 'INT8'];
const F32_I8_I16: readonly DType[] = ['FLOAT32', 'INT8', 'INT16'];
const F32_I8_I16_I32: readonly DType[] = ['FLOAT32', 'INT8', 'INT16', 'INT32'];
const COMPARE: readonly DType[] = ['FLOAT32', 'INT8', 'INT32', 'INT64'];
// kernels/cast.cc copyToTensor: INT8, INT16, INT32, UINT32 and FLOAT32 outputs (UINT32 read from the source; the audio
// front end's CAST UINT32 <-> INT32 runs in TFLM's Invoke under QEMU, issue 12).
const CAST_TO: readonly DType[] = ['FLOAT32', 'INT8', 'INT16', 'INT32', 'UINT32'];

const row = (op: string, tensor: number | 'output', accepts: readonly DType[], file: string, kernels: EvalTypeRule['kernels'] = 'both'): EvalTypeRule => (
  { op, kernels, tensor, accepts, source: `kernels/${file}.cc Eval` });

export const EVAL_TYPE_RULES: readonly EvalTypeRule[] = [
  // Arithmetic. The CMSIS-NN ADD rejects INT64, UINT8 and BOOL already in Prepare.
  row('ADD', 'output', F32_I8_I16_I32, 'add'),
  row('SUB', 'output', F32_I8_I16_I32, 'sub'),
  row('MUL', 0, F32_I8_I16_I32, 'mul'),
  row('DIV', 'output', ['FLOAT32', 'INT8', 'INT32'], 'div'),
  row('FLOOR_DIV', 0, ['FLOAT32'], 'floor_div'),
  row('FLOOR_MOD', 0, ['FLOAT32'], 'floor_mod'),
  row('MAXIMUM', 0, [...F32_I8_I16_I32, 'INT64'], 'maximum_minimum'),
  row('MINIMUM', 0, [...F32_I8_I16_I32, 'INT64'], 'maximum_minimum'),
  row('SQUARED_DIFFERENCE', 'output', F32_I8_I16_I32, 'squared_difference'),
  row('NEG', 0, ['FLOAT32'], 'neg'),
  row('FLOOR', 0, ['FLOAT32'], 'floor'),
  // elementwise.cc: Prepare never rejects a type (its check calls an unnamed template parameter), so these are the
  // only type checks: ABS and RSQRT switch on the input type, the others check it against float32 (LOGICAL_NOT: bool).
  row('ABS', 0, F32_I8_I16, 'elementwise'),
  row('RSQRT', 0, F32_I8_I16, 'elementwise'),
  ...['SIN', 'COS', 'LOG', 'SQRT', 'SQUARE'].map((op) => row(op, 0, ['FLOAT32'], 'elementwise')),
  row('LOGICAL_NOT', 0, ['BOOL'], 'elementwise'),
  // Comparisons: GREATER has an int16 case, the others do not; EQUAL and NOT_EQUAL also compare BOOL.
  row('EQUAL', 0, [...COMPARE, 'BOOL'], 'comparisons'),
  row('NOT_EQUAL', 0, [...COMPARE, 'BOOL'], 'comparisons'),
  row('GREATER', 0, [...COMPARE, 'INT16'], 'comparisons'),
  row('GREATER_EQUAL', 0, COMPARE, 'comparisons'),
  row('LESS', 0, COMPARE, 'comparisons'),
  row('LESS_EQUAL', 0, COMPARE, 'comparisons'),
  // Activations.
  row('RELU', 0, F32_I8_I16, 'activations'),
  row('RELU6', 0, F32_I8_I16, 'activations'),
  row('ELU', 0, F32_I8, 'elu'),
  row('HARD_SWISH', 0, F32_I8, 'hard_swish'),
  row('LEAKY_RELU', 0, F32_I8_I16, 'leaky_relu'),
  row('LOGISTIC', 'output', F32_I8_I16, 'logistic'),
  row('TANH', 0, F32_I8_I16, 'tanh'),
  row('PRELU', 0, F32_I8_I16, 'prelu'),
  row('LOG_SOFTMAX', 0, F32_I8, 'log_softmax'),
  // Reductions (kernels/reduce_common.cc).
  row('MEAN', 0, F32_I8_I16, 'reduce_common'),
  row('SUM', 0, F32_I8_I16, 'reduce_common'),
  row('REDUCE_MAX', 0, F32_I8, 'reduce_common'),
  row('REDUCE_MIN', 0, F32_I8, 'reduce_common'),
  // ARG_MAX's message names uint8 too, but the switch has no UINT8 case.
  row('ARG_MAX', 0, F32_I8, 'arg_min_max'),
  row('ARG_MIN', 0, F32_I8, 'arg_min_max'),
  // Data movement.
  row('PAD', 0, F32_I8_I16_I32, 'pad'),
  row('PADV2', 0, F32_I8_I16_I32, 'pad'),
  row('MIRROR_PAD', 'output', F32_I8, 'mirror_pad'),
  row('TRANSPOSE', 0, F32_I8_I16, 'transpose'),
  row('EXPAND_DIMS', 0, F32_I8_I16, 'expand_dims'),
  row('PACK', 'output', [...F32_I8_I16_I32, 'INT64'], 'pack'),
  row('UNPACK', 0, F32_I8_I16_I32, 'unpack'),
  row('SPLIT', 1, F32_I8_I16_I32, 'split'),
  row('SPLIT_V', 0, F32_I8_I16_I32, 'split_v'),
  row('SLICE', 0, [...F32_I8_I16_I32, 'BOOL'], 'slice'),
  row('STRIDED_SLICE', 'output', [...F32_I8_I16_I32, 'BOOL'], 'strided_slice'),
  row('BATCH_TO_SPACE_ND', 0, F32_I8, 'batch_to_space_nd'),
  row('SPACE_TO_BATCH_ND', 0, F32_I8, 'space_to_batch_nd'),
  row('RESIZE_BILINEAR', 'output', F32_I8, 'resize_bilinear'),
  row('RESIZE_NEAREST_NEIGHBOR', 'output', F32_I8_I16, 'resize_nearest_neighbor'),
  row('DYNAMIC_UPDATE_SLICE', 0, F32_I8_I16_I32, 'dynamic_update_slice'),
  row('SELECT_V2', 1, F32_I8_I16, 'select'),
  row('ZEROS_LIKE', 0, ['FLOAT32', 'INT8', 'INT32', 'INT64'], 'zeros_like'),
  row('FILL', 1, ['FLOAT32', 'INT8', 'INT32'], 'fill'),
  // The reference kernels prepare a UINT8 input and fail in Eval; CMSIS-NN's Prepare rejects it.
  row('FULLY_CONNECTED', 0, F32_I8_I16, 'fully_connected', 'tflm-reference'),
  row('DEPTHWISE_CONV_2D', 0, F32_I8_I16, 'depthwise_conv', 'tflm-reference'),
  // Switch on the input type, then on the output type.
  {
    op: 'CAST', kernels: 'both', tensor: 0, accepts: [...CAST_TO, 'BOOL'], source: 'kernels/cast.cc Eval',
    outputs: { FLOAT32: CAST_TO, INT8: CAST_TO, INT16: CAST_TO, INT32: CAST_TO, UINT32: CAST_TO, BOOL: CAST_TO },
  },
  {
    op: 'QUANTIZE', kernels: 'both', tensor: 0, accepts: ['FLOAT32', 'INT32', 'INT16', 'INT8', 'UINT8'], source: 'kernels/quantize_common.cc EvalQuantizeReference',
    outputs: { FLOAT32: ['INT8', 'INT16'], INT32: ['INT8', 'INT16'], INT16: ['INT8', 'INT16', 'INT32'], INT8: ['INT8', 'UINT8', 'INT16', 'INT32'], UINT8: ['INT8'] },
  },
];
