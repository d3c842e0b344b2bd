/**
 * A Keras model as the readers give it: the model config (the JSON a `.keras` zip's config.json, a legacy `.h5`'s
 * `model_config` attribute or a TF.js model.json's `modelTopology` holds) and the weights as stored, each with the
 * path the file gives it, for the converter to assign to layers. Readers throw only `ConvertError`.
 */

/** One entry of a Keras config: `{class_name, config, inbound_nodes?, name?}`; a model's `config` has `layers`. */
export interface KerasLayerConfig {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inbound_nodes?: unknown;
  readonly name?: string;
}

/** One stored weight: float32 values in row-major order with its shape. */
export interface KerasWeight {
  /**
   * Where the file keeps it, split at '/': `['dense', 'kernel:0']` (legacy .h5, TF.js), or `['layers', 'dense',
   * 'vars', '0']` (Keras 3), nested models' names in between.
   */
  readonly path: readonly string[];
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface KerasModel {
  /** The model itself: class Sequential, Functional or Model. */
  readonly config: KerasLayerConfig;
  readonly weights: readonly KerasWeight[];
  /** How the weights are named: by layer and weight name, or Keras 3's `layers/<name>/vars/<i>` by position. */
  readonly weightNaming: 'names' | 'keras3';
  /** Keras version and backend when the file says. */
  readonly producer: string | null;
}

/** Bounds of the readers (bytes and element counts are checked before anything is inflated or decoded). */
export interface KerasReadLimits {
  /** Largest source file, and largest zip entry once inflated. */
  readonly maxBytes: number;
  /** Largest total of weight values (float32 each). */
  readonly maxWeightElements: number;
  /** Deepest group nesting in HDF5, and nested models in a config. */
  readonly maxDepth: number;
  /** Most objects (groups + datasets) visited in an HDF5 file. */
  readonly maxObjects: number;
}

/**
 * 16M weights (64 MiB in float32) is far beyond what a microcontroller holds; jsfive decodes a dataset into a plain
 * array first (8 bytes a value), so this also keeps a hostile file's decoding within a few hundred MiB.
 */
export const DEFAULT_KERAS_LIMITS: KerasReadLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxWeightElements: 16 * 1024 * 1024,
  maxDepth: 32,
  maxObjects: 100_000,
};
