/** The .tflite model builder: write TFLite flatbuffers from plain calls (used by tests, examples, quantize, compile). */
export { ModelBuilder, SubgraphBuilder, TensorRef } from './builder.js';
export type { BuiltinOpSpec, ConstantSpec, CustomOpSpec, ModelOptions, OutputSpec, QuantSpec, SignatureTensor, TensorSpec } from './builder.js';
export type { BuiltinOptionsFor, OptionsOfTable, OptionTableName } from './options.js';
export { OP_OPTION_TABLE, OPTION_TABLES, optionTableOf } from './options.js';
export { BUFFER_ALIGNMENT, FILE_IDENTIFIER, SCHEMA_VERSION } from './serialize.js';
export { bfloat16Bits, elementCount, encodeTensorData, float16Bits, halfToFloat, type TensorData } from './encode.js';
export { activationQuantInt8, PROBABILITY_QUANT_INT8, quantizeBiasInt32, quantizeSymmetricInt8, type Quantized } from './quant.js';
export { mulberry32, SeededRandom } from './random.js';
export { convOutputSize } from './shapes.js';
export { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from './examples.js';
