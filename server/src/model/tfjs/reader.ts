/**
 * TensorFlow.js models (model.json + weight shards): layers models and graph models, read with @tensorflow/tfjs on
 * its pure-JS CPU backend through an in-memory IO handler, so nothing touches the network or the file system here.
 * The caller supplies the shard bytes (`readShard`, given each path as the weights manifest writes it). Per layer:
 * parameters, output shapes, and the footprint in float32 and after int8 quantization, plus the TFLite ops the
 * converter would emit. Only ModelFormatError is thrown for bad input.
 */
import type * as TF from '@tensorflow/tfjs';
import { ModelFormatError } from '../errors.js';
import type { DType } from '../ir.js';
import { AnalysisLimitError, checkAllocation, resolveLimits, type AnalysisLimits } from '../limits.js';
import { checkGraphExecution, withLayerWeightBudget } from './load-bounds.js';
import { indexJsonSpans, type JsonSpan } from './json-spans.js';
import { graphOpToTflite, kerasToTflite } from './ops.js';

/** One layer (layers model) or op node (graph model). */
export interface TfjsLayer {
  readonly index: number;
  readonly name: string;
  /** Keras layer class (`Conv2D`) or TensorFlow op (`Conv2D`, `MatMul`) for graph models. */
  readonly className: string;
  /** Output shapes with the batch dimension as 1; empty when unknown. */
  readonly outputShapes: readonly (readonly number[])[];
  readonly params: number;
  /** Parameters in float32 (4 B each). */
  readonly weightBytesFloat32: number;
  /** After full-integer quantization: int8 weights, int32 biases (the TFLite converter's scheme). */
  readonly weightBytesInt8: number;
  /** Output activations in float32 and int8. */
  readonly activationBytesFloat32: number;
  readonly activationBytesInt8: number;
  /** The TFLite ops the converter would emit; null when it has no builtin lowering. */
  readonly tflite: readonly string[] | null;
  /** The layer's entry in the model.json text. */
  readonly span: JsonSpan | null;
  /**
   * Graph models: the node's input and output types from its attributes (`T`, or `SrcT` / `DstT` for a Cast), as
   * the converter keeps them; absent for layers models (float throughout until quantized).
   */
  readonly dtypes?: { readonly input: DType | null; readonly output: DType | null };
}

export interface TfjsModel {
  readonly format: 'layers-model' | 'graph-model';
  readonly layers: readonly TfjsLayer[];
  readonly params: number;
  readonly weightBytesFloat32: number;
  readonly weightBytesInt8: number;
  /** Largest (inputs + output) activation bytes of any one layer: a lower bound of the tensor arena's plan. */
  readonly peakActivationBytesFloat32: number;
  readonly peakActivationBytesInt8: number;
  /** Bytes of the weight shards read. */
  readonly shardBytes: number;
  readonly notes: readonly string[];
}

/** Reads one weight shard, by the path the weights manifest gives (relative to model.json). */
export type ShardReader = (path: string) => Uint8Array | Promise<Uint8Array>;

interface Manifest {
  format?: string;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

let tfModule: Promise<typeof TF> | null = null;

/** @tensorflow/tfjs, loaded on first use (it is large) and pinned to its CPU backend, quiet about tfjs-node. */
async function tfjs(): Promise<typeof TF> {
  tfModule ??= import('@tensorflow/tfjs').then(async (tf) => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    return tf;
  });
  return tfModule;
}

/** True when `text` looks like a TF.js model.json (sniff before reading, like the .tflite reader). */
export function isTfjsModelJson(text: string): boolean {
  return /"modelTopology"\s*:/.test(text.slice(0, 4096)) || /"format"\s*:\s*"(layers|graph)-model"/.test(text.slice(0, 4096));
}

/** Reads a model.json text and its shards. */
export async function readTfjsModel(text: string, readShard: ShardReader, limits: Partial<AnalysisLimits> = {}): Promise<TfjsModel> {
  const lim = resolveLimits(limits);
  let doc: Manifest;
  try {
    doc = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new ModelFormatError('not-a-model', 0, '', `model.json is not valid JSON: ${(e as Error).message}`, text.length);
  }
  if (!doc || typeof doc !== 'object' || !doc.modelTopology || typeof doc.modelTopology !== 'object') {
    throw new ModelFormatError('not-a-model', 0, 'modelTopology', 'is missing: not a TensorFlow.js model.json', text.length);
  }
  const groups = Array.isArray(doc.weightsManifest) ? doc.weightsManifest : [];
  const weightSpecs = groups.flatMap((g) => (Array.isArray(g.weights) ? g.weights : []));
  const shards: Uint8Array[] = [];
  for (const [gi, g] of groups.entries()) {
    const paths = Array.isArray(g.paths) ? g.paths : [];
    let haveBytes = 0;
    for (const [pi, path] of paths.entries()) {
      try {
        const shard = await readShard(path);
        shards.push(shard);
        haveBytes += shard.length;
      } catch (e) {
        throw new ModelFormatError('truncated', 0, `weightsManifest[${gi}].paths[${pi}]`, `weight shard '${path}' cannot be read: ${(e as Error).message}`, text.length);
      }
    }
    // tfjs would only say that some tensor has too few values: name the shards and the bytes instead.
    const needBytes = groupBytes(Array.isArray(g.weights) ? g.weights : []);
    if (needBytes !== null && haveBytes < needBytes) {
      const named = paths.map((p) => `'${p}'`).join(', ');
      throw new ModelFormatError('truncated', 0, `weightsManifest[${gi}]`,
        `weight shard${paths.length > 1 ? 's' : ''} ${named} ${paths.length > 1 ? 'are' : 'is'} short: weight group ${gi} needs ${needBytes.toLocaleString('en-US')} B, ${paths.length > 1 ? 'they hold' : 'it holds'} ${haveBytes.toLocaleString('en-US')} B (cut short, or from another model)`, text.length);
    }
  }
  const shardBytes = shards.reduce((n, s) => n + s.length, 0);
  // tfjs holds the joined shards and every weight decoded to its dtype (4 bytes a value for quantized float weights).
  const numeric = (shape: unknown): number[] => (Array.isArray(shape) && shape.every((d) => typeof d === 'number' && d >= 0) ? shape : []);
  const decoded = weightSpecs.reduce((n, w) => n + 4 * elements(numeric(w?.shape)), 0);
  checkAllocation(lim, shardBytes + decoded, 'the TF.js weights (shards and decoded values)');
  const weightData = new Uint8Array(shardBytes);
  let at = 0;
  for (const s of shards) {
    weightData.set(s, at);
    at += s.length;
  }
  const graph = doc.format === 'graph-model' || Array.isArray((doc.modelTopology as { node?: unknown }).node);
  const tf = await tfjs();
  const artifacts = { modelTopology: doc.modelTopology, weightSpecs, weightData: weightData.buffer, format: doc.format } as unknown as TF.io.ModelArtifacts;
  const handler: TF.io.IOHandler = { load: async () => artifacts };
  // Deep enough for a layer's entry three models down (`modelTopology.config.layers.I` is depth 4; each nested model
  // adds `.config.layers.J`); deeper layers get no span.
  const spans = indexJsonSpans(text, 4 + 3 * 3);
  try {
    return graph ? await readGraph(tf, handler, doc, spans, shardBytes, lim) : await readLayers(tf, handler, doc, spans, shardBytes, lim);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof AnalysisLimitError) throw e;
    throw new ModelFormatError('bad-value', 0, 'modelTopology', `TensorFlow.js cannot load it: ${(e as Error).message}`, text.length);
  }
}

/** Bytes of a weight group's tensors as stored (quantized weights by their storage type); null when not knowable. */
const STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };
export function groupBytes(weights: readonly unknown[]): number | null {
  let bytes = 0;
  for (const w of weights as { shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } }[]) {
    const dtype = w?.quantization?.dtype ?? w?.dtype;
    const size = typeof dtype === 'string' ? STORED_BYTES[dtype] : undefined;
    const shape = Array.isArray(w?.shape) ? (w.shape as unknown[]) : null;
    if (size === undefined || !shape || !shape.every((d) => typeof d === 'number' && d >= 0)) return null;
    bytes += size * (shape as number[]).reduce((n, d) => n * d, 1);
  }
  return bytes;
}

const batchOne = (shape: readonly (number | null)[]): number[] => shape.map((d, i) => (d === null || d < 0 ? (i === 0 ? 1 : 0) : d));
const elements = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

async function readLayers(tf: typeof TF, handler: TF.io.IOHandler, doc: Manifest, spans: ReturnType<typeof indexJsonSpans>, shardBytes: number, limits: AnalysisLimits): Promise<TfjsModel> {
  const model = await withLayerWeightBudget(tf.layers.Layer, limits, () => tf.loadLayersModel(handler));
  try {
    const topo = doc.modelTopology as { model_config?: { config?: { layers?: unknown[] } }; config?: { layers?: unknown[] } };
    const base = topo.model_config ? 'modelTopology.model_config.config.layers' : 'modelTopology.config.layers';
    const entries = (topo.model_config?.config?.layers ?? topo.config?.layers ?? []) as LayerEntry[];
    // Nested models (a Sequential or functional Model used as a layer: Teachable Machine's image models are a
    // Sequential of two Sequentials) are their layers, in order, named `outer/inner`; the converter inlines them too.
    const flat = flattenLayers(model.layers, entries, base);
    const layers: TfjsLayer[] = flat.map(({ layer, name, path }, index) => {
      const shapes = (Array.isArray(layer.outputShape[0]) || layer.outputShape.length === 0 ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
      const outputShapes = shapes.map(batchOne);
      const outElements = outputShapes.reduce((n, s) => n + elements(s), 0);
      let params = 0;
      let int8 = 0;
      for (const w of layer.weights) {
        const n = elements(w.shape as number[]);
        params += n;
        // TFLite keeps biases in int32 under int8 quantization.
        int8 += /bias/i.test(w.name) ? 4 * n : n;
      }
      const className = layer.getClassName();
      return {
        index,
        name,
        className,
        outputShapes,
        params,
        weightBytesFloat32: 4 * params,
        weightBytesInt8: int8,
        activationBytesFloat32: 4 * outElements,
        activationBytesInt8: outElements,
        tflite: kerasToTflite(className, layer.getConfig() as Record<string, unknown>),
        span: path === null ? null : spans.get(path) ?? null,
      };
    });
    // A layer's inputs are its predecessor's outputs in a Sequential chain; for other topologies the same bound holds
    // per inbound layer, so the peak below is a lower bound of what the arena plan needs.
    const inbound = (i: number): number => (i === 0 ? elements(batchOne((model.inputs[0]?.shape ?? []) as (number | null)[])) : layers[i - 1]?.activationBytesInt8 ?? 0);
    let peak8 = 0;
    for (const [i, l] of layers.entries()) peak8 = Math.max(peak8, inbound(i) + l.activationBytesInt8);
    return summarize('layers-model', layers, peak8, shardBytes, ['Activation footprint is per layer output; the peak pairs each layer with its predecessor (exact for Sequential models).']);
  } finally {
    model.dispose();
  }
}

async function readGraph(tf: typeof TF, handler: TF.io.IOHandler, doc: Manifest, spans: ReturnType<typeof indexJsonSpans>, shardBytes: number, limits: AnalysisLimits): Promise<TfjsModel> {
  const model = await tf.loadGraphModel(handler);
  const notes: string[] = [];
  try {
    const nodes = ((doc.modelTopology as { node?: GraphNode[] }).node ?? []);
    const weights = new Map<string, number>();
    for (const [name, tensors] of Object.entries(model.weights)) weights.set(name, tensors.reduce((n, t) => n + t.size, 0));
    const ops = nodes.map((n, i) => ({ node: n, i })).filter(({ node }) => node.op !== 'Const' && node.op !== 'Placeholder');
    // Output shapes come from one execution on zeros (shapes are not stored in a graph model).
    const shapes = new Map<string, number[]>();
    const inputShapes = model.inputs.map((t) => batchOne((t.shape ?? []) as (number | null)[]).map((d) => Math.max(d, 1)));
    // Sizes that come from constants are checked against the memory budget before tfjs allocates them.
    const unsafe = checkGraphExecution(nodes, inputShapes, (name) => smallConstant(model, name), limits);
    if (unsafe) notes.push(`Output shapes unknown: the graph was not run (${unsafe}).`);
    else {
      try {
        const inputs = model.inputs.map((t, k) => tf.zeros(inputShapes[k]!, t.dtype as TF.DataType));
        const names = ops.map(({ node }) => node.name);
        const outs = model.execute(inputs, names);
        const list = Array.isArray(outs) ? outs : [outs];
        list.forEach((t, k) => {
          shapes.set(names[k] ?? '', t.shape as number[]);
          t.dispose();
        });
        inputs.forEach((t) => t.dispose());
      } catch (e) {
        notes.push(`Output shapes unknown: executing the graph on zeros failed (${(e as Error).message}).`);
      }
    }
    const layers: TfjsLayer[] = ops.map(({ node, i }, index) => {
      let params = 0;
      for (const input of node.input ?? []) params += weights.get(input.replace(/^\^/, '').replace(/:\d+$/, '')) ?? 0;
      const shape = shapes.get(node.name);
      const outElements = shape ? elements(shape) : 0;
      return {
        index,
        name: node.name,
        className: node.op,
        outputShapes: shape ? [shape] : [],
        params,
        weightBytesFloat32: 4 * params,
        // Without layer semantics, 1-D constants are taken as biases (int32 after quantization).
        weightBytesInt8: params,
        activationBytesFloat32: 4 * outElements,
        activationBytesInt8: outElements,
        tflite: graphOpToTflite(node.op),
        span: spans.get(`modelTopology.node.${i}`) ?? null,
        dtypes: nodeDtypes(node.attr),
      };
    });
    let peak8 = 0;
    const produced = new Map(layers.map((l) => [l.name, l.activationBytesInt8]));
    for (const [k, l] of layers.entries()) {
      const inputs = (ops[k]?.node.input ?? []).reduce((n, x) => n + (produced.get(x.replace(/:\d+$/, '')) ?? 0), 0);
      peak8 = Math.max(peak8, inputs + l.activationBytesInt8);
    }
    return summarize('graph-model', layers, peak8, shardBytes, notes);
  } finally {
    model.dispose();
  }
}

/** A graph model's node as model.json stores it. */
interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: string[];
  readonly attr?: Readonly<Record<string, { readonly type?: unknown } | undefined>>;
}

/** TensorFlow's DataType names (`DT_INT64`) as the IR's. */
const TF_DTYPES: Readonly<Record<string, DType>> = {
  DT_FLOAT: 'FLOAT32', DT_HALF: 'FLOAT16', DT_DOUBLE: 'FLOAT64', DT_INT8: 'INT8', DT_INT16: 'INT16', DT_INT32: 'INT32',
  DT_INT64: 'INT64', DT_UINT8: 'UINT8', DT_UINT16: 'UINT16', DT_UINT32: 'UINT32', DT_UINT64: 'UINT64', DT_BOOL: 'BOOL',
  DT_STRING: 'STRING', DT_BFLOAT16: 'BFLOAT16',
};

/** A node's input and output types from its attributes (`T`; a Cast's `SrcT` and `DstT`); null where none says. */
function nodeDtypes(attr: GraphNode['attr']): TfjsLayer['dtypes'] {
  const read = (key: string): DType | null => {
    const type = attr?.[key]?.type;
    return typeof type === 'string' && Object.hasOwn(TF_DTYPES, type) ? TF_DTYPES[type]! : null;
  };
  const t = read('T');
  return { input: read('SrcT') ?? t, output: read('DstT') ?? t };
}

/** A layer's entry in a model config: its class, its config (a nested model's has `layers`), its name. */
interface LayerEntry {
  readonly class_name?: string;
  readonly config?: { readonly name?: string; readonly layers?: unknown };
}

/** Nested models stop here: deeper than any real model, shallow enough for a hostile config. */
const MAX_NESTING = 16;

/**
 * The leaf layers of `layers` in order, nested models (anything with layers of its own) replaced by their layers,
 * each with its path of names and the JSON path of its entry (null when the config does not name it).
 */
function flattenLayers(layers: readonly TF.layers.Layer[], entries: readonly LayerEntry[], base: string, prefix = '', depth = 0): { layer: TF.layers.Layer; name: string; path: string | null }[] {
  return layers.flatMap((layer) => {
    const i = entries.findIndex((e) => e.config?.name === layer.name);
    const path = i >= 0 ? `${base}.${i}` : null;
    const name = `${prefix}${layer.name}`;
    const inner = (layer as Partial<TF.LayersModel>).layers;
    if (!Array.isArray(inner) || depth >= MAX_NESTING) return [{ layer, name, path }];
    const nested = entries[i]?.config?.layers;
    return flattenLayers(inner, Array.isArray(nested) ? (nested as LayerEntry[]) : [], path === null ? '' : `${path}.config.layers`, `${name}/`, depth + 1);
  });
}

function summarize(format: TfjsModel['format'], layers: TfjsLayer[], peak8: number, shardBytes: number, notes: string[]): TfjsModel {
  const sum = (f: (l: TfjsLayer) => number): number => layers.reduce((n, l) => n + f(l), 0);
  return {
    format,
    layers,
    params: sum((l) => l.params),
    weightBytesFloat32: sum((l) => l.weightBytesFloat32),
    weightBytesInt8: sum((l) => l.weightBytesInt8),
    peakActivationBytesFloat32: 4 * peak8,
    peakActivationBytesInt8: peak8,
    shardBytes,
    notes,
  };
}

/** The values of a constant node of at most 16 elements (a shape, multiples, bounds); null for anything else. */
function smallConstant(model: TF.GraphModel, input: string): number[] | null {
  const tensor = model.weights[input.replace(/^\^/, '').replace(/:\d+$/, '')]?.[0];
  if (!tensor || tensor.size > 16) return null;
  return Array.from(tensor.dataSync() as ArrayLike<number>, Number);
}
