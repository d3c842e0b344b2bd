/**
 * Our own protobuf descriptor for the subset of onnx.proto the converter reads (field numbers are facts of the ONNX
 * format). Fields we never need are left out, so protobufjs skips them without decoding: the attribute list of
 * sub-graphs (AttributeProto `graphs`, field 11; the single `g`, field 6, is read: If branches and Loop bodies, their
 * nesting bounded by the reader), functions, training info, sparse tensors, and every TypeProto but the tensor type. The same descriptor encodes the
 * ONNX models the tests build.
 */
import protobuf from 'protobufjs/light.js';

const rep = (type: string, id: number): { rule: 'repeated'; type: string; id: number } => ({ rule: 'repeated', type, id });
const one = (type: string, id: number): { type: string; id: number } => ({ type, id });

/** The descriptor (protobufjs JSON form), package `onnx`. */
export const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: {
          irVersion: one('int64', 1), opsetImport: rep('OperatorSetIdProto', 8), producerName: one('string', 2),
          producerVersion: one('string', 3), domain: one('string', 4), modelVersion: one('int64', 5), docString: one('string', 6),
          graph: one('GraphProto', 7),
        } },
        OperatorSetIdProto: { fields: { domain: one('string', 1), version: one('int64', 2) } },
        GraphProto: { fields: {
          node: rep('NodeProto', 1), name: one('string', 2), initializer: rep('TensorProto', 5), sparseInitializer: rep('bytes', 15),
          input: rep('ValueInfoProto', 11), output: rep('ValueInfoProto', 12), valueInfo: rep('ValueInfoProto', 13),
        } },
        NodeProto: { fields: {
          input: rep('string', 1), output: rep('string', 2), name: one('string', 3), opType: one('string', 4),
          domain: one('string', 7), attribute: rep('AttributeProto', 5),
        } },
        AttributeProto: { fields: {
          name: one('string', 1), refAttrName: one('string', 21), type: one('int32', 20), f: one('float', 2), i: one('int64', 3),
          s: one('bytes', 4), t: one('TensorProto', 5), floats: rep('float', 7), ints: rep('int64', 8), strings: rep('bytes', 9),
          tensors: rep('TensorProto', 10), g: one('GraphProto', 6),
        } },
        TensorProto: { fields: {
          dims: rep('int64', 1), dataType: one('int32', 2), floatData: rep('float', 4), int32Data: rep('int32', 5),
          stringData: rep('bytes', 6), int64Data: rep('int64', 7), name: one('string', 8), rawData: one('bytes', 9),
          doubleData: rep('double', 10), uint64Data: rep('uint64', 11), externalData: rep('StringStringEntryProto', 13),
          dataLocation: one('int32', 14),
        } },
        StringStringEntryProto: { fields: { key: one('string', 1), value: one('string', 2) } },
        ValueInfoProto: { fields: { name: one('string', 1), type: one('TypeProto', 2) } },
        TypeProto: { fields: { tensorType: one('TypeProtoTensor', 1), sequenceType: one('bytes', 4), mapType: one('bytes', 5) } },
        TypeProtoTensor: { fields: { elemType: one('int32', 1), shape: one('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: rep('Dimension', 1) } },
        Dimension: { fields: { dimValue: one('int64', 1), dimParam: one('string', 2) } },
      },
    },
  },
} as const;

const root = protobuf.Root.fromJSON(ONNX_DESCRIPTOR as unknown as protobuf.INamespace);

/** The ModelProto message type (decode untrusted bytes with `decodeModelProto`, encode test models with `encode`). */
export const ModelProtoType = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType values the converter knows by name. */
export const ONNX_DTYPE: Readonly<Record<number, string>> = {
  1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING', 9: 'BOOL', 10: 'FLOAT16',
  11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
};

/** AttributeProto.AttributeType values. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;

// The decoded message shapes (protobufjs returns message instances with these fields; int64 as number or Long-like).
export type Int64 = number | { low: number; high: number; unsigned?: boolean };
export interface PTensor { dims?: Int64[]; dataType?: number; floatData?: number[]; int32Data?: number[]; stringData?: Uint8Array[];
  int64Data?: Int64[]; name?: string; rawData?: Uint8Array; doubleData?: number[]; uint64Data?: Int64[];
  externalData?: { key?: string; value?: string }[]; dataLocation?: number }
export interface PAttribute { name?: string; refAttrName?: string; type?: number; f?: number; i?: Int64; s?: Uint8Array; t?: PTensor;
  floats?: number[]; ints?: Int64[]; strings?: Uint8Array[]; tensors?: PTensor[]; g?: PGraph }
export interface PNode { input?: string[]; output?: string[]; name?: string; opType?: string; domain?: string; attribute?: PAttribute[] }
export interface PDim { dimValue?: Int64; dimParam?: string }
export interface PValueInfo { name?: string; type?: { tensorType?: { elemType?: number; shape?: { dim?: PDim[] } }; sequenceType?: Uint8Array; mapType?: Uint8Array } }
export interface PGraph { node?: PNode[]; name?: string; initializer?: PTensor[]; sparseInitializer?: Uint8Array[]; input?: PValueInfo[];
  output?: PValueInfo[]; valueInfo?: PValueInfo[] }
export interface PModel { irVersion?: Int64; opsetImport?: { domain?: string; version?: Int64 }[]; producerName?: string;
  producerVersion?: string; graph?: PGraph }

/** Decodes a ModelProto; throws protobufjs's own Error on bad wire data (the reader turns it into a located ConvertError). */
export function decodeModelProto(bytes: Uint8Array): PModel {
  return ModelProtoType.decode(bytes) as unknown as PModel;
}

/** An int64 as a JS number, or null when it is not a safe integer. */
export function int64(v: Int64 | undefined): number | null {
  if (v === undefined) return 0;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  const n = v.unsigned ? v.high * 2 ** 32 + (v.low >>> 0) : (v.high | 0) * 2 ** 32 + (v.low >>> 0);
  return Number.isSafeInteger(n) ? n : null;
}
