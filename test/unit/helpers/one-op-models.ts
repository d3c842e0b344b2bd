/**
 * One-op models for each (op, activation type) that test/unit/invoke-types.test.ts and tflm-one-op.test.ts check: the
 * same models that were run on TFLM under QEMU (AllocateTensors, then Invoke with inputs filled with small values) to
 * find the type checks TFLM's kernels make in Prepare and only in Eval (test/measured/tflm_one_op.tsv). Integer tensors are quantized (scale 0.05, int16 zero point 0) so that Prepare's
 * quantization checks pass and only the type decides.
 */
import { ModelBuilder, type QuantSpec, type SubgraphBuilder, type TensorRef, type TensorSpec } from '../../../server/src/model/builder/index.js';
import type { DType } from '../../../server/src/model/ir.js';

export const TYPES: readonly DType[] = ['FLOAT32', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'];
const quant = (t: DType): QuantSpec | undefined => t === 'INT8' ? { scale: [0.05], zeroPoint: [0] } : t === 'UINT8' ? { scale: [0.05], zeroPoint: [128] } : t === 'INT16' ? { scale: [0.001], zeroPoint: [0] } : undefined;
const T = (name: string, shape: number[], dtype: DType): TensorSpec => ({ name, shape, dtype, quant: quant(dtype) });
const i32 = (g: SubgraphBuilder, name: string, data: number[], shape = [data.length]) => g.constant({ name, shape, dtype: 'INT32', data });
const val = (g: SubgraphBuilder, name: string, t: DType, shape: number[], n: number) => g.constant({ name, shape, dtype: t, quant: quant(t), data: t === 'INT64' ? Array(n).fill(1n) as never : t === 'BOOL' ? Array(n).fill(true) as never : Array(n).fill(1) });
type Build = (g: SubgraphBuilder, t: DType) => TensorRef[];
const S = [1, 4, 4, 3];
const unary = (op: string, options?: object): Build => (g, t) => [g.op(op, { inputs: [g.input(T('x', S, t))], output: T('y', S, t), options } as never)];
const binary = (op: string, out?: DType, options?: object): Build => (g, t) => [g.op(op, { inputs: [g.input(T('a', S, t)), g.input(T('b', S, t))], output: T('y', S, out ?? t), options } as never)];
const pool = (op: string): Build => (g, t) => [g.op(op, { inputs: [g.input(T('x', S, t))], output: T('y', [1, 2, 2, 3], t), options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'NONE' } } as never)];
const reduce = (op: string): Build => (g, t) => [g.op(op, { inputs: [g.input(T('x', S, t)), i32(g, 'ax', [1, 2])], output: T('y', [1, 1, 1, 3], t), options: { keepDims: true } } as never)];
const filterT = (t: DType): DType => t === 'INT16' ? 'INT8' : t;
const biasT = (t: DType): DType => t === 'INT16' ? 'INT64' : t === 'INT8' || t === 'UINT8' ? 'INT32' : t;
const fq = (t: DType): QuantSpec | undefined => (t === 'INT8' || t === 'UINT8' || t === 'INT16') ? { scale: [0.05], zeroPoint: [0] } : undefined;
const bq = (t: DType): QuantSpec | undefined => fq(t) ? { scale: [t === 'INT16' ? 0.00005 : 0.0025], zeroPoint: [0] } : undefined;
const weights = (g: SubgraphBuilder, t: DType, shape: number[]) => g.constant({ name: 'w', shape, dtype: filterT(t), quant: fq(t), data: filterT(t) === 'INT64' ? Array(shape.reduce((a, b) => a * b, 1)).fill(1n) as never : filterT(t) === 'BOOL' ? Array(shape.reduce((a, b) => a * b, 1)).fill(true) as never : Array(shape.reduce((a, b) => a * b, 1)).fill(1) });
const bias = (g: SubgraphBuilder, t: DType, n: number) => g.constant({ name: 'b', shape: [n], dtype: biasT(t), quant: bq(t), data: biasT(t) === 'INT64' ? Array(n).fill(0n) as never : biasT(t) === 'BOOL' ? Array(n).fill(false) as never : Array(n).fill(0) });

/** One-op model builders by case name (an op, or CAST_TO_<type> / QUANTIZE_FROM_FLOAT / QUANTIZE_SAME). */
export const OPS: Record<string, Build> = {};
for (const op of ['ABS', 'CEIL', 'COS', 'EXP', 'FLOOR', 'LOG', 'NEG', 'RSQRT', 'SIN', 'SQRT', 'SQUARE', 'TANH', 'LOGISTIC', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'ELU', 'HARD_SWISH', 'ROUND', 'ZEROS_LIKE', 'LOGICAL_NOT', 'LOG_SOFTMAX', 'L2_NORMALIZATION']) OPS[op] = unary(op);
OPS.LEAKY_RELU = unary('LEAKY_RELU', { alpha: 0.2 });
OPS.SOFTMAX = unary('SOFTMAX', { beta: 1 });
for (const op of ['SUB', 'DIV', 'FLOOR_DIV', 'FLOOR_MOD', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'PRELU', 'LOGICAL_AND', 'LOGICAL_OR', 'ADD_N', 'ADD', 'MUL']) OPS[op] = binary(op, undefined, ['ADD', 'SUB', 'MUL', 'DIV'].includes(op) ? { fusedActivationFunction: 'NONE' } : undefined);
for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL']) OPS[op] = binary(op, 'BOOL');
OPS.SELECT_V2 = (g, t) => [g.op('SELECT_V2', { inputs: [g.input(T('c', S, 'BOOL')), g.input(T('a', S, t)), g.input(T('b', S, t))], output: T('y', S, t) })];
for (const op of ['AVERAGE_POOL_2D', 'MAX_POOL_2D', 'L2_POOL_2D']) OPS[op] = pool(op);
for (const op of ['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD']) OPS[op] = reduce(op);
OPS.RESHAPE = (g, t) => [g.op('RESHAPE', { inputs: [g.input(T('x', S, t)), i32(g, 's', [1, 48])], output: T('y', [1, 48], t) })];
OPS.SQUEEZE = (g, t) => [g.op('SQUEEZE', { inputs: [g.input(T('x', S, t))], output: T('y', [4, 4, 3], t), options: { squeezeDims: [0] } })];
OPS.EXPAND_DIMS = (g, t) => [g.op('EXPAND_DIMS', { inputs: [g.input(T('x', [4, 3], t)), i32(g, 'ax', [0])], output: T('y', [1, 4, 3], t) })];
OPS.TRANSPOSE = (g, t) => [g.op('TRANSPOSE', { inputs: [g.input(T('x', S, t)), i32(g, 'p', [0, 2, 1, 3])], output: T('y', S, t) })];
OPS.PAD = (g, t) => [g.op('PAD', { inputs: [g.input(T('x', S, t)), i32(g, 'p', [0, 0, 1, 1, 1, 1, 0, 0], [4, 2])], output: T('y', [1, 6, 6, 3], t) })];
OPS.PADV2 = (g, t) => [g.op('PADV2', { inputs: [g.input(T('x', S, t)), i32(g, 'p', [0, 0, 1, 1, 1, 1, 0, 0], [4, 2]), val(g, 'v', t, [], 1)], output: T('y', [1, 6, 6, 3], t) })];
OPS.MIRROR_PAD = (g, t) => [g.op('MIRROR_PAD', { inputs: [g.input(T('x', S, t)), i32(g, 'p', [0, 0, 1, 1, 1, 1, 0, 0], [4, 2])], output: T('y', [1, 6, 6, 3], t) })];
OPS.SLICE = (g, t) => [g.op('SLICE', { inputs: [g.input(T('x', S, t)), i32(g, 'b', [0, 1, 1, 0]), i32(g, 's', [1, 2, 2, 3])], output: T('y', [1, 2, 2, 3], t) })];
OPS.STRIDED_SLICE = (g, t) => [g.op('STRIDED_SLICE', { inputs: [g.input(T('x', S, t)), i32(g, 'b', [0, 0, 0, 0]), i32(g, 'e', [1, 4, 4, 3]), i32(g, 's', [1, 2, 2, 1])], output: T('y', [1, 2, 2, 3], t) })];
OPS.CONCATENATION = (g, t) => [g.op('CONCATENATION', { inputs: [g.input(T('a', S, t)), g.input(T('b', S, t))], output: T('y', [1, 4, 4, 6], t), options: { axis: 3 } })];
OPS.PACK = (g, t) => [g.op('PACK', { inputs: [g.input(T('a', [4, 3], t)), g.input(T('b', [4, 3], t))], output: T('y', [2, 4, 3], t) })];
OPS.UNPACK = (g, t) => g.op('UNPACK', { inputs: [g.input(T('x', [2, 4, 3], t))], outputs: [T('y0', [4, 3], t), T('y1', [4, 3], t)] });
OPS.SPLIT = (g, t) => g.op('SPLIT', { inputs: [i32(g, 'ax', [3], []), g.input(T('x', [1, 4, 4, 6], t))], outputs: [T('y0', S, t), T('y1', S, t)], options: { numSplits: 2 } });
OPS.SPLIT_V = (g, t) => g.op('SPLIT_V', { inputs: [g.input(T('x', [1, 4, 4, 6], t)), i32(g, 'sz', [3, 3]), i32(g, 'ax', [3], [])], outputs: [T('y0', S, t), T('y1', S, t)] });
OPS.GATHER = (g, t) => [g.op('GATHER', { inputs: [g.input(T('x', [4, 3], t)), i32(g, 'i', [2, 0])], output: T('y', [2, 3], t) })];
OPS.GATHER_ND = (g, t) => [g.op('GATHER_ND', { inputs: [g.input(T('x', [4, 3], t)), i32(g, 'i', [2, 0], [2, 1])], output: T('y', [2, 3], t) })];
OPS.BROADCAST_TO = (g, t) => [g.op('BROADCAST_TO', { inputs: [g.input(T('x', [1, 3], t)), i32(g, 's', [4, 3])], output: T('y', [4, 3], t) })];
OPS.FILL = (g, t) => [g.op('FILL', { inputs: [i32(g, 'd', [2, 3]), g.input(T('v', [], t))], output: T('y', [2, 3], t) })];
OPS.BATCH_TO_SPACE_ND = (g, t) => [g.op('BATCH_TO_SPACE_ND', { inputs: [g.input(T('x', [4, 2, 2, 3], t)), i32(g, 'b', [2, 2]), i32(g, 'c', [0, 0, 0, 0], [2, 2])], output: T('y', S, t) })];
OPS.SPACE_TO_BATCH_ND = (g, t) => [g.op('SPACE_TO_BATCH_ND', { inputs: [g.input(T('x', S, t)), i32(g, 'b', [2, 2]), i32(g, 'p', [0, 0, 0, 0], [2, 2])], output: T('y', [4, 2, 2, 3], t) })];
OPS.RESIZE_NEAREST_NEIGHBOR = (g, t) => [g.op('RESIZE_NEAREST_NEIGHBOR', { inputs: [g.input(T('x', [1, 2, 2, 3], t)), i32(g, 's', [4, 4])], output: T('y', S, t) })];
OPS.RESIZE_BILINEAR = (g, t) => [g.op('RESIZE_BILINEAR', { inputs: [g.input(T('x', [1, 2, 2, 3], t)), i32(g, 's', [4, 4])], output: T('y', S, t) })];
OPS.ARG_MAX = (g, t) => [g.op('ARG_MAX', { inputs: [g.input(T('x', [3, 5], t)), i32(g, 'ax', [1], [])], output: T('y', [3], 'INT32') })];
OPS.ARG_MIN = (g, t) => [g.op('ARG_MIN', { inputs: [g.input(T('x', [3, 5], t)), i32(g, 'ax', [1], [])], output: T('y', [3], 'INT32') })];
OPS.SHAPE = (g, t) => [g.op('SHAPE', { inputs: [g.input(T('x', S, t))], output: T('y', [4], 'INT32') })];
OPS.EMBEDDING_LOOKUP = (g, t) => [g.op('EMBEDDING_LOOKUP', { inputs: [i32(g, 'i', [2, 0]), g.input(T('x', [4, 3], t))], output: T('y', [2, 3], t) })];
OPS.DYNAMIC_UPDATE_SLICE = (g, t) => [g.op('DYNAMIC_UPDATE_SLICE', { inputs: [g.input(T('x', [4, 3], t)), g.input(T('u', [2, 3], t)), i32(g, 'i', [1, 0])], output: T('y', [4, 3], t) })];
OPS.CUMSUM = (g, t) => [g.op('CUMSUM', { inputs: [g.input(T('x', [3, 7], t)), i32(g, 'ax', [1], [])], output: T('y', [3, 7], t) })];
OPS.REVERSE_V2 = (g, t) => [g.op('REVERSE_V2', { inputs: [g.input(T('x', [4, 3], t)), i32(g, 'ax', [1])], output: T('y', [4, 3], t) })];
OPS.DEQUANTIZE = (g, t) => [g.op('DEQUANTIZE', { inputs: [g.input(T('x', S, t))], output: T('y', S, 'FLOAT32') })];
OPS.QUANTIZE_FROM_FLOAT = (g, t) => [g.op('QUANTIZE', { inputs: [g.input(T('x', S, 'FLOAT32'))], output: { name: 'y', shape: S, dtype: t, quant: quant(t) ?? { scale: [0.05], zeroPoint: [0] } } })];
OPS.QUANTIZE_SAME = (g, t) => [g.op('QUANTIZE', { inputs: [g.input({ name: 'x', shape: S, dtype: t, quant: quant(t) ?? { scale: [0.05], zeroPoint: [0] } })], output: { name: 'y', shape: S, dtype: t, quant: { scale: [0.1], zeroPoint: [0] } } })];
OPS.CONV_2D = (g, t) => [g.op('CONV_2D', { inputs: [g.input(T('x', S, t)), weights(g, t, [2, 3, 3, 3]), bias(g, t, 2)], output: T('y', [1, 2, 2, 2], t), options: { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' } })];
OPS.DEPTHWISE_CONV_2D = (g, t) => [g.op('DEPTHWISE_CONV_2D', { inputs: [g.input(T('x', S, t)), weights(g, t, [1, 3, 3, 3]), bias(g, t, 3)], output: T('y', [1, 2, 2, 3], t), options: { padding: 'VALID', strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 'NONE' } })];
OPS.FULLY_CONNECTED = (g, t) => [g.op('FULLY_CONNECTED', { inputs: [g.input(T('x', [1, 12], t)), weights(g, t, [5, 12]), bias(g, t, 5)], output: T('y', [1, 5], t), options: { fusedActivationFunction: 'NONE' } })];
OPS.BATCH_MATMUL = (g, t) => [g.op('BATCH_MATMUL', { inputs: [g.input(T('a', [1, 2, 3], t)), g.input(T('b', [1, 3, 4], t))], output: T('y', [1, 2, 4], t) })];
// Activations with the output quantization their int8 / int16 kernels require (LOGISTIC int8: zero point -128;
// int16: scale 2^-15, zero point 0), and PRELU with an int8 alpha for int16 activations.
const fixedPointOut = (t: DType, int8: QuantSpec): QuantSpec | undefined => t === 'INT8' ? int8 : t === 'INT16' ? { scale: [2 ** -15], zeroPoint: [0] } : quant(t);
OPS.LOGISTIC_FIXED_POINT = (g, t) => [g.op('LOGISTIC', { inputs: [g.input(T('x', S, t))], output: { name: 'y', shape: S, dtype: t, quant: fixedPointOut(t, { scale: [1 / 256], zeroPoint: [-128] }) } })];
OPS.TANH_FIXED_POINT = (g, t) => [g.op('TANH', { inputs: [g.input(T('x', S, t))], output: { name: 'y', shape: S, dtype: t, quant: fixedPointOut(t, { scale: [1 / 128], zeroPoint: [0] }) } })];
OPS.PRELU_INT8_ALPHA = (g, t) => [g.op('PRELU', { inputs: [g.input(T('a', S, t)), g.input(T('b', S, t === 'INT16' ? 'INT8' : t))], output: T('y', S, t) })];
for (const to of TYPES) OPS[`CAST_TO_${to}`] = (g, t) => [g.op('CAST', { inputs: [g.input({ name: 'x', shape: [2, 3], dtype: t })], output: { name: 'y', shape: [2, 3], dtype: to } })];

/** The .tflite bytes of case `name` with activation type `t`. */
export function oneOpModel(name: string, t: DType): Uint8Array {
  const build = OPS[name];
  if (!build) throw new Error(`no one-op model ${name}`);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  g.output(...build(g, t));
  return m.finish();
}
