/**
 * Builtin operator options: which options table each op carries, the table's id in the `BuiltinOptions` union, and
 * its fields in field-id order (facts of the TFLite schema, written out by hand). The option value types are derived
 * from these lists, so a field added here is immediately typed in `SubgraphBuilder.op`.
 *
 * Field names are the schema's, in camelCase, the same keys the reader uses in `Operator.options`.
 */
import * as flatbuffers from 'flatbuffers';
import { DTYPES, type DType } from '../ir.js';

const PADDING = ['SAME', 'VALID'] as const;
const ACTIVATION = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
const WEIGHTS_FORMAT = ['DEFAULT', 'SHUFFLED4x16INT8'] as const;

/** How a field is stored: scalar kinds, an int vector, a TensorType, or a byte enum given by its names. */
type Kind = 'int' | 'uint' | 'bool' | 'float' | 'ints' | 'dtype' | readonly string[];

interface Field<N extends string = string, K extends Kind = Kind> {
  readonly name: N;
  readonly kind: K;
  /** The schema default; a value equal to it is not written, as flatc-generated builders do. */
  readonly dflt: number | boolean;
}

function field<const N extends string, const K extends Kind>(name: N, kind: K, dflt: number | boolean = 0): Field<N, K> {
  return { name, kind, dflt: kind === 'bool' && dflt === 0 ? false : dflt };
}

interface Table {
  /** The table's type id in the BuiltinOptions union (its 1-based position; 0 is NONE). */
  readonly unionType: number;
  /** Fields in schema order: the position plus `firstId` is the field id. */
  readonly fields: readonly Field[];
  /** The id of the first field, when the schema's first ids are deprecated (never written); default 0. */
  readonly firstId?: number;
  /**
   * Written only when options are given (like a table without fields). Set on the tables added after the measured
   * one-op models were built (test/measured): a model built without options keeps the bytes TFLM was measured on.
   */
  readonly onlyWhenGiven?: boolean;
}

const fused = field('fusedActivationFunction', ACTIVATION);

/** The options tables this builder can write, keyed by their schema name. */
export const OPTION_TABLES = {
  Conv2DOptions: { unionType: 1, fields: [field('padding', PADDING), field('strideW', 'int'), field('strideH', 'int'), fused,
    field('dilationWFactor', 'int', 1), field('dilationHFactor', 'int', 1), field('quantizedBiasType', 'dtype')] },
  DepthwiseConv2DOptions: { unionType: 2, fields: [field('padding', PADDING), field('strideW', 'int'), field('strideH', 'int'),
    field('depthMultiplier', 'int'), fused, field('dilationWFactor', 'int', 1), field('dilationHFactor', 'int', 1)] },
  Pool2DOptions: { unionType: 5, fields: [field('padding', PADDING), field('strideW', 'int'), field('strideH', 'int'),
    field('filterWidth', 'int'), field('filterHeight', 'int'), fused] },
  SVDFOptions: { unionType: 6, fields: [field('rank', 'int'), fused, field('asymmetricQuantizeInputs', 'bool')] },
  FullyConnectedOptions: { unionType: 8, fields: [fused, field('weightsFormat', WEIGHTS_FORMAT), field('keepNumDims', 'bool'),
    field('asymmetricQuantizeInputs', 'bool'), field('quantizedBiasType', 'dtype')] },
  SoftmaxOptions: { unionType: 9, fields: [field('beta', 'float')] },
  ConcatenationOptions: { unionType: 10, fields: [field('axis', 'int'), fused] },
  AddOptions: { unionType: 11, fields: [fused, field('potScaleInt16', 'bool', true)] },
  // Field ids 0 and 1 (new_height, new_width) are deprecated.
  ResizeBilinearOptions: { unionType: 15, firstId: 2, onlyWhenGiven: true, fields: [field('alignCorners', 'bool'), field('halfPixelCenters', 'bool')] },
  ReshapeOptions: { unionType: 17, fields: [field('newShape', 'ints')] },
  MulOptions: { unionType: 21, fields: [fused] },
  PadOptions: { unionType: 22, fields: [] },
  GatherOptions: { unionType: 23, fields: [field('axis', 'int'), field('batchDims', 'int')] },
  TransposeOptions: { unionType: 26, fields: [] },
  ReducerOptions: { unionType: 27, fields: [field('keepDims', 'bool')] },
  SubOptions: { unionType: 28, fields: [fused, field('potScaleInt16', 'bool', true)] },
  DivOptions: { unionType: 29, fields: [fused] },
  SqueezeOptions: { unionType: 30, fields: [field('squeezeDims', 'ints')] },
  StridedSliceOptions: { unionType: 32, fields: [field('beginMask', 'int'), field('endMask', 'int'), field('ellipsisMask', 'int'),
    field('newAxisMask', 'int'), field('shrinkAxisMask', 'int'), field('offset', 'bool')] },
  SplitOptions: { unionType: 35, fields: [field('numSplits', 'int')] },
  DequantizeOptions: { unionType: 38, fields: [] },
  MaximumMinimumOptions: { unionType: 39, fields: [] },
  LessOptions: { unionType: 41, fields: [] },
  PadV2Options: { unionType: 43, fields: [] },
  GreaterOptions: { unionType: 44, fields: [] },
  ExpandDimsOptions: { unionType: 52, fields: [] },
  ShapeOptions: { unionType: 55, onlyWhenGiven: true, fields: [field('outType', 'dtype')] },
  PackOptions: { unionType: 59, onlyWhenGiven: true, fields: [field('valuesCount', 'int'), field('axis', 'int')] },
  UnidirectionalSequenceLSTMOptions: { unionType: 71, fields: [fused, field('cellClip', 'float'), field('projClip', 'float'),
    field('timeMajor', 'bool'), field('asymmetricQuantizeInputs', 'bool'), field('diagonalRecurrentTensors', 'bool')] },
  ResizeNearestNeighborOptions: { unionType: 74, onlyWhenGiven: true, fields: [field('alignCorners', 'bool'), field('halfPixelCenters', 'bool')] },
  LeakyReluOptions: { unionType: 75, fields: [field('alpha', 'float')] },
  SplitVOptions: { unionType: 79, onlyWhenGiven: true, fields: [field('numSplits', 'int')] },
  QuantizeOptions: { unionType: 89, fields: [] },
  HardSwishOptions: { unionType: 91, fields: [] },
  IfOptions: { unionType: 92, fields: [field('thenSubgraphIndex', 'int'), field('elseSubgraphIndex', 'int')] },
  WhileOptions: { unionType: 93, fields: [field('condSubgraphIndex', 'int'), field('bodySubgraphIndex', 'int')] },
  CallOnceOptions: { unionType: 103, fields: [field('initSubgraphIndex', 'int')] },
} as const satisfies Record<string, Table>;

export type OptionTableName = keyof typeof OPTION_TABLES;

/** The options table of each builtin op this builder knows; ops not listed (LOGISTIC, TANH, RELU, ...) take none. */
export const OP_OPTION_TABLE = {
  CONV_2D: 'Conv2DOptions',
  DEPTHWISE_CONV_2D: 'DepthwiseConv2DOptions',
  AVERAGE_POOL_2D: 'Pool2DOptions',
  MAX_POOL_2D: 'Pool2DOptions',
  L2_POOL_2D: 'Pool2DOptions',
  SVDF: 'SVDFOptions',
  FULLY_CONNECTED: 'FullyConnectedOptions',
  SOFTMAX: 'SoftmaxOptions',
  CONCATENATION: 'ConcatenationOptions',
  ADD: 'AddOptions',
  RESHAPE: 'ReshapeOptions',
  RESIZE_BILINEAR: 'ResizeBilinearOptions',
  RESIZE_NEAREST_NEIGHBOR: 'ResizeNearestNeighborOptions',
  EXPAND_DIMS: 'ExpandDimsOptions',
  SHAPE: 'ShapeOptions',
  PACK: 'PackOptions',
  SPLIT_V: 'SplitVOptions',
  MUL: 'MulOptions',
  PAD: 'PadOptions',
  GATHER: 'GatherOptions',
  TRANSPOSE: 'TransposeOptions',
  MEAN: 'ReducerOptions',
  SUM: 'ReducerOptions',
  REDUCE_MAX: 'ReducerOptions',
  REDUCE_MIN: 'ReducerOptions',
  REDUCE_PROD: 'ReducerOptions',
  SUB: 'SubOptions',
  DIV: 'DivOptions',
  SQUEEZE: 'SqueezeOptions',
  STRIDED_SLICE: 'StridedSliceOptions',
  SPLIT: 'SplitOptions',
  DEQUANTIZE: 'DequantizeOptions',
  MAXIMUM: 'MaximumMinimumOptions',
  MINIMUM: 'MaximumMinimumOptions',
  LESS: 'LessOptions',
  PADV2: 'PadV2Options',
  GREATER: 'GreaterOptions',
  UNIDIRECTIONAL_SEQUENCE_LSTM: 'UnidirectionalSequenceLSTMOptions',
  LEAKY_RELU: 'LeakyReluOptions',
  QUANTIZE: 'QuantizeOptions',
  HARD_SWISH: 'HardSwishOptions',
  IF: 'IfOptions',
  WHILE: 'WhileOptions',
  CALL_ONCE: 'CallOnceOptions',
} as const satisfies Record<string, OptionTableName>;

type ValueOf<K> = K extends 'int' | 'uint' | 'float' ? number
  : K extends 'bool' ? boolean
  : K extends 'ints' ? readonly number[]
  : K extends 'dtype' ? DType
  : K extends readonly (infer S)[] ? S
  : never;

type FieldsOf<T> = T extends { readonly fields: readonly (infer F)[] } ? F : never;

/** The plain-object options of a table: every field optional, defaulting to the schema default. */
export type OptionsOfTable<T extends OptionTableName> = {
  [F in FieldsOf<(typeof OPTION_TABLES)[T]> as F extends Field<infer N> ? N : never]?: F extends Field<string, infer K> ? ValueOf<K> : never;
};

/** The options accepted by builtin op `Op` (`never` for ops without an options table). */
export type BuiltinOptionsFor<Op extends string> = Op extends keyof typeof OP_OPTION_TABLE
  ? OptionsOfTable<(typeof OP_OPTION_TABLE)[Op]>
  : never;

/** The options table name of a builtin op, or null when it has none. */
export function optionTableOf(opName: string): OptionTableName | null {
  return Object.hasOwn(OP_OPTION_TABLE, opName) ? OP_OPTION_TABLE[opName as keyof typeof OP_OPTION_TABLE] : null;
}

/**
 * Writes the options table of `opName` and returns its union type and offset, or null when nothing is written.
 *
 * A table with fields is always written (the converter always emits e.g. Conv2DOptions, and runtimes read missing
 * tables as all-defaults anyway). A table without fields (PadOptions, QuantizeOptions, ...) is written only when
 * `options` is given, since converters differ on whether they emit it.
 */
export function writeBuiltinOptions(
  b: flatbuffers.Builder,
  opName: string,
  options: Readonly<Record<string, unknown>> | undefined,
): { unionType: number; offset: flatbuffers.Offset } | null {
  const tableName = optionTableOf(opName);
  if (tableName === null) {
    if (options !== undefined) throw new TypeError(`${opName} takes no builtin options`);
    return null;
  }
  const table: Table = OPTION_TABLES[tableName];
  if ((table.fields.length === 0 || table.onlyWhenGiven === true) && options === undefined) return null;
  const given = options ?? {};
  for (const key of Object.keys(given)) {
    if (!table.fields.some((f) => f.name === key)) throw new TypeError(`${tableName} has no field '${key}' (op ${opName})`);
  }
  // Vectors must be finished before the table that points at them is started.
  const vectors = new Map<number, flatbuffers.Offset>();
  table.fields.forEach((f, id) => {
    const value = given[f.name];
    if (f.kind === 'ints' && value !== undefined) vectors.set(id, createInt32Vector(b, asInts(value, tableName, f.name)));
  });
  const firstId = table.firstId ?? 0;
  b.startObject(firstId + table.fields.length);
  table.fields.forEach((f, id) => {
    const value = given[f.name];
    if (value === undefined) return;
    const vector = vectors.get(id);
    if (vector !== undefined) b.addFieldOffset(firstId + id, vector, 0);
    else addScalar(b, firstId + id, f, value, tableName);
  });
  return { unionType: table.unionType, offset: b.endObject() };
}

/**
 * Throws what `writeBuiltinOptions` would throw for these options, so a mistake surfaces at the `op()` call that made
 * it rather than at `finish()`. Runs the real writer against a scratch builder: one code path, no drift.
 */
export function checkBuiltinOptions(opName: string, options: Readonly<Record<string, unknown>> | undefined): void {
  writeBuiltinOptions(new flatbuffers.Builder(64), opName, options);
}

function addScalar(b: flatbuffers.Builder, id: number, f: Field, value: unknown, tableName: string): void {
  const where = `${tableName}.${f.name}`;
  const dflt = typeof f.dflt === 'boolean' ? Number(f.dflt) : f.dflt;
  if (f.kind === 'bool') {
    if (typeof value !== 'boolean') throw new TypeError(`${where} must be a boolean`);
    b.addFieldInt8(id, Number(value), dflt);
  } else if (f.kind === 'float') {
    if (typeof value !== 'number') throw new TypeError(`${where} must be a number`);
    b.addFieldFloat32(id, value, dflt);
  } else if (f.kind === 'int' || f.kind === 'uint') {
    const [min, max] = f.kind === 'int' ? [-2147483648, 2147483647] : [0, 4294967295];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new TypeError(`${where} must be an integer in ${min}..${max}`);
    }
    b.addFieldInt32(id, value | 0, dflt);
  } else {
    const names: readonly string[] = f.kind === 'dtype' ? DTYPES : (f.kind as readonly string[]);
    const index = typeof value === 'string' ? names.indexOf(value) : -1;
    if (index < 0) throw new TypeError(`${where} must be one of ${names.join(', ')}`);
    b.addFieldInt8(id, index, dflt);
  }
}

function asInts(value: unknown, tableName: string, name: string): readonly number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new TypeError(`${tableName}.${name} must be an array of integers`);
  }
  return value as number[];
}

/** An int32 vector, written back to front as the flatbuffers builder requires. */
export function createInt32Vector(b: flatbuffers.Builder, values: ArrayLike<number>): flatbuffers.Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] ?? 0);
  return b.endVector();
}
