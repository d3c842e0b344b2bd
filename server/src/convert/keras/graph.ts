/**
 * A Keras config as a flat graph of layer calls: Sequential and Functional models, nested models inlined (their
 * InputLayers become the outer tensors they were called on), each node with the tensors it reads. Inbound nodes
 * are read in both serialisations: Keras 2 / TF.js (`[[[name, node, tensor, kwargs], ...]]`) and Keras 3
 * (`[{args: [{class_name: '__keras_tensor__', config: {keras_history: [name, node, tensor]}}], kwargs}]`).
 */
import type { KerasLayerConfig } from '../../model/keras/types.js';
import { ConvertError } from '../types.js';

/** One layer call. Tensors are named by the id of the node that writes them (layers here have one output). */
export interface KNode {
  /** Unique: the layer's name, prefixed with its nested models' names (`outer/inner`). */
  readonly id: string;
  /** The layer's own name (what the weights are stored under). */
  readonly name: string;
  /** Names of the nested models it sits in, outermost first, then its own. */
  readonly path: readonly string[];
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly string[];
}

export interface KGraph {
  readonly nodes: readonly KNode[];
  /** The model inputs: InputLayer nodes, in order, with their shapes (batch dimension included, null when open). */
  readonly inputs: readonly { readonly id: string; readonly shape: readonly (number | null)[] }[];
  readonly outputs: readonly string[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const MAX_LAYERS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The graph of a model config. */
export function buildGraph(model: KerasLayerConfig): KGraph {
  const nodes: KNode[] = [];
  const inputs: { id: string; shape: (number | null)[] }[] = [];
  const outputs = flatten(model, [], null, nodes, inputs, 0);
  return { nodes, inputs, outputs };
}

/**
 * Appends `model`'s layers to `nodes` and returns its output tensors. `outer` is null for the top-level model (its
 * InputLayers become graph inputs), else the tensors the nested model is called on.
 */
function flatten(model: KerasLayerConfig, path: readonly string[], outer: readonly string[] | null, nodes: KNode[], inputs: { id: string; shape: (number | null)[] }[], depth: number): string[] {
  const layers = (model.config.layers ?? []) as KerasLayerConfig[];
  const where = path.length ? path.join('/') : String(model.config.name ?? model.class_name);
  if (!MODEL_CLASSES.has(model.class_name)) throw new ConvertError('unsupported-model', where, `model class '${model.class_name}' is not Sequential or Functional`);
  if (nodes.length + layers.length > MAX_LAYERS) throw new ConvertError('limit', where, `more than ${MAX_LAYERS} layers`);
  // Within this model, a layer name stands for the tensor its call wrote (after nested models, their output).
  const alias = new Map<string, string>();
  const idOf = (name: string): string => [...path, name].join('/');
  const resolve = (name: string, at: string): string => {
    const t = alias.get(name);
    if (t === undefined) throw new ConvertError('bad-model', at, `reads the output of '${name}', which no earlier layer of '${where}' writes`);
    return t;
  };
  const nameOf = (l: KerasLayerConfig, i: number): string => {
    const n = l.config.name ?? l.name;
    if (typeof n !== 'string' || n === '') throw new ConvertError('malformed', `${where}.layers[${i}]`, 'a layer has no name');
    return n;
  };
  const addInput = (name: string, layer: KerasLayerConfig, at: string): string => {
    const id = idOf(name);
    const shape = firstInputShape(layer, 0);
    if (!shape) throw new ConvertError('bad-model', at, 'the input has no shape (batch_input_shape / batch_shape)', 'the input shape, given as an option');
    inputs.push({ id, shape });
    return id;
  };
  const sequential = model.class_name === 'Sequential';
  let prev: string | null = null;
  let taken = 0;
  layers.forEach((layer, i) => {
    const name = nameOf(layer, i);
    const at = `${[...path, name].join('/')} (${layer.class_name})`;
    if (alias.has(name)) throw new ConvertError('unsupported-model', at, `the layer name '${name}' is used twice`);
    let reads: string[];
    if (sequential) {
      if (prev === null) {
        if (outer) reads = [...outer];
        else if (layer.class_name === 'InputLayer') reads = [];
        else reads = [addInput(`${name}_input`, layer, at)];
      } else reads = [prev];
    } else {
      reads = layer.class_name === 'InputLayer' ? [] : inboundNames(layer.inbound_nodes, at).map((n) => resolve(n, at));
    }
    if (layer.class_name === 'InputLayer') {
      let t: string;
      if (outer) {
        // A nested model's input is the outer tensor at the same position.
        t = outer[taken++] ?? '';
        if (!t) throw new ConvertError('bad-model', at, `nested model '${where}' has more inputs than it is called with`);
      } else t = addInput(name, layer, at);
      alias.set(name, t);
      prev = t;
      return;
    }
    if (MODEL_CLASSES.has(layer.class_name) && Array.isArray(layer.config.layers)) {
      if (depth >= 16) throw new ConvertError('limit', at, 'models nested deeper than 16');
      const outs = flatten(layer, [...path, name], reads, nodes, inputs, depth + 1);
      if (outs.length !== 1) throw new ConvertError('unsupported-model', at, `a nested model with ${outs.length} outputs`);
      alias.set(name, outs[0]!);
      prev = outs[0]!;
      return;
    }
    const id = idOf(name);
    nodes.push({ id, name, path: [...path, name], className: layer.class_name, config: layer.config, inputs: reads });
    alias.set(name, id);
    prev = id;
  });
  if (sequential) return prev === null ? [] : [prev];
  const outs = historyList(model.config.output_layers, `${where}.output_layers`);
  return outs.map((n) => resolve(n, `${where}.output_layers`));
}

/** The input shape of a layer, or of a nested model's first layer (a Sequential's first layer carries it). */
function firstInputShape(layer: KerasLayerConfig, depth: number): (number | null)[] | null {
  const own = inputShape(layer.config);
  if (own || depth > 16) return own;
  const first = Array.isArray(layer.config.layers) ? (layer.config.layers[0] as KerasLayerConfig | undefined) : undefined;
  return first && isObject(first.config) ? firstInputShape(first, depth + 1) : null;
}

/** A layer's input shape from its config (InputLayer, or a Sequential's first layer). */
function inputShape(config: Readonly<Record<string, unknown>>): (number | null)[] | null {
  const raw = config.batch_input_shape ?? config.batch_shape ?? config.batchInputShape;
  const shape = Array.isArray(raw) ? raw : Array.isArray(config.input_shape) ? [null, ...(config.input_shape as unknown[])] : null;
  if (!shape || !shape.every((d) => d === null || (Number.isSafeInteger(d) && (d as number) >= 0))) return null;
  return shape as (number | null)[];
}

/** The names of the layers whose outputs a functional layer's single call reads. */
function inboundNames(inbound: unknown, at: string): string[] {
  if (!Array.isArray(inbound) || inbound.length === 0) throw new ConvertError('bad-model', at, 'a functional layer without inbound nodes');
  if (inbound.length > 1) throw new ConvertError('unsupported-model', at, `the layer is called ${inbound.length} times (shared layers are not converted)`);
  const call = inbound[0];
  if (isObject(call)) {
    // Keras 3: keras tensors anywhere in args (Add gets a list of them).
    const names: string[] = [];
    collectHistory(call.args, names, 0);
    if (names.length === 0) throw new ConvertError('bad-model', at, 'the layer call reads no tensor');
    return names;
  }
  return historyList(call, at);
}

function collectHistory(v: unknown, out: string[], depth: number): void {
  if (depth > 8) return;
  if (Array.isArray(v)) for (const x of v) collectHistory(x, out, depth + 1);
  else if (isObject(v)) {
    const history = isObject(v.config) ? v.config.keras_history : undefined;
    if (v.class_name === '__keras_tensor__' && Array.isArray(history) && typeof history[0] === 'string') {
      // The call index may be past 0 (a model built once and called here); layers are single-call, so only the tensor matters.
      if ((history[2] ?? 0) !== 0) throw new ConvertError('unsupported-model', String(history[0]), `output ${String(history[2])} of a layer is read: only single-output layers are converted`);
      out.push(history[0]);
    }
  }
}

/** `[[name, node, tensor, ...], ...]` or a single `[name, node, tensor]` as layer names. */
function historyList(v: unknown, at: string): string[] {
  if (!Array.isArray(v)) throw new ConvertError('bad-model', at, 'expected a list of [layer, node, tensor] entries');
  const list = typeof v[0] === 'string' ? [v] : v;
  return list.map((e) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string') throw new ConvertError('bad-model', at, 'expected a list of [layer, node, tensor] entries');
    if ((e[2] ?? 0) !== 0) throw new ConvertError('unsupported-model', at, `reads output ${String(e[2])} of '${e[0]}': only single-output layers are converted`);
    return e[0];
  });
}
