/**
 * Subgraphs: tensors (shape, type, quantization, constness, size) and operators (code, tensor lists, options), with
 * the semantic checks analyses rely on: every index in range, every size a safe integer.
 */
import { CUSTOM_CODE } from '../builtins';
import { DTYPE_BYTES, DTYPES, type Buffer, type Operator, type OperatorCode, type Options, type Quantization,
  type Subgraph, type Tensor } from '../ir';
import { join, type FbFile, type Span, type Table } from './bounds';
import { decodeOptions, optionsSpec, type OptionsSpec } from './options';
import { ENUMS, SUBGRAPH_INDEX_FIELDS } from './options-schema';

/** What a subgraph needs from the rest of the model, plus the running totals the limits apply to. */
export interface SubgraphContext {
  file: FbFile;
  buffers: readonly Buffer[];
  operatorCodes: readonly OperatorCode[];
  subgraphCount: number;
  tensorsLeft: number;
  operatorsLeft: number;
}

/** Reads subgraph `index` from its table. */
export function readSubgraph(ctx: SubgraphContext, t: Table, index: number): Subgraph {
  // Each table is opened, read and dropped in turn (no array of 100,000 tables alive while they are read).
  const tensorSpan = tablesWithin(ctx, t, 0, 'tensors', 'tensorsLeft');
  const count = tensorSpan?.length ?? 0;
  const tensors = new Array<Tensor>(count);
  for (let i = 0; i < count; i++) tensors[i] = readTensor(ctx, t.tableIn(tensorSpan!, i, 'tensors'), i);
  const inputs = indexList(ctx.file, t, 1, 'inputs', count, false);
  const outputs = indexList(ctx.file, t, 2, 'outputs', count, false);
  const operatorSpan = tablesWithin(ctx, t, 3, 'operators', 'operatorsLeft');
  const operators = new Array<Operator>(operatorSpan?.length ?? 0);
  for (let i = 0; i < operators.length; i++) operators[i] = readOperator(ctx, t.tableIn(operatorSpan!, i, 'operators'), i, count);
  const name = t.string(4, 'name') ?? '';
  return { index, name, tensors, operators, inputs, outputs };
}

/** A vector of tables whose length is first checked against the remaining total allowed for its kind (null: absent). */
function tablesWithin(ctx: SubgraphContext, t: Table, id: number, name: string,
  counter: 'tensorsLeft' | 'operatorsLeft'): Span | null {
  const span = t.vector(id, name, 4);
  if (span === null) return null;
  if (span.length > ctx[counter]) {
    ctx.file.fail('count-too-large', span.start - 4, span.where,
      `holds ${span.length} entries, more than the ${ctx[counter]} this reader still accepts`);
  }
  ctx[counter] -= span.length;
  return t.tableVector(id, name);
}

/** An int32 vector of tensor indices, each in `[0, count)` (or -1 where an omitted tensor is allowed). */
function indexList(file: FbFile, t: Table, id: number, name: string, count: number, optional: boolean): number[] {
  const values = t.i32s(id, name) ?? [];
  // Indexed, allocating nothing per element: this runs three times per operator.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((v < 0 || v >= count) && !(optional && v === -1)) {
      file.fail('bad-index', (t.vector(id, name, 4)?.start ?? t.pos) + 4 * i, join(t.where, `${name}[${i}]`),
        `is tensor ${v}, but the subgraph has ${count} tensors`);
    }
  }
  return values;
}

function readTensor(ctx: SubgraphContext, t: Table, index: number): Tensor {
  const { file } = ctx;
  const shape = dims(file, t, 0, 'shape', 0) ?? [];
  const typeCode = t.i8(1, 'type');
  const dtype = DTYPES[typeCode];
  if (dtype === undefined) {
    const known = ENUMS['dtype']?.names[typeCode];
    throw file.error('bad-value', t.pos, join(t.where, 'type'),
      known ? `is ${known}, a type this reader does not support` : `is ${typeCode}, not a known tensor type`);
  }
  const buffer = t.u32(2, 'buffer');
  // A model without a buffers vector can still have tensors pointing at the empty sentinel 0.
  if (buffer >= ctx.buffers.length && buffer !== 0) {
    file.fail('bad-index', t.pos, join(t.where, 'buffer'),
      `is buffer ${buffer}, but the model has ${ctx.buffers.length} buffers`);
  }
  const name = t.string(3, 'name') ?? '';
  const quantTable = t.table(4, 'quantization');
  const quantization = quantTable === null ? null : readQuantization(quantTable);
  const isVariable = t.bool(5, 'isVariable');
  // Sparsity is only recorded as present (TFLM rejects sparse tensors), but its offset is still checked.
  const isSparse = t.table(6, 'sparsity') !== null;
  const shapeSignature = dims(file, t, 7, 'shapeSignature', -1);
  const isConstant = buffer > 0 && (ctx.buffers[buffer]?.byteLength ?? 0) > 0;

  let elementCount = 1;
  for (let i = 0; i < shape.length; i++) elementCount *= shape[i]!;
  const bytes = elementCount * DTYPE_BYTES[dtype];
  if (!Number.isSafeInteger(bytes)) {
    file.fail('bad-value', t.pos, join(t.where, 'shape'), `[${shape.join(', ')}] gives a size beyond 2^53 bytes`);
  }
  return { index, name, shape, shapeSignature, dtype, buffer, quantization, isVariable, isSparse, isConstant,
    elementCount, bytes };
}

/** A dimension vector whose entries must be >= `min` (0 for shapes, -1 for shape signatures). */
function dims(file: FbFile, t: Table, id: number, name: string, min: number): number[] | null {
  const values = t.i32s(id, name);
  if (values === null) return null;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]!;
    if (d < min) {
      file.fail('bad-value', (t.vector(id, name, 4)?.start ?? t.pos) + 4 * i, join(t.where, `${name}[${i}]`),
        `is ${d}; a dimension must be >= ${min}`);
    }
  }
  return values;
}

/**
 * An absent list (a quantization's min and max, an operator's intermediates: most tensors and operators have none),
 * shared rather than one empty array each. Nothing writes into a model's lists.
 */
const NONE: number[] = [];

/** Quantization parameters, or null for the empty table converters write on float tensors. */
function readQuantization(t: Table): Quantization | null {
  const min = t.f32s(0, 'min') ?? NONE;
  const max = t.f32s(1, 'max') ?? NONE;
  const scale = t.f32s(2, 'scale') ?? [];
  const zeroPoint = t.i64s(3, 'zeroPoint') ?? [];
  const hasDetails = t.u8(4, 'detailsType') !== 0;
  if (hasDetails) t.table(5, 'details');
  const quantizedDimension = t.i32(6, 'quantizedDimension');
  // Only the sign is checked: real models (TFLM's person_detect) carry an axis beyond the rank on tensors whose
  // scales are all equal, and runtimes accept them.
  if (quantizedDimension < 0) {
    t.file.fail('bad-value', t.pos, join(t.where, 'quantizedDimension'), `is ${quantizedDimension}, not an axis`);
  }
  const empty = min.length + max.length + scale.length + zeroPoint.length === 0;
  return empty && !hasDetails ? null : { scale, zeroPoint, quantizedDimension, min, max, hasDetails };
}

function readOperator(ctx: SubgraphContext, t: Table, index: number, tensorCount: number): Operator {
  const { file } = ctx;
  const opcodeIndex = t.u32(0, 'opcodeIndex');
  const code = ctx.operatorCodes[opcodeIndex];
  if (code === undefined) {
    throw file.error('bad-index', t.pos, join(t.where, 'opcodeIndex'),
      `is ${opcodeIndex}, but the model declares ${ctx.operatorCodes.length} operator codes`);
  }
  // -1 marks an omitted optional tensor; the TFLite interpreter accepts it in both inputs and outputs.
  const inputs = indexList(file, t, 1, 'inputs', tensorCount, true);
  const outputs = indexList(file, t, 2, 'outputs', tensorCount, true);
  const intermediates = t.has(8) ? indexList(file, t, 8, 'intermediates', tensorCount, false) : NONE;

  let optionsType: string | null = null;
  let options: Options = {};
  // An operator uses at most one of the two unions; the older one wins if a writer filled both.
  const type1 = t.u8(3, 'builtinOptionsType');
  const type2 = type1 === 0 ? t.u8(11, 'builtinOptions2Type') : 0;
  const union: 1 | 2 = type1 !== 0 ? 1 : 2;
  const spec = type1 !== 0 ? optionsSpec(1, type1) : optionsSpec(2, type2);
  if (spec !== null) {
    optionsType = spec.typeName;
    const table = union === 1 ? t.table(4, 'builtinOptions') : t.table(12, 'builtinOptions2');
    options = table === null ? defaults(spec) : decodeOptions(table, spec);
    checkSubgraphIndices(ctx, t, spec.typeName, options);
  }

  return {
    index, opcodeIndex, opName: opName(code), builtinCode: code.builtinCode, customCode: code.customCode,
    version: code.version, inputs, outputs, intermediates, optionsType, options,
    customOptions: customOptions(file, t),
  };
}

function opName(code: OperatorCode): string {
  if (code.builtinCode !== CUSTOM_CODE) return code.builtinName;
  return code.customCode === null ? 'CUSTOM' : `CUSTOM:${code.customCode}`;
}

/** The options an absent table stands for: every field at its schema default. */
function defaults(spec: OptionsSpec): Options {
  const out: Options = {};
  for (const f of spec.fields) {
    if (f.dflt !== null) out[f.name] = f.dflt;
    else out[f.name] = typeof f.kind === 'string' && f.kind.endsWith('[]') ? [] : '';
  }
  return out;
}

function checkSubgraphIndices(ctx: SubgraphContext, t: Table, typeName: string, options: Options): void {
  for (const field of SUBGRAPH_INDEX_FIELDS[typeName] ?? []) {
    const value = options[field];
    const list = Array.isArray(value) ? value : typeof value === 'number' ? [value] : [];
    for (const v of list) {
      if (v < 0 || v >= ctx.subgraphCount) {
        ctx.file.fail('bad-index', t.pos, join(t.where, `builtinOptions.${field}`),
          `is subgraph ${v}, but the model has ${ctx.subgraphCount} subgraphs`);
      }
    }
  }
}

/**
 * Custom options: inline bytes, or (for options over 2 GB in total) bytes after the flatbuffer located by
 * `large_custom_options_offset/size`. Returned as a view on the input, not a copy.
 */
function customOptions(file: FbFile, t: Table): Uint8Array | null {
  const span = t.vector(5, 'customOptions', 1);
  if (span !== null) return file.bytes.subarray(span.start, span.start + span.length);
  const size = t.u64(10, 'largeCustomOptionsSize');
  if (size === 0) return null;
  const offset = t.u64(9, 'largeCustomOptionsOffset');
  // A view on the file's bytes, or (a model read in part) just these bytes read by offset.
  return file.readRange(offset, size, join(t.where, 'largeCustomOptionsOffset'), 'large custom options');
}
