/**
 * A deliberately small .tflite writer for the reader's tests: each table is written field by field with the
 * flatbuffers Builder, so a test can produce exactly the bytes it needs (including ones no real converter writes).
 * The project's full model builder lives in server/src/model/builder/; these tests do not depend on it.
 */
import * as flatbuffers from 'flatbuffers';

/** One field of a table: its id, its kind, its value. */
export type Field =
  | [number, 'i8' | 'u8' | 'i32' | 'u32' | 'f32' | 'bool', number | boolean]
  | [number, 'i64' | 'u64', bigint]
  | [number, 'str', string | Uint8Array]
  | [number, 'i32[]' | 'f32[]' | 'i64[]' | 'u8[]', readonly number[]]
  | [number, 'table', readonly Field[]]
  | [number, 'table[]', readonly (readonly Field[])[]];

/** Writes a table (children first, as flatbuffers requires) and returns its offset. */
export function writeTable(b: flatbuffers.Builder, fields: readonly Field[]): number {
  const children = new Map<number, number>();
  for (const f of fields) {
    const [id, kind, value] = f;
    switch (kind) {
      case 'str': children.set(id, b.createString(value as string | Uint8Array)); break;
      case 'table': children.set(id, writeTable(b, value as readonly Field[])); break;
      case 'table[]': {
        const offsets = (value as readonly (readonly Field[])[]).map((t) => writeTable(b, t));
        b.startVector(4, offsets.length, 4);
        for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
        children.set(id, b.endVector());
        break;
      }
      case 'i32[]': case 'f32[]': case 'i64[]': case 'u8[]': {
        const values = value as readonly number[];
        const size = kind === 'i64[]' ? 8 : kind === 'u8[]' ? 1 : 4;
        b.startVector(size, values.length, size);
        for (let i = values.length - 1; i >= 0; i--) {
          const v = values[i] ?? 0;
          if (kind === 'i32[]') b.addInt32(v);
          else if (kind === 'f32[]') b.addFloat32(v);
          else if (kind === 'i64[]') b.addInt64(BigInt(v));
          else b.addInt8(v);
        }
        children.set(id, b.endVector());
        break;
      }
      default: break;
    }
  }
  const maxId = fields.reduce((m, f) => Math.max(m, f[0]), -1);
  b.startObject(maxId + 1);
  for (const [id, kind, value] of fields) {
    const child = children.get(id);
    if (child !== undefined) { b.addFieldOffset(id, child, 0); continue; }
    switch (kind) {
      case 'i8': case 'u8': b.addFieldInt8(id, value as number, null); break;
      case 'bool': b.addFieldInt8(id, value ? 1 : 0, null); break;
      case 'i32': case 'u32': b.addFieldInt32(id, value as number, null); break;
      case 'f32': b.addFieldFloat32(id, value as number, null); break;
      case 'i64': case 'u64': b.addFieldInt64(id, value as bigint, null); break;
      default: break;
    }
  }
  return b.endObject();
}

export interface TensorSpec {
  shape?: readonly number[];
  type?: number;
  buffer?: number;
  name?: string | Uint8Array;
  quantization?: readonly Field[];
  isVariable?: boolean;
  sparsity?: boolean;
  shapeSignature?: readonly number[];
}

export interface OperatorSpec {
  opcodeIndex: number;
  inputs: readonly number[];
  outputs: readonly number[];
  intermediates?: readonly number[];
  /** BuiltinOptions union type id and table fields. */
  options?: { type: number; fields?: readonly Field[] };
  /** BuiltinOptions2 union type id and table fields. */
  options2?: { type: number; fields?: readonly Field[] };
  customOptions?: readonly number[];
}

export interface SubgraphSpec {
  tensors: readonly TensorSpec[];
  operators?: readonly OperatorSpec[];
  inputs?: readonly number[];
  outputs?: readonly number[];
  name?: string;
}

export interface ModelSpec {
  version?: number;
  /** Operator code tables: deprecated int8 code (field 0), custom code, version, extended code (field 3). */
  operatorCodes?: readonly { deprecated?: number; builtin?: number; custom?: string; version?: number }[];
  subgraphs: readonly SubgraphSpec[];
  /** Buffer tables; index 0 should be the empty sentinel `{}`. */
  buffers?: readonly { data?: readonly number[]; offset?: bigint; size?: bigint }[];
  metadata?: readonly { name: string; buffer: number }[];
  signatureDefs?: readonly Field[][];
  description?: string;
  /** File identifier; null writes none. Default 'TFL3'. */
  identifier?: string | null;
  /** Bytes appended after the flatbuffer (external buffer data). */
  tail?: readonly number[];
}

function tensorFields(t: TensorSpec): Field[] {
  const f: Field[] = [];
  if (t.shape) f.push([0, 'i32[]', t.shape]);
  f.push([1, 'i8', t.type ?? 0], [2, 'u32', t.buffer ?? 0], [3, 'str', t.name ?? 't']);
  if (t.quantization) f.push([4, 'table', t.quantization]);
  if (t.isVariable) f.push([5, 'bool', true]);
  if (t.sparsity) f.push([6, 'table', [[0, 'i32[]', [0, 1]]]]);
  if (t.shapeSignature) f.push([7, 'i32[]', t.shapeSignature]);
  return f;
}

function operatorFields(o: OperatorSpec): Field[] {
  const f: Field[] = [[0, 'u32', o.opcodeIndex], [1, 'i32[]', o.inputs], [2, 'i32[]', o.outputs]];
  if (o.options) {
    f.push([3, 'u8', o.options.type]);
    if (o.options.fields) f.push([4, 'table', o.options.fields]);
  }
  if (o.customOptions) f.push([5, 'u8[]', o.customOptions]);
  if (o.intermediates) f.push([8, 'i32[]', o.intermediates]);
  if (o.options2) {
    f.push([11, 'u8', o.options2.type]);
    if (o.options2.fields) f.push([12, 'table', o.options2.fields]);
  }
  return f;
}

/** Serializes a model spec to .tflite bytes. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const codes = (spec.operatorCodes ?? []).map((c): Field[] => {
    const f: Field[] = [[0, 'i8', c.deprecated ?? 0], [2, 'i32', c.version ?? 1]];
    if (c.custom !== undefined) f.push([1, 'str', c.custom]);
    if (c.builtin !== undefined) f.push([3, 'i32', c.builtin]);
    return f;
  });
  const subgraphs = spec.subgraphs.map((s): Field[] => {
    const f: Field[] = [
      [0, 'table[]', s.tensors.map(tensorFields)],
      [1, 'i32[]', s.inputs ?? []],
      [2, 'i32[]', s.outputs ?? []],
      [3, 'table[]', (s.operators ?? []).map(operatorFields)],
    ];
    if (s.name !== undefined) f.push([4, 'str', s.name]);
    return f;
  });
  const buffers = (spec.buffers ?? [{}]).map((buf): Field[] => {
    const f: Field[] = [];
    if (buf.data) f.push([0, 'u8[]', buf.data]);
    if (buf.offset !== undefined) f.push([1, 'u64', buf.offset]);
    if (buf.size !== undefined) f.push([2, 'u64', buf.size]);
    return f;
  });
  const root: Field[] = [
    [0, 'u32', spec.version ?? 3],
    [1, 'table[]', codes],
    [2, 'table[]', subgraphs],
    [4, 'table[]', buffers],
  ];
  if (spec.description !== undefined) root.push([3, 'str', spec.description]);
  if (spec.metadata) root.push([6, 'table[]', spec.metadata.map((m): Field[] => [[0, 'str', m.name], [1, 'u32', m.buffer]])]);
  if (spec.signatureDefs) root.push([7, 'table[]', spec.signatureDefs]);
  const offset = writeTable(b, root);
  const identifier = spec.identifier === undefined ? 'TFL3' : spec.identifier;
  if (identifier === null) b.finish(offset);
  else b.finish(offset, identifier);
  const body = b.asUint8Array();
  const out = new Uint8Array(body.length + (spec.tail?.length ?? 0));
  out.set(body);
  out.set(spec.tail ?? [], body.length);
  return out;
}

/** Little-endian int32 words as bytes (metadata buffers). */
export function int32Bytes(words: readonly number[]): number[] {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setInt32(4 * i, w, true));
  return [...out];
}

/** A model exercising most of the format: two subgraphs, quantization, options, custom op, metadata, signatures. */
export function richModel(): Uint8Array {
  const q = (scale: number[], zp: number[], dim = 0): Field[] => [[2, 'f32[]', scale], [3, 'i64[]', zp], [6, 'i32', dim]];
  return buildModel({
    description: 'rich',
    operatorCodes: [{ deprecated: 3 }, { deprecated: 127, builtin: 130 }, { deprecated: 32, custom: 'MyOp' }, { deprecated: 118 },
      { deprecated: 0 }],
    buffers: [{}, { data: [1, 2, 3, 4, 5, 6, 7, 8] }, { data: int32Bytes([1, 1, 3, 0, 64, -1]) }, { data: [...Buffer.from('2.3.0\0\0')] }],
    metadata: [{ name: 'OfflineMemoryAllocation', buffer: 2 }, { name: 'min_runtime_version', buffer: 3 }],
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'in', shape: [1, 4, 4, 2], type: 9, quantization: q([0.5], [-128]) },
          { name: 'w', shape: [2, 1, 1, 2], type: 9, buffer: 1, quantization: q([0.1, 0.2], [0, 0], 0) },
          { name: 'out', shape: [1, 4, 4, 2], type: 9, shapeSignature: [-1, 4, 4, 2] },
        ],
        inputs: [0], outputs: [2],
        operators: [
          { opcodeIndex: 0, inputs: [0, 1, -1], outputs: [2],
            options: { type: 1, fields: [[0, 'i8', 1], [1, 'i32', 1], [2, 'i32', 1], [3, 'i8', 3]] } },
          { opcodeIndex: 2, inputs: [2], outputs: [2], customOptions: [9, 8, 7] },
          { opcodeIndex: 3, inputs: [0, 2], outputs: [2], options: { type: 92, fields: [[0, 'i32', 1], [1, 'i32', 1]] } },
          { opcodeIndex: 1, inputs: [2, 0], outputs: [2], options: { type: 104, fields: [] } },
        ],
      },
      { name: 'branch', tensors: [{ name: 'x', shape: [2], type: 0 }], inputs: [0], outputs: [0],
        operators: [{ opcodeIndex: 4, inputs: [0, 0], outputs: [0], options: { type: 11, fields: [[0, 'i8', 1]] } }] },
    ],
    signatureDefs: [[[0, 'table[]', [[[0, 'str', 'input'], [1, 'u32', 0]]]], [1, 'table[]', [[[0, 'str', 'output'], [1, 'u32', 2]]]],
      [2, 'str', 'serving_default'], [4, 'u32', 0]]],
  });
}
