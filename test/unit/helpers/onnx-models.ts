/**
 * Small ONNX models for the tests, written with our own protobuf descriptor (server/src/convert/onnx/proto.ts), and
 * the reference runner: onnxruntime-web (WASM, in Node) for the ONNX model, our float Interpreter for the converted
 * .tflite, compared on the same random inputs (NCHW inputs transposed to the .tflite's NHWC).
 */
import * as ort from 'onnxruntime-web';
import { convertOnnx, type OnnxConversion } from '../../../server/src/convert/onnx/index.js';
import type { ConvertOptions } from '../../../server/src/convert/types.js';
import { ModelProtoType } from '../../../server/src/convert/onnx/proto.js';
import { permuteData } from '../../../server/src/convert/common/layout.js';
import { readTflite } from '../../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../../server/src/quantize/index.js';
import { mulberry32 } from '../../../server/src/model/builder/index.js';

export type AttrValue = number | string | readonly number[] | { readonly f: number } | { readonly floats: readonly number[] } | { readonly t: Init } | { readonly g: GraphSpec };

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly domain?: string;
  readonly name?: string;
}

export interface Init {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: readonly number[] | Float32Array;
  /** 1 FLOAT (default), 7 INT64. */
  readonly dtype?: number;
}

export interface GraphSpec {
  readonly nodes: readonly NodeSpec[];
  readonly inits?: readonly Init[];
  readonly inputs: readonly { name: string; shape: readonly (number | string)[]; elemType?: number }[];
  readonly outputs: readonly { name: string; shape?: readonly (number | string)[]; elemType?: number }[];
  readonly opset?: number;
  readonly mlOpset?: number;
}

export const node = (op: string, inputs: readonly string[], outputs: readonly string[], attrs?: NodeSpec['attrs'], domain?: string): NodeSpec => ({ op, inputs, outputs, attrs, domain });

function tensorProto(t: Init): Record<string, unknown> {
  const dtype = t.dtype ?? 1;
  return dtype === 1 ? { name: t.name, dims: [...t.dims], dataType: 1, floatData: Array.from(t.data) } : { name: t.name, dims: [...t.dims], dataType: dtype, int64Data: Array.from(t.data) };
}

function attrProto(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
  if (Array.isArray(v)) return { name, type: 7, ints: [...v] };
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('floats' in v) return { name, type: 6, floats: [...v.floats] };
  if ('g' in v) return { name, type: 5, g: graphProto(v.g, name) };
  return { name, type: 4, t: tensorProto((v as { t: Init }).t) };
}

const valueInfo = (name: string, shape: readonly (number | string)[] | undefined, elemType = 1): Record<string, unknown> => ({
  name, type: { tensorType: { elemType, ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}) } },
});

/** The ModelProto bytes of `g`. */
export function buildOnnx(g: GraphSpec): Uint8Array {
  const opsets = [{ domain: '', version: g.opset ?? 13 }, ...(g.mlOpset ? [{ domain: 'ai.onnx.ml', version: g.mlOpset }] : [])];
  const msg = ModelProtoType.create({ irVersion: 8, producerName: 'tinyml-lens-tests', opsetImport: opsets, graph: graphProto(g, 'test') });
  return ModelProtoType.encode(msg).finish();
}

/** A GraphProto (the model's, or an If branch: its nodes named after the graph, as names must be unique). */
function graphProto(g: GraphSpec, name: string): Record<string, unknown> {
  return {
    name,
    node: g.nodes.map((n, k) => ({ name: n.name ?? `${name === 'test' ? '' : `${name}_`}${n.op.toLowerCase()}${k}`, opType: n.op, input: [...n.inputs], output: [...n.outputs], domain: n.domain ?? '',
      attribute: Object.entries(n.attrs ?? {}).map(([a, v]) => attrProto(a, v)) })),
    initializer: (g.inits ?? []).map(tensorProto),
    input: g.inputs.map((i) => valueInfo(i.name, i.shape, i.elemType)),
    output: g.outputs.map((o) => valueInfo(o.name, o.shape, o.elemType)),
  };
}

/** Deterministic uniform values in [lo, hi). */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export interface Comparison {
  readonly conversion: OnnxConversion;
  /** max |ours - onnxruntime| / max(|onnxruntime|, 1e-3) over all outputs' elements, scaled per output by its largest magnitude. */
  readonly maxRelError: number;
  readonly outputs: { readonly name: string; readonly ours: Float32Array; readonly reference: Float32Array }[];
}

let configured = false;

/** Runs the ONNX model in onnxruntime (WASM, single thread); `externalData`: its external data files by location. */
export async function runOrt(bytes: Uint8Array, feeds: ReadonlyMap<string, { data: Float32Array; dims: readonly number[]; double?: boolean; int64?: boolean }>, names: readonly string[],
  externalData: ReadonlyMap<string, Uint8Array> = new Map()): Promise<Float32Array[]> {
  if (!configured) {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  // An added output's type is not known here: float, else double (skl2onnx's double pipelines).
  const options = { executionProviders: ['wasm'], ...(externalData.size ? { externalData: [...externalData].map(([path, data]) => ({ path, data })) } : {}) };
  const session = await ort.InferenceSession.create(withOutputs(bytes, names, 1), options)
    .catch(() => ort.InferenceSession.create(withOutputs(bytes, names, 11), options));
  try {
    const input: Record<string, ort.Tensor> = {};
    for (const [name, f] of feeds) {
      input[name] = f.int64 ? new ort.Tensor('int64', BigInt64Array.from(f.data, (v) => BigInt(v)), [...f.dims])
        : f.double ? new ort.Tensor('float64', Float64Array.from(f.data), [...f.dims]) : new ort.Tensor('float32', f.data, [...f.dims]);
    }
    const result = await session.run(input);
    return names.map((n) => {
      const t = result[n];
      if (!t) throw new Error(`onnxruntime gave no output '${n}'`);
      return Float32Array.from(t.data as Float32Array);
    });
  } finally {
    await session.release();
  }
}

/**
 * The model with exactly `names` as its outputs, when they differ from its own (the converter keeps the probabilities a
 * ZipMap wraps; onnxruntime fetches graph outputs only). Re-encoded through our descriptor, so only for such models.
 */
function withOutputs(bytes: Uint8Array, names: readonly string[], elemType: number): Uint8Array {
  const m = ModelProtoType.decode(bytes) as unknown as { graph: { output: { name: string }[]; node: { input?: string[]; output?: string[] }[] } };
  const have = m.graph.output.map((o) => o.name);
  if (have.length === names.length && have.every((n, k) => n === names[k])) return bytes;
  m.graph.output = names.map((name) => ({ name, type: { tensorType: { elemType } } }));
  // Only the nodes the kept outputs need: a dropped ZipMap may not even type-check (skl2onnx's double MLPs).
  const needed = new Set(names);
  m.graph.node = m.graph.node.reverse().filter((n) => {
    if (!(n.output ?? []).some((o) => needed.has(o))) return false;
    for (const i of n.input ?? []) needed.add(i);
    return true;
  }).reverse();
  return ModelProtoType.encode(m as never).finish();
}

/** Runs the converted .tflite in our float interpreter on the ONNX-layout inputs; outputs back in ONNX layout. */
export function runConverted(conversion: OnnxConversion, feeds: ReadonlyMap<string, { data: Float32Array; dims: readonly number[] }>): Float32Array[] {
  const interp = new Interpreter(readTflite(conversion.tflite));
  const inputs = conversion.inputs.map((io) => {
    const f = feeds.get(io.name)!;
    return io.nhwc ? permuteData(f.data, io.onnxShape, [0, 2, 3, 1]) : f.data;
  });
  return interp.run(inputs).map((o, k) => {
    const io = conversion.outputs[k]!;
    return io.nhwc ? permuteData(Float32Array.from(o), io.tfliteShape, [0, 3, 1, 2]) : Float32Array.from(o);
  });
}

/** Converts `bytes`, runs both on `runs` random inputs, and returns the largest relative error. */
export async function compareWithOrt(bytes: Uint8Array, seed = 1, runs = 2, range: [number, number] = [-1, 1], options: ConvertOptions = {}): Promise<Comparison> {
  const conversion = convertOnnx({ format: 'onnx', name: 'test.onnx', bytes }, options);
  // Inputs fixed by inputValues are fed to onnxruntime as the INT64 scalars or vectors they stand for.
  const fixed = [...(options.inputValues ?? [])].map(([name, v]) => [name, { data: Float32Array.from(v), dims: v.length === 1 ? [] : [v.length], int64: true }] as const);
  let maxRelError = 0;
  let last: Comparison['outputs'] = [];
  for (let r = 0; r < runs; r++) {
    const feeds = new Map(conversion.inputs.map((io, k) => [io.name, { data: randomValues(io.onnxShape.reduce((a, b) => a * b, 1), seed * 1000 + r * 17 + k, ...range), dims: io.onnxShape, double: io.onnxType === 'DOUBLE' }]));
    const reference = await runOrt(bytes, new Map<string, { data: Float32Array; dims: readonly number[]; double?: boolean; int64?: boolean }>([...feeds, ...fixed]), conversion.outputs.map((o) => o.name));
    const ours = runConverted(conversion, feeds);
    ours.forEach((o, k) => {
      const ref = reference[k]!;
      if (o.length !== ref.length) throw new Error(`output ${k}: ${o.length} values, onnxruntime ${ref.length}`);
      const scale = Math.max(1e-6, ...Array.from(ref, Math.abs));
      for (let i = 0; i < o.length; i++) maxRelError = Math.max(maxRelError, Math.abs(o[i]! - ref[i]!) / scale);
    });
    last = ours.map((o, k) => ({ name: conversion.outputs[k]!.name, ours: o, reference: reference[k]! }));
  }
  return { conversion, maxRelError, outputs: last };
}
