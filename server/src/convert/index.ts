/**
 * Every converter to .tflite behind one call: `convertModel` dispatches on the source format; `detectFormat` names
 * the format of a file from its name and first bytes. Pure: the caller reads the files.
 */
import { convertKeras } from './keras/index.js';
import { convertOnnx } from './onnx/index.js';
import { ConvertError, type ConvertedModel, type ConvertOptions, type ConvertSource, type SourceFormat } from './types.js';

export * from './types.js';
export { convertKeras } from './keras/index.js';
export { convertOnnx } from './onnx/index.js';

/** Converts `source` by its format. */
export function convertModel(source: ConvertSource, options: ConvertOptions = {}): ConvertedModel {
  switch (source.format) {
    case 'onnx':
      return convertOnnx(source, options);
    case 'keras':
    case 'keras-h5':
    case 'tfjs-layers':
      return convertKeras(source, options);
    case 'tfjs-graph':
      throw new ConvertError('unsupported-model', source.name, 'TF.js graph models (a GraphDef) are not converted: only layers models (Keras configs)', 'export the model as a TF.js layers model, a .keras or an ONNX file');
  }
}

/**
 * The source format of a file, from its content first (an HDF5 or zip signature, a model.json, a protobuf whose first
 * field is ModelProto's ir_version) and its extension second; null when it is none of them (a .tflite, say).
 */
export function detectFormat(name: string, head: Uint8Array): SourceFormat | null {
  const lower = name.toLowerCase();
  const starts = (sig: readonly number[]): boolean => sig.every((b, k) => head[k] === b);
  if (starts([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'keras-h5';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return lower.endsWith('.keras') || !lower.endsWith('.onnx') ? 'keras' : null;
  if (head.length >= 8 && head[4] === 0x54 && head[5] === 0x46 && head[6] === 0x4c) return null; // "TFL3": already a .tflite
  if (lower.endsWith('.json')) {
    const text = String.fromCharCode(...head.subarray(0, 4096));
    if (/"modelTopology"/.test(text)) return /"node"\s*:/.test(text) && !/"class_name"/.test(text) ? 'tfjs-graph' : 'tfjs-layers';
    return null;
  }
  // ModelProto starts with ir_version (field 1, varint: 0x08) in every exporter we know of.
  if (head[0] === 0x08 || lower.endsWith('.onnx')) return 'onnx';
  return null;
}
