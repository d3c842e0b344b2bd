/**
 * Small source models (ONNX, Keras) for the tests of commands and manifests that convert in memory, built in the
 * test (never read from ../shared): a convolutional ONNX net, an ONNX net with a node the converter does not map, and
 * a weightless Keras 3 .keras zip (with and without an unmapped layer).
 */
import { strToU8, zipSync } from 'fflate';
import { buildOnnx, node, randomValues } from './onnx-models.ts';

/**
 * Conv (padded, ReLU fused), global pooling, flatten, MatMul: CONV_2D, MEAN, RESHAPE, FULLY_CONNECTED once converted.
 * `shape`: the input's declared shape (names for open dimensions), [1, 3, 8, 8] by default.
 */
export function convNetOnnx(shape: readonly (number | string)[] = [1, 3, 8, 8]): Uint8Array {
  return buildOnnx({
    inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }],
    inits: [{ name: 'w', dims: [4, 3, 3, 3], data: randomValues(108, 1) }, { name: 'fc', dims: [4, 2], data: randomValues(8, 2) }],
    nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
      node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
  });
}

/** A lone GRU node (named 'gru0' by the builder; TFLM has no GRU builtin): the converter refuses it, naming the node. */
export function unmappedOnnx(): Uint8Array {
  return buildOnnx({ inputs: [{ name: 'x', shape: [1, 4, 3] }], outputs: [{ name: 'y' }], nodes: [node('GRU', ['x'], ['y'])] });
}

/** A Keras 3 .keras zip of weightless layers (PAD, MAX_POOL_2D, RESHAPE, SOFTMAX); `unmapped` adds a Lambda layer. */
export function weightlessKeras(unmapped = false): Uint8Array {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 4, 4, 2] } },
    { class_name: 'ZeroPadding2D', config: { name: 'pad', padding: [[1, 1], [1, 1]] } },
    { class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [2, 2], padding: 'valid' } },
    ...(unmapped ? [{ class_name: 'Lambda', config: { name: 'fn' } }] : []),
    { class_name: 'Flatten', config: { name: 'flat' } },
    { class_name: 'Softmax', config: { name: 'sm' } },
  ];
  const config = { class_name: 'Sequential', config: { name: 'm', layers } };
  return zipSync({ 'config.json': strToU8(JSON.stringify(config)), 'metadata.json': strToU8('{"keras_version":"3.4.1"}') });
}
