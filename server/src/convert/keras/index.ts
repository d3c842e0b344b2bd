/**
 * Keras models (Keras 3 `.keras`, legacy `.h5`, TF.js layers model.json) to float32 .tflite through the model
 * builder: the config becomes a graph of layer calls (nested models inlined), identity layers are dropped,
 * BatchNormalization folded and ReLUs fused (`plan.ts`), and each layer is written as the TFLite builtins TFLM runs
 * (`layers-*.ts`), NHWC as Keras is. Anything unmapped is a `ConvertError('unsupported-op')` naming the layer.
 */
import { ModelBuilder } from '../../model/builder/index.js';
import { readKerasH5 } from '../../model/keras/h5.js';
import { readKeras3 } from '../../model/keras/keras3.js';
import { readTfjsLayers } from '../../model/keras/tfjs-layers.js';
import { decodeUtf8 } from '../../model/tflite/utf8.js';
import { DEFAULT_KERAS_LIMITS, type KerasModel, type KerasReadLimits } from '../../model/keras/types.js';
import { ConvertError, type ConvertedModel, type ConvertOptions, type ConvertSource } from '../types.js';
import { Emitter, type Value } from './emit.js';
import { buildGraph, type KGraph } from './graph.js';
import { at, unsupported, type LayerContext, type LayerMapping } from './context.js';
import { batchNorm, conv1d, conv2d, dense, depthwiseConv2d, separableConv2d } from './layers-conv.js';
import {
  activationLayer, concatenate, flatten, globalPooling, leakyRelu, merge, normalization, permute, pooling, prelu, reluLayer, rescaling, reshape, softmaxLayer, upSampling2d, zeroPadding,
} from './layers-more.js';
import { IDENTITY, planGraph } from './plan.js';
import { lstm } from './layers-rnn.js';
import { gru, simpleRnn } from './layers-unrolled.js';
import { WeightStore } from './weights.js';

const MAPPINGS: Readonly<Record<string, LayerMapping>> = {
  Conv2D: conv2d, Convolution2D: conv2d, Conv1D: conv1d, Convolution1D: conv1d,
  DepthwiseConv2D: depthwiseConv2d, SeparableConv2D: separableConv2d, SeparableConvolution2D: separableConv2d,
  Dense: dense, BatchNormalization: batchNorm,
  Activation: activationLayer, ReLU: reluLayer, LeakyReLU: leakyRelu, PReLU: prelu, Softmax: softmaxLayer,
  MaxPooling2D: pooling('MAX_POOL_2D', 2), MaxPool2D: pooling('MAX_POOL_2D', 2), AveragePooling2D: pooling('AVERAGE_POOL_2D', 2), AvgPool2D: pooling('AVERAGE_POOL_2D', 2),
  MaxPooling1D: pooling('MAX_POOL_2D', 1), MaxPool1D: pooling('MAX_POOL_2D', 1), AveragePooling1D: pooling('AVERAGE_POOL_2D', 1), AvgPool1D: pooling('AVERAGE_POOL_2D', 1),
  GlobalAveragePooling2D: globalPooling('avg'), GlobalAvgPool2D: globalPooling('avg'), GlobalAveragePooling1D: globalPooling('avg'), GlobalAvgPool1D: globalPooling('avg'),
  GlobalMaxPooling2D: globalPooling('max'), GlobalMaxPool2D: globalPooling('max'), GlobalMaxPooling1D: globalPooling('max'), GlobalMaxPool1D: globalPooling('max'),
  Add: merge('ADD'), Subtract: merge('SUB'), Multiply: merge('MUL'), Average: merge('AVERAGE'), Maximum: merge('MAXIMUM'), Minimum: merge('MINIMUM'),
  Concatenate: concatenate, Flatten: flatten, Reshape: reshape, Permute: permute,
  ZeroPadding2D: zeroPadding(2), ZeroPadding1D: zeroPadding(1), UpSampling2D: upSampling2d,
  Rescaling: rescaling, Normalization: normalization, LSTM: lstm, GRU: gru, SimpleRNN: simpleRnn,
};

/** What a layer without a mapping would need, for the classes users meet most. */
const NEEDS: Readonly<Record<string, string>> = {
  Lambda: 'the Python function it wraps: rebuild it from standard layers',
  TFOpLambda: 'the TensorFlow op it wraps: rebuild it from standard layers',
};

/** Reads the source into a Keras model (config + stored weights). */
export function readKerasSource(source: ConvertSource, limits: KerasReadLimits = DEFAULT_KERAS_LIMITS): KerasModel {
  switch (source.format) {
    case 'keras': return readKeras3(source.bytes, source.name, limits);
    case 'keras-h5': return readKerasH5(source.bytes, source.name, limits);
    case 'tfjs-layers': {
      const text = decodeUtf8(source.bytes, 0, source.bytes.length);
      if (typeof text !== 'string') throw new ConvertError('malformed', `${source.name}@${text.invalidAt}`, 'model.json is not UTF-8 text');
      return readTfjsLayers(text, source.shards ?? new Map(), source.name, limits);
    }
    default: throw new ConvertError('unsupported-model', source.name, `format '${source.format}' is not a Keras model`);
  }
}

/** Converts a Keras / TF.js layers model to a float32 .tflite. */
export function convertKeras(source: ConvertSource, options: ConvertOptions = {}): ConvertedModel {
  const keras = readKerasSource(source);
  const graph = buildGraph(keras.config);
  return { format: source.format, ...emitModel(keras, graph, source.name, options) };
}

function inputShapeOf(id: string, shape: readonly (number | null)[], options: ConvertOptions): number[] {
  const given = options.inputShapes?.get(id) ?? options.inputShapes?.get(id.split('/').pop() ?? '');
  const full = given && given.length === shape.length ? given : given && given.length === shape.length - 1 ? [1, ...given] : null;
  return shape.map((d, i) => {
    const v = full?.[i] ?? (i === 0 ? 1 : d);
    if (v === null || v === undefined || !Number.isSafeInteger(v) || v < 1) {
      throw new ConvertError('unsupported-model', `input '${id}'`, `dimension ${i} of [${shape.map((x) => x ?? '?').join(', ')}] is open`, 'a fixed input shape (--input-shape)');
    }
    return i === 0 ? 1 : v;
  });
}

function emitModel(keras: KerasModel, graph: KGraph, name: string, options: ConvertOptions): { tflite: Uint8Array; notes: string[] } {
  const plan = planGraph(graph);
  const m = new ModelBuilder({ description: `Converted from ${name} by TinyML Lens${keras.producer ? ` (source: ${keras.producer})` : ''}` });
  const g = m.subgraph('main');
  const e = new Emitter(g);
  const notes: string[] = [...plan.notes];
  const c: LayerContext = { e, w: new WeightStore(keras, graph.nodes), notes, fusedAfter: plan.fusedAfter, folded: plan.folded };
  const values = new Map<string, Value>();
  for (const input of graph.inputs) {
    const shape = inputShapeOf(input.id, input.shape, options);
    values.set(input.id, { ref: g.input({ name: input.id, shape, dtype: 'FLOAT32' }), shape });
  }
  const resolve = (t: string): string => {
    let x = t;
    for (let k = 0; k < graph.nodes.length + 1 && plan.alias.has(x); k++) x = plan.alias.get(x)!;
    return x;
  };
  let pending = graph.nodes.filter((n) => !plan.alias.has(n.id));
  const removed = graph.nodes.filter((n) => IDENTITY.has(n.className)).length;
  if (removed) notes.push(`${removed} Dropout-like layer${removed === 1 ? '' : 's'} removed (identity at inference)`);
  // Config order is topological in files Keras writes; a hand-edited order is sorted out here (bounded passes).
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const node of pending) {
      const inputs = node.inputs.map((t) => values.get(resolve(t)));
      if (inputs.some((v) => v === undefined)) {
        next.push(node);
        continue;
      }
      const map = MAPPINGS[node.className];
      if (!map) throw unsupported(node, `layer class '${node.className}' has no TFLite builtin mapping here`, NEEDS[node.className] ?? null);
      if (inputs.length === 0) throw new ConvertError('bad-model', at(node), 'the layer reads no tensor');
      try {
        values.set(node.id, map(c, node, inputs as Value[]));
      } catch (e) {
        // The builder refuses what no model can hold (a dimension past int32, mismatched parts): located here.
        if (e instanceof ConvertError || e instanceof TypeError || !(e instanceof Error)) throw e;
        throw new ConvertError('bad-model', at(node), `cannot be written: ${e.message.slice(0, 200)}`);
      }
    }
    if (next.length === pending.length) {
      const stuck = next[0]!;
      throw new ConvertError('bad-model', at(stuck), `reads ${stuck.inputs.map((t) => `'${t}'`).join(', ')}, which no layer computes (a cycle or a missing layer)`);
    }
    pending = next;
  }
  const outs = graph.outputs.map((t) => {
    const v = values.get(resolve(t));
    if (!v) throw new ConvertError('bad-model', `output '${t}'`, 'no layer computes the model output');
    return v.ref;
  });
  if (outs.length === 0) throw new ConvertError('bad-model', name, 'the model has no outputs');
  g.output(...outs);
  return { tflite: m.finish(), notes };
}
