/**
 * What every converter to .tflite (ONNX, Keras, TF.js) takes, gives and throws. Converters are pure: they get the
 * source's bytes (and a TF.js model's weight shards, already read by the caller) and return a float32 TFLite
 * flatbuffer written by the model builder, or throw a `ConvertError` located at a layer or node.
 */

/** The source formats a converter may read. */
export type SourceFormat =
  /** An ONNX ModelProto (PyTorch, scikit-learn via skl2onnx, ...). */
  | 'onnx'
  /** A Keras v3 `.keras` zip (config.json + model.weights.h5). */
  | 'keras'
  /** A legacy Keras `.h5` (model_config attribute + weights in the same HDF5 file). */
  | 'keras-h5'
  /** A TF.js layers model (model.json with a Keras topology + weight shards). */
  | 'tfjs-layers'
  /** A TF.js graph model (model.json with a GraphDef + weight shards). */
  | 'tfjs-graph';

/** The source as read by the caller: the main file's bytes, and the side files a TF.js model names (by shard path). */
export interface ConvertSource {
  readonly format: SourceFormat;
  /** The name of the source (for messages and the model's description); not opened by the converter. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /**
   * Side files by the path the model names them with (already confined to the model's folder): a TF.js model's weight
   * shards, or the external data files of an ONNX model's tensors (onnx/external.ts `externalFiles` lists them).
   */
  readonly shards?: ReadonlyMap<string, Uint8Array>;
}

export interface ConvertOptions {
  /** Fixed sizes for open input dimensions (batch 1 when not given), by input name. */
  readonly inputShapes?: ReadonlyMap<string, readonly number[]>;
  /**
   * Inputs fixed to constant values (a scalar or a vector), by name: ONNX only. They are not inputs of the .tflite, and
   * what depends on them folds (Silero VAD's `sr` = 16000 selects one If branch).
   */
  readonly inputValues?: ReadonlyMap<string, readonly number[]>;
}

/** A converted model: the float32 .tflite and what the conversion decided (folded, fused, relaid out, kept). */
export interface ConvertedModel {
  readonly format: SourceFormat;
  readonly tflite: Uint8Array;
  /** One line each, e.g. "BatchNormalization 'bn1' folded into Conv 'conv1'". */
  readonly notes: readonly string[];
}

export type ConvertErrorCode =
  /** The bytes are not a readable file of the format (truncated, bad magic, bad structure); `where` is a byte offset or field path. */
  | 'malformed'
  /** A layer or node with no TFLite builtin that TFLM runs (or an attribute value the mapping does not cover). */
  | 'unsupported-op'
  /** The model as a whole is out of scope (e.g. a tree ensemble, several graphs, an opset outside 11-21). */
  | 'unsupported-model'
  /** A reader or converter bound (element count, nesting, file size): `detail` names the limit. */
  | 'limit'
  /** The source contradicts itself (a weight shorter than its shape, an input that no node produces). */
  | 'bad-model';

/** Why a source cannot be converted: `where` names the layer/node (or byte offset), `needs` what it would take. */
export class ConvertError extends Error {
  override readonly name = 'ConvertError';

  constructor(
    readonly code: ConvertErrorCode,
    readonly where: string,
    readonly detail: string,
    readonly needs: string | null = null,
  ) {
    super(`${where}: ${detail}${needs ? ` (${needs})` : ''}`);
  }
}
