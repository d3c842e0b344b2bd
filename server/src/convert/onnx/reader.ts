/**
 * ONNX ModelProto bytes -> a plain, checked graph (`OnnxModel`). Untrusted input: the wire format is decoded by
 * protobufjs over our own descriptor (proto.ts; its recursion limit and our omission of sub-graphs bound nesting),
 * then every count is checked against the limits below before anything is allocated from it, and every tensor's
 * data length against its dims. Everything wrong ends in a ConvertError located at a field path.
 */
import { decodeUtf8 } from '../../model/tflite/utf8.js';
import { halfToFloat } from '../../model/builder/encode.js';
import { ConvertError } from '../types.js';
import { externalBytes } from './external.js';
import { ATTR, decodeModelProto, int64, ONNX_DTYPE, type PAttribute, type PGraph, type PModel, type PTensor, type PValueInfo } from './proto.js';

/**
 * Reader bounds (like model/limits.ts for .tflite): nodes (of all graphs), rank, one tensor's elements, all constants'
 * elements, and how deep If branches / Loop bodies nest.
 */
export const ONNX_LIMITS = { maxNodes: 100_000, maxRank: 8, maxTensorElements: 64 * 1024 * 1024, maxTotalElements: 128 * 1024 * 1024, maxGraphDepth: 4 } as const;

/**
 * The opsets of the default domain the converter reads: 11-21 as the issue asks, and 9-10 too (PyTorch 1.x's default
 * export; Clip, Pad, Slice, Resize/Upsample take attributes or other defaults there, handled where they differ).
 */
export const OPSET_MIN = 9;
export const OPSET_MAX = 21;

/** A constant: float data as Float32Array, integer and bool data as Float64Array (int64 beyond 2^53 refused). */
export interface OnnxTensor {
  readonly name: string;
  readonly dtype: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array;
}

export interface OnnxAttr {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly t?: OnnxTensor;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
  readonly strings?: readonly string[];
  /** A GRAPH attribute's graph (an If branch, a Loop body). */
  readonly g?: OnnxGraph;
}

export interface OnnxNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** '' for an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
}

/** A graph input or output: its element type and shape (a dim is a size, a symbolic name, or null when unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  /** 'tensor' for tensor types; sequences and maps (ZipMap's output) are not tensors. */
  readonly kind: 'tensor' | 'sequence' | 'map' | 'other';
  readonly elemType: string | null;
  readonly shape: readonly (number | string | null)[] | null;
}

/** A graph: the model's, or a sub-graph (whose nodes may read the enclosing graphs' values by name). */
export interface OnnxGraph {
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel extends OnnxGraph {
  /** The default-domain opset. */
  readonly opset: number;
  /** The ai.onnx.ml opset, when imported. */
  readonly mlOpset: number | null;
  readonly producer: string;
}

const malformed = (where: string, detail: string): ConvertError => new ConvertError('malformed', where, detail);
/** Attribute strings are bytes in ONNX; invalid UTF-8 is shown with U+FFFD, as names are only shown, never used as keys. */
const text = { decode(raw: Uint8Array | readonly number[]): string {
  // protobufjs may hand a bytes field over as a plain array (no Buffer in the pure core): view it as bytes first.
  const bytes = raw instanceof Uint8Array ? raw : Uint8Array.from(raw);
  const s = decodeUtf8(bytes, 0, bytes.length);
  return typeof s === 'string' ? s : Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('');
} };

/**
 * Reads and checks a ModelProto. `files`: the external data files its tensors name (external.ts `externalFiles`),
 * by location, read by the caller inside the model's folder; a tensor whose file is not there is a located error.
 */
export function readOnnx(bytes: Uint8Array, files?: ReadonlyMap<string, Uint8Array>): OnnxModel {
  let proto: PModel;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    // protobufjs reports "index out of range: POS + N > LEN", "invalid wire type 7 at offset 12", "max depth exceeded".
    const message = e instanceof Error ? e.message : String(e);
    const at = /offset (\d+)|range: (\d+)/.exec(message);
    throw malformed(at ? `byte ${at[1] ?? at[2]}` : 'ModelProto', `not a readable ONNX model (${message})`);
  }
  const opsets = proto.opsetImport ?? [];
  let opset: number | null = null;
  let mlOpset: number | null = null;
  for (const [k, o] of opsets.entries()) {
    const v = int64(o.version);
    if (v === null) throw malformed(`ModelProto.opset_import[${k}].version`, 'not a safe integer');
    if (!o.domain || o.domain === 'ai.onnx') opset = v;
    else if (o.domain === 'ai.onnx.ml') mlOpset = v;
  }
  const g = proto.graph;
  if (!g) throw malformed('ModelProto.graph', 'the model has no graph (is this an ONNX model?)');
  if (opset === null) {
    if (mlOpset === null) throw malformed('ModelProto.opset_import', 'no opset imported (is this an ONNX model?)');
    opset = OPSET_MIN; // a pure ai.onnx.ml model (e.g. a lone tree ensemble) uses no default-domain op
  }
  if (opset < OPSET_MIN || opset > OPSET_MAX) {
    throw new ConvertError('unsupported-model', 'ModelProto.opset_import', `opset ${opset} is outside the supported ${OPSET_MIN}-${OPSET_MAX}`, 're-export with opset_version between 9 and 21');
  }
  const state: ReadState = { budget: { left: ONNX_LIMITS.maxTotalElements, files }, nodes: 0 };
  const graph = readGraph(g, 'GraphProto', state, 0);
  return { opset, mlOpset, producer: [proto.producerName, proto.producerVersion].filter(Boolean).join(' '), ...graph };
}

/** What all graphs of a model share while they are read: the constants' element budget (and the external files), the node count (ids). */
interface ReadState { readonly budget: Budget; nodes: number }

/** The elements all constants may still hold, and the external data files by location. */
interface Budget { left: number; readonly files?: ReadonlyMap<string, Uint8Array> | undefined }

/** A graph (the model's, or an If branch / Loop body: then `where` is the attribute's path). */
function readGraph(g: PGraph, where: string, state: ReadState, depth: number): OnnxGraph {
  if ((g.sparseInitializer ?? []).length) throw new ConvertError('unsupported-model', `${where}.sparse_initializer`, 'sparse initializers are not supported');
  const nodesIn = g.node ?? [];
  if (state.nodes + nodesIn.length > ONNX_LIMITS.maxNodes) throw new ConvertError('limit', `${where}.node`, `${state.nodes + nodesIn.length} nodes, more than the ${ONNX_LIMITS.maxNodes} limit`);
  const initializers = new Map<string, OnnxTensor>();
  (g.initializer ?? []).forEach((t, k) => {
    const tensor = readTensor(t, `${where}.initializer[${k}]`, state.budget);
    initializers.set(tensor.name, tensor);
  });
  const first = state.nodes;
  state.nodes += nodesIn.length;
  const nodes: OnnxNode[] = nodesIn.map((n, k) => {
    const at = `${where}.node[${k}]`;
    const attrs = new Map<string, OnnxAttr>();
    (n.attribute ?? []).forEach((a, j) => {
      const attr = readAttr(a, `${at}.attribute[${j}]`, state, depth);
      attrs.set(attr.name, attr);
    });
    // `index` is unique across the model's graphs (the converter keys nodes by it); the top graph's is its position.
    return { index: first + k, name: n.name || `${n.opType ?? 'node'}_${first + k}`, opType: n.opType ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], attrs };
  });
  const inputs = (g.input ?? []).map((v, k) => readValueInfo(v, `${where}.input[${k}]`)).filter((v) => !initializers.has(v.name));
  const outputs = (g.output ?? []).map((v, k) => readValueInfo(v, `${where}.output[${k}]`));
  return { graphName: g.name ?? '', nodes, initializers, inputs, outputs };
}

function readValueInfo(v: PValueInfo, where: string): OnnxValueInfo {
  const name = v.name ?? '';
  const t = v.type?.tensorType;
  if (!t) return { name, kind: v.type?.sequenceType ? 'sequence' : v.type?.mapType ? 'map' : 'other', elemType: null, shape: null };
  const dims = t.shape?.dim;
  if (dims && dims.length > ONNX_LIMITS.maxRank) throw new ConvertError('limit', `${where}.type.shape`, `rank ${dims.length}, more than ${ONNX_LIMITS.maxRank}`);
  const shape = dims ? dims.map((d, k) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue === undefined) return null;
    const n = int64(d.dimValue);
    if (n === null || n < 0) throw malformed(`${where}.type.shape.dim[${k}]`, 'dim_value is not a non-negative safe integer');
    return n === 0 ? null : n;
  }) : null;
  return { name, kind: 'tensor', elemType: ONNX_DTYPE[t.elemType ?? 0] ?? `type ${t.elemType}`, shape };
}

function readAttr(a: PAttribute, where: string, state: ReadState, depth: number): OnnxAttr {
  const name = a.name ?? '';
  const type = a.type ?? 0;
  const budget = state.budget;
  if (a.refAttrName) throw malformed(`${where}.ref_attr_name`, 'attribute references are only valid inside functions');
  if (type === ATTR.GRAPH && a.g) {
    if (depth >= ONNX_LIMITS.maxGraphDepth) throw new ConvertError('limit', `${where}.g`, `sub-graphs nested more than ${ONNX_LIMITS.maxGraphDepth} deep`);
    return { name, type, g: readGraph(a.g, `${where}.g`, state, depth + 1) };
  }
  if (type === ATTR.GRAPH || type === ATTR.GRAPHS) return { name, type };
  const ints = (a.ints ?? []).map((v, k) => {
    const n = int64(v);
    if (n === null) throw malformed(`${where}.ints[${k}]`, 'not a safe integer');
    return n;
  });
  const i = int64(a.i);
  if (i === null) throw malformed(`${where}.i`, 'not a safe integer');
  return {
    name, type, f: a.f ?? 0, i, s: a.s ? text.decode(a.s) : '',
    t: a.t ? readTensor(a.t, `${where}.t`, budget) : undefined,
    floats: a.floats ?? [], ints, strings: (a.strings ?? []).map((s) => text.decode(s)),
  };
}

const BYTES: Readonly<Record<string, number>> = { FLOAT: 4, DOUBLE: 8, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, INT32: 4, UINT32: 4, INT64: 8, UINT64: 8, BOOL: 1, FLOAT16: 2 };

/** Decodes a TensorProto's data after checking its element count against the limits and its data's length. */
export function readTensor(t: PTensor, where: string, budget: Budget): OnnxTensor {
  const name = t.name ?? '';
  const dtype = ONNX_DTYPE[t.dataType ?? 0] ?? `type ${t.dataType}`;
  // DEFAULT (0) or EXTERNAL (1); as in onnx, external_data entries count only with EXTERNAL.
  const external = t.dataLocation === 1;
  if (t.dataLocation !== undefined && t.dataLocation !== 0 && !external) throw malformed(`${where}.data_location`, `'${name}': unknown data location ${t.dataLocation}`);
  const rawDims = t.dims ?? [];
  if (rawDims.length > ONNX_LIMITS.maxRank) throw new ConvertError('limit', `${where}.dims`, `rank ${rawDims.length}, more than ${ONNX_LIMITS.maxRank}`);
  let count = 1;
  const dims = rawDims.map((d, k) => {
    const n = int64(d);
    if (n === null || n < 0) throw malformed(`${where}.dims[${k}]`, 'not a non-negative safe integer');
    count *= n;
    return n;
  });
  if (count > ONNX_LIMITS.maxTensorElements) throw new ConvertError('limit', `${where} '${name}'`, `${count} elements, more than the ${ONNX_LIMITS.maxTensorElements} limit for one tensor`);
  if (count > budget.left) throw new ConvertError('limit', `${where} '${name}'`, `the constants hold more than ${ONNX_LIMITS.maxTotalElements} elements in all`);
  budget.left -= count;
  const size = BYTES[dtype];
  if (size === undefined) return { name, dtype, dims, data: new Float64Array(0) };
  const raw = external ? externalBytes(t.externalData ?? [], budget.files, where, name, count * size) : t.rawData;
  const floatLike = dtype === 'FLOAT' || dtype === 'DOUBLE' || dtype === 'FLOAT16';
  const out = floatLike ? new Float32Array(count) : new Float64Array(count);
  const lengthError = (field: string, got: number): ConvertError =>
    new ConvertError('bad-model', `${where}.${field}`, `'${name}' has dims [${dims.join(',')}] (${count} elements) but ${got} ${field === 'raw_data' ? 'bytes' : 'values'}${field === 'raw_data' ? ` (${count * size} expected)` : ''}`);
  if (raw && raw.length > 0) {
    if (raw.length !== count * size) throw lengthError('raw_data', raw.length);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let k = 0; k < count; k++) out[k] = readScalar(view, k * size, dtype);
    return { name, dtype, dims, data: out };
  }
  const field = dtype === 'FLOAT' || dtype === 'FLOAT16' ? ['float_data', t.floatData] as const
    : dtype === 'DOUBLE' ? ['double_data', t.doubleData] as const
      : dtype === 'INT64' ? ['int64_data', t.int64Data] as const
        : dtype === 'UINT32' || dtype === 'UINT64' ? ['uint64_data', t.uint64Data] as const
          : ['int32_data', t.int32Data] as const;
  const values = field[1] ?? [];
  if (values.length !== count) throw lengthError(field[0], values.length);
  for (let k = 0; k < count; k++) {
    const v = values[k]!;
    const n = typeof v === 'number' ? v : int64(v);
    if (n === null) throw malformed(`${where}.${field[0]}[${k}]`, 'not a safe integer');
    out[k] = dtype === 'FLOAT16' ? halfToFloat(n) : n;
  }
  return { name, dtype, dims, data: out };
}

function readScalar(view: DataView, at: number, dtype: string): number {
  switch (dtype) {
    case 'FLOAT': return view.getFloat32(at, true);
    case 'DOUBLE': return view.getFloat64(at, true);
    case 'FLOAT16': return halfToFloat(view.getUint16(at, true));
    case 'INT8': return view.getInt8(at);
    case 'UINT8': case 'BOOL': return view.getUint8(at);
    case 'INT16': return view.getInt16(at, true);
    case 'UINT16': return view.getUint16(at, true);
    case 'INT32': return view.getInt32(at, true);
    case 'UINT32': return view.getUint32(at, true);
    default: {
      // INT64/UINT64: exact below 2^53; larger magnitudes (INT64_MAX as "to the end" in Slice) are clamped.
      const v = dtype === 'INT64' ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
      const cap = BigInt(Number.MAX_SAFE_INTEGER);
      return Number(v > cap ? cap : v < -cap ? -cap : v);
    }
  }
}
