/**
 * The one place where the CLI turns a source model (.onnx, .keras, .h5, a TF.js layers model.json) into what every
 * command works on: the float32 .tflite bytes `convert` writes, the parsed model, and where it came from. `convert`
 * writes these bytes; `analyze`, `fit`, `compile`, `quantize`, `calibrate --model` and `lint-firmware --model` use them
 * in memory (model-file.ts routes to `convertFile`), labelled "as converted by TinyML Lens".
 */
import { visible } from '../analysis/text.js';
import { convertModel, ConvertError, type ConvertedModel, type SourceFormat } from '../convert/index.js';
import { modelSource, type ModelSource } from '../convert/provenance.js';

export { sourceFormatOf } from '../convert/provenance.js';
import { LIMITS } from '../files/read.js';
import { shardReader } from '../files/tfjs-shards.js';
import { ExternalDataError, readExternalData } from '../files/onnx-external.js';
import type { Model } from '../model/ir.js';
import type { InputShape } from '../analysis/shapes.js';
import { readTflite } from '../model/tflite/reader.js';
import { capFor, sourceInputs, type Write } from './model-file.js';
import { rememberSource } from './model-source.js';

export { sourceOf } from './model-source.js';

export type { ModelSource };

/** A source model converted in memory: the .tflite bytes `convert` would write, parsed, and their origin. */
export interface ConvertedFile {
  readonly bytes: Uint8Array;
  readonly model: Model;
  readonly source: ModelSource;
  readonly format: SourceFormat;
  /** What the conversion decided (folded, fused, relaid out), one line each. */
  readonly notes: readonly string[];
}

/**
 * Converts the source `bytes` read from `path` (reading a TF.js model's shards beside it), or gives the exit code after
 * printing the converter's located reason: 1 for a model the converter cannot map (an unmapped layer or node, a model
 * out of scope), 2 for an unreadable one. `failed` also sees the converter's error (SARIF output). `inputShapes`:
 * the --input-shape entries that name an input, given to the converter in the source's own layout (NCHW for ONNX),
 * which fixes open dimensions before anything is emitted (by default those of --input-shape); --input-value's fixed
 * inputs (model-file.ts `sourceInputs`) go to the converter as `inputValues`. An ONNX model's external data files are
 * read beside it.
 */
export function convertFile(path: string, bytes: Uint8Array, format: SourceFormat, err: Write, failed?: (e: ConvertError) => void, inputShapes: readonly InputShape[] = sourceInputs.shapes): ConvertedFile | number {
  const shards = format === 'tfjs-layers' ? tfjsShards(path, bytes, err) : format === 'onnx' ? onnxExternalData(path, bytes, err) : undefined;
  if (typeof shards === 'number') return shards;
  const values = sourceInputs.values;
  if (values.size > 0 && format !== 'onnx') {
    err(`tinyml-lens: ${visible(path)}: --input-value fixes an input of an ONNX model; this is a ${format} model`);
    return 2;
  }
  let converted: ConvertedModel;
  try {
    const named = inputShapes.filter((s) => typeof s.input === 'string').map((s) => [s.input as string, s.shape] as const);
    converted = convertModel({ format, name: path.split(/[\\/]/).pop() ?? path, bytes, ...(shards ? { shards } : {}) },
      { ...(named.length ? { inputShapes: new Map(named) } : {}), ...(values.size ? { inputValues: values } : {}) });
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    err(`tinyml-lens: ${visible(path)}: ${visible(e.message)}`);
    failed?.(e);
    return e.code === 'unsupported-op' || e.code === 'unsupported-model' ? 1 : 2;
  }
  // The builder wrote it: a reader error here is ours, and reaches the user as an internal error.
  const model = readTflite(converted.tflite);
  const source = modelSource(format, bytes, model.description);
  rememberSource(model, source);
  return { bytes: converted.tflite, model, source, format, notes: converted.notes };
}

/**
 * The external data files an ONNX model's tensors name (PyTorch's model.onnx.data), read inside its folder within the
 * size cap (files/onnx-external.ts), or exit code 2 after saying which file, for which tensor, cannot be read.
 */
function onnxExternalData(path: string, bytes: Uint8Array, err: Write): Map<string, Uint8Array> | number {
  try {
    return readExternalData(path, bytes, capFor(LIMITS.model), 'use --max-file-size to raise it').files;
  } catch (e) {
    if (!(e instanceof ExternalDataError)) throw e;
    err(`tinyml-lens: ${visible(path)}: ${visible(e.message)} (${visible(e.cause.path)})`);
    return 2;
  }
}

/**
 * The weight shards a TF.js layers model.json names, read inside its folder within the size caps (files/tfjs-shards.ts),
 * or exit code 2 after saying which shard cannot be read. An unreadable model.json is left to the converter's located error.
 */
function tfjsShards(path: string, bytes: Uint8Array, err: Write): Map<string, Uint8Array> | number {
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Map();
  }
  const groups = (json as { weightsManifest?: unknown }).weightsManifest;
  const read = shardReader(path, text, capFor(LIMITS.model));
  const shards = new Map<string, Uint8Array>();
  for (const g of Array.isArray(groups) ? groups : []) {
    for (const name of Array.isArray(g?.paths) ? g.paths : []) {
      if (typeof name !== 'string' || shards.has(name)) continue;
      try {
        shards.set(name, read(name));
      } catch (e) {
        err(`tinyml-lens: ${visible(path)}: cannot read weight shard '${visible(name)}': ${visible((e as Error).message)}`);
        return 2;
      }
    }
  }
  return shards;
}
