/** The model config JSON (legacy .h5 attribute, .keras config.json, TF.js modelTopology), checked for its shape. */
import { ConvertError } from '../../convert/types.js';
import type { KerasLayerConfig, KerasReadLimits } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses config text into a model config (`{class_name, config: {layers}}`), nesting bounded by `maxDepth`. */
export function parseModelConfig(text: string, where: string, limits: KerasReadLimits): KerasLayerConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConvertError('malformed', where, `the model config is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  return checkModelConfig(doc, where, limits);
}

/** Checks a parsed config: a model class with a list of layers, each a `{class_name, config}` object. */
export function checkModelConfig(doc: unknown, where: string, limits: KerasReadLimits, depth = 0): KerasLayerConfig {
  if (depth > limits.maxDepth) throw new ConvertError('limit', where, `models nested deeper than ${limits.maxDepth}`);
  if (!isObject(doc) || typeof doc.class_name !== 'string' || !isObject(doc.config)) {
    throw new ConvertError('malformed', where, 'the model config is not a {class_name, config} object');
  }
  const layers = doc.config.layers;
  if (!Array.isArray(layers)) throw new ConvertError('unsupported-model', where, `'${doc.class_name}' is not a Sequential or Functional model (no layers list)`);
  layers.forEach((l, i) => {
    const at = `${where}.config.layers[${i}]`;
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) throw new ConvertError('malformed', at, 'a layer is not a {class_name, config} object');
    if (Array.isArray(l.config.layers)) checkModelConfig(l, at, limits, depth + 1);
  });
  return doc as unknown as KerasLayerConfig;
}
