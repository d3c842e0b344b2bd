/**
 * Legacy Keras `.h5` files (`model.save('m.h5')`, Keras 2 and tf.keras): the model config in the root attribute
 * `model_config` (JSON text), the weights under `model_weights/<layer>/...` with the names the `weight_names`
 * attributes list. A weights-only file (no `model_config`) is refused: there is nothing to convert without the
 * architecture.
 */
import { ConvertError } from '../../convert/types.js';
import { Hdf5Reader } from './hdf5.js';
import { parseModelConfig } from './config.js';
import { DEFAULT_KERAS_LIMITS, type KerasModel, type KerasReadLimits } from './types.js';

/** Reads a legacy .h5 Keras model. */
export function readKerasH5(bytes: Uint8Array, name: string, limits: KerasReadLimits = DEFAULT_KERAS_LIMITS): KerasModel {
  const h5 = new Hdf5Reader(bytes, name, limits);
  const root = h5.root;
  const text = h5.stringAttr(root, '', 'model_config');
  if (text === null) {
    throw new ConvertError('unsupported-model', h5.where('/@model_config'), 'the file has no model_config attribute: it holds weights only (save_weights), not a model', 'the whole model, saved with model.save()');
  }
  const config = parseModelConfig(text, h5.where('/@model_config'), limits);
  const version = h5.stringAttr(root, '', 'keras_version');
  const backend = h5.stringAttr(root, '', 'backend');
  const group = h5.child(root, '', 'model_weights');
  // A model saved without weights (include_optimizer aside, Keras always writes model_weights) converts as an error later.
  const weights = group === null || !('keys' in group) ? [] : h5.weightsUnder(group, '/model_weights');
  return { config, weights, weightNaming: 'names', producer: version ? `Keras ${version}${backend ? ` (${backend})` : ''}` : null };
}
