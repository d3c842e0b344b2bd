/**
 * Every converter to .tflite behind one call: `convertModel` dispatches on the source format; `detectFormat` names
 * the format of a file from its name and first bytes. Pure: the caller reads the files.
 */
import { convertKeras } from './keras/index.js';
import { convertOnnx } from './onnx/index.js';
import { ConvertError, type ConvertedModel, type ConvertOptions, type ConvertSource } from './types.js';

export * from './types.js';
export { detectFormat } from './detect.js';
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
