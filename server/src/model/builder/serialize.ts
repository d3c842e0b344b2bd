/**
 * Writes the plain model description gathered by `ModelBuilder` as a TFLite flatbuffer. Field ids below are the
 * TFLite schema's (its tables' field order); unions take two ids, the type byte first.
 */
import * as flatbuffers from 'flatbuffers';
import { DTYPES } from '../ir.js';
import { PLACEHOLDER_FOR_GREATER_OP_CODES } from '../builtins.js';
import { createInt32Vector, writeBuiltinOptions } from './options.js';
import type { QuantSpec, TensorSpec } from './builder.js';

/** TFLite schema version written in `Model.version`. */
export const SCHEMA_VERSION = 3;
/** The file identifier at bytes 4..8 of every .tflite file. */
export const FILE_IDENTIFIER = 'TFL3';
/** Buffer data alignment: the schema's `force_align: 16` on `Buffer.data`, so int8/float kernels can read in place. */
export const BUFFER_ALIGNMENT = 16;

export interface TensorRecord {
  readonly spec: TensorSpec;
  readonly buffer: number;
  readonly isVariable: boolean;
}

/** What identifies an operator code; ops with equal codes share one `OperatorCode` entry. */
export interface OpCode {
  readonly builtinCode: number;
  readonly customCode: string | null;
  readonly version: number;
}

export interface OpRecord {
  readonly code: OpCode;
  /** The builtin's name, to look up its options table; '' for custom ops and bare codes. */
  readonly opName: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly intermediates: readonly number[];
  readonly options: Readonly<Record<string, unknown>> | undefined;
  readonly customOptions: Uint8Array | undefined;
}

export interface ModelParts {
  readonly description: string;
  readonly subgraphs: readonly {
    name: string;
    tensors: readonly TensorRecord[];
    operators: readonly OpRecord[];
    inputs: readonly number[];
    outputs: readonly number[];
  }[];
  /** Contents of buffers 1..n (null: no data); buffer 0 (the empty sentinel) is implied. */
  readonly buffers: readonly (Uint8Array | null)[];
  /** Metadata entries; `buffer` is the index their `data` gets (after `buffers`). */
  readonly metadata: readonly { name: string; buffer: number; data: Uint8Array }[];
  readonly signatureDefs: readonly {
    key: string;
    subgraphIndex: number;
    inputs: readonly { name: string; tensorIndex: number }[];
    outputs: readonly { name: string; tensorIndex: number }[];
  }[];
}

/** Serializes a model description to .tflite bytes. */
export function serializeModel(parts: ModelParts): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  // Written first so the (large) data lands at the end of the file, after all tables, as the converter lays it out.
  const allBuffers = [...parts.buffers, ...parts.metadata.map((m) => m.data)];
  const bufferTables = [emptyTable(b), ...allBuffers.map((data) => (data === null ? emptyTable(b) : writeBuffer(b, data)))];
  const buffers = tableVector(b, bufferTables);
  const codes = operatorCodes(parts);
  const operatorCodeTables = tableVector(b, codes.list.map((c) => writeOperatorCode(b, c)));
  const subgraphs = tableVector(b, parts.subgraphs.map((g) => writeSubgraph(b, g, parts, codes.indexOf)));
  const metadata = tableVector(b, parts.metadata.map((m) => {
    const name = b.createString(m.name);
    b.startObject(2);
    b.addFieldOffset(0, name, 0);
    b.addFieldInt32(1, m.buffer, 0);
    return b.endObject();
  }));
  const signatures = parts.signatureDefs.length > 0
    ? tableVector(b, parts.signatureDefs.map((s) => writeSignatureDef(b, s)))
    : 0;
  const description = b.createString(parts.description);

  b.startObject(8);
  b.addFieldInt32(0, SCHEMA_VERSION, 0);
  b.addFieldOffset(1, operatorCodeTables, 0);
  b.addFieldOffset(2, subgraphs, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffers, 0);
  if (parts.metadata.length > 0) b.addFieldOffset(6, metadata, 0);
  if (signatures !== 0) b.addFieldOffset(7, signatures, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  // asUint8Array is a view into the builder's (larger) backing store; copy so callers own exactly the file.
  return b.asUint8Array().slice();
}

/**
 * The deduplicated operator codes, numbered in order of first use (subgraph 0's ops first), the order the converter
 * produces, so that `opcode_index` values read naturally.
 */
function operatorCodes(parts: ModelParts): { list: OpCode[]; indexOf: (code: OpCode) => number } {
  const list: OpCode[] = [];
  const index = new Map<string, number>();
  const key = (c: OpCode): string => `${c.builtinCode}/${c.customCode ?? ''}/${c.version}`;
  for (const g of parts.subgraphs) {
    for (const op of g.operators) {
      if (!index.has(key(op.code))) {
        index.set(key(op.code), list.length);
        list.push(op.code);
      }
    }
  }
  return { list, indexOf: (c) => index.get(key(c)) ?? -1 };
}

function emptyTable(b: flatbuffers.Builder): flatbuffers.Offset {
  b.startObject(0);
  return b.endObject();
}

function tableVector(b: flatbuffers.Builder, offsets: readonly flatbuffers.Offset[]): flatbuffers.Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}

/** A ubyte vector whose first byte is `alignment`-aligned in the finished file. */
function alignedBytes(b: flatbuffers.Builder, data: Uint8Array, alignment: number): flatbuffers.Offset {
  // startVector pads so the data ends up aligned relative to the buffer's end; finish() rounds the file to the
  // largest alignment seen, which makes it aligned relative to the start as well.
  b.startVector(1, data.length, alignment);
  for (let i = data.length - 1; i >= 0; i--) b.writeInt8(data[i] ?? 0);
  return b.endVector();
}

function writeBuffer(b: flatbuffers.Builder, data: Uint8Array): flatbuffers.Offset {
  const vector = alignedBytes(b, data, BUFFER_ALIGNMENT);
  b.startObject(3);
  b.addFieldOffset(0, vector, 0);
  return b.endObject();
}

function writeOperatorCode(b: flatbuffers.Builder, c: OpCode): flatbuffers.Offset {
  const custom = c.customCode === null ? 0 : b.createString(c.customCode);
  b.startObject(4);
  // Old readers only know the 8-bit field; codes past 127 put the placeholder there and the real code in builtin_code.
  b.addFieldInt8(0, Math.min(c.builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
  if (custom !== 0) b.addFieldOffset(1, custom, 0);
  b.addFieldInt32(2, c.version, 1);
  b.addFieldInt32(3, c.builtinCode, 0);
  return b.endObject();
}

function writeSubgraph(
  b: flatbuffers.Builder,
  g: ModelParts['subgraphs'][number],
  parts: ModelParts,
  opcodeIndex: (code: OpCode) => number,
): flatbuffers.Offset {
  const bufferCount = 1 + parts.buffers.length + parts.metadata.length;
  const tensors = tableVector(b, g.tensors.map((t) => {
    if (t.buffer >= bufferCount) throw new Error(`tensor '${t.spec.name}' refers to missing buffer ${t.buffer}`);
    return writeTensor(b, t);
  }));
  const count = g.tensors.length;
  const checkIndex = (i: number, what: string, optional = false): number => {
    if ((optional && i === -1) || (i >= 0 && i < count)) return i;
    throw new Error(`subgraph '${g.name}': ${what} refers to tensor ${i} of ${count}`);
  };
  const operators = tableVector(b, g.operators.map((op, opIndex) => {
    op.inputs.forEach((i) => checkIndex(i, `operator ${opIndex} input`, true));
    op.outputs.forEach((i) => checkIndex(i, `operator ${opIndex} output`));
    checkSubgraphOptions(op, opIndex, g.name, parts.subgraphs.length);
    return writeOperator(b, op, opcodeIndex(op.code));
  }));
  const inputs = createInt32Vector(b, g.inputs.map((i) => checkIndex(i, 'input')));
  const outputs = createInt32Vector(b, g.outputs.map((i) => checkIndex(i, 'output')));
  const name = b.createString(g.name);
  b.startObject(5);
  b.addFieldOffset(0, tensors, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldOffset(3, operators, 0);
  b.addFieldOffset(4, name, 0);
  return b.endObject();
}

/** IF / WHILE / CALL_ONCE name subgraphs by index in their options; a dangling one would make the file unloadable. */
function checkSubgraphOptions(op: OpRecord, opIndex: number, subgraphName: string, subgraphCount: number): void {
  for (const [key, value] of Object.entries(op.options ?? {})) {
    if (!key.endsWith('SubgraphIndex')) continue;
    if (typeof value !== 'number' || value < 0 || value >= subgraphCount) {
      throw new Error(`subgraph '${subgraphName}': operator ${opIndex} ${key} is ${String(value)}, the model has ${subgraphCount} subgraphs`);
    }
  }
}

function writeTensor(b: flatbuffers.Builder, t: TensorRecord): flatbuffers.Offset {
  const { spec } = t;
  const shape = createInt32Vector(b, spec.shape);
  const name = b.createString(spec.name);
  const quant = spec.quant ? writeQuantization(b, spec.quant) : 0;
  const signature = spec.shapeSignature ? createInt32Vector(b, spec.shapeSignature) : 0;
  b.startObject(9);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, DTYPES.indexOf(spec.dtype), 0);
  b.addFieldInt32(2, t.buffer, 0);
  b.addFieldOffset(3, name, 0);
  if (quant !== 0) b.addFieldOffset(4, quant, 0);
  b.addFieldInt8(5, Number(t.isVariable), 0);
  if (signature !== 0) b.addFieldOffset(7, signature, 0);
  b.addFieldInt8(8, Number(spec.hasRank ?? true), 0);
  return b.endObject();
}

function writeQuantization(b: flatbuffers.Builder, q: QuantSpec): flatbuffers.Offset {
  const floats = (values: readonly number[]): flatbuffers.Offset => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i] ?? 0);
    return b.endVector();
  };
  const min = q.min ? floats(q.min) : 0;
  const max = q.max ? floats(q.max) : 0;
  const scale = floats(q.scale);
  b.startVector(8, q.zeroPoint.length, 8);
  for (let i = q.zeroPoint.length - 1; i >= 0; i--) b.addInt64(BigInt(q.zeroPoint[i] ?? 0));
  const zeroPoint = b.endVector();
  b.startObject(7);
  if (min !== 0) b.addFieldOffset(0, min, 0);
  if (max !== 0) b.addFieldOffset(1, max, 0);
  b.addFieldOffset(2, scale, 0);
  b.addFieldOffset(3, zeroPoint, 0);
  b.addFieldInt32(6, q.quantizedDimension ?? 0, 0);
  return b.endObject();
}

function writeOperator(b: flatbuffers.Builder, op: OpRecord, opcodeIndex: number): flatbuffers.Offset {
  const inputs = createInt32Vector(b, op.inputs);
  const outputs = createInt32Vector(b, op.outputs);
  const intermediates = op.intermediates.length > 0 ? createInt32Vector(b, op.intermediates) : 0;
  const custom = op.customOptions ? alignedBytes(b, op.customOptions, 1) : 0;
  const options = op.opName === '' ? null : writeBuiltinOptions(b, op.opName, op.options);
  b.startObject(9);
  b.addFieldInt32(0, opcodeIndex, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  if (options) {
    b.addFieldInt8(3, options.unionType, 0);
    b.addFieldOffset(4, options.offset, 0);
  }
  if (custom !== 0) b.addFieldOffset(5, custom, 0);
  if (intermediates !== 0) b.addFieldOffset(8, intermediates, 0);
  return b.endObject();
}

function writeSignatureDef(b: flatbuffers.Builder, s: ModelParts['signatureDefs'][number]): flatbuffers.Offset {
  const maps = (list: readonly { name: string; tensorIndex: number }[]): flatbuffers.Offset => tableVector(b, list.map((m) => {
    const name = b.createString(m.name);
    b.startObject(2);
    b.addFieldOffset(0, name, 0);
    b.addFieldInt32(1, m.tensorIndex, 0);
    return b.endObject();
  }));
  const inputs = maps(s.inputs);
  const outputs = maps(s.outputs);
  const key = b.createString(s.key);
  b.startObject(5);
  b.addFieldOffset(0, inputs, 0);
  b.addFieldOffset(1, outputs, 0);
  b.addFieldOffset(2, key, 0);
  b.addFieldInt32(4, s.subgraphIndex, 0);
  return b.endObject();
}
