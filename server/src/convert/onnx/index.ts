/** The ONNX converter: `convertOnnx` (bytes -> float32 .tflite), the reader, and the protobuf descriptor tests encode with. */
export { convertOnnx, convertOnnxModel, type OnnxConversion, type OnnxIo } from './convert.js';
export { readOnnx, ONNX_LIMITS, OPSET_MAX, OPSET_MIN, type OnnxModel, type OnnxNode, type OnnxTensor } from './reader.js';
export { ModelProtoType, ONNX_DESCRIPTOR } from './proto.js';
