import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { convertModel, ConvertError, detectFormat } from '../../server/src/convert/index.js';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { ModelProtoType } from '../../server/src/convert/onnx/proto.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec } from './helpers/onnx-models.js';

const source = (bytes: Uint8Array) => ({ format: 'onnx' as const, name: 'm.onnx', bytes });
const convert = (g: GraphSpec) => convertOnnx(source(buildOnnx(g)));

function rejects(fn: () => unknown, code: ConvertError['code'], pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConvertError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

const cnn: GraphSpec = {
  inputs: [{ name: 'x', shape: ['N', 3, 16, 16] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [8, 3, 3, 3], data: randomValues(216, 1) }, { name: 'dw', dims: [8, 1, 3, 3], data: randomValues(72, 2) },
    { name: 'fc', dims: [8, 4], data: randomValues(32, 3) }, { name: 'fb', dims: [4], data: randomValues(4, 4) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1], strides: [2, 2] }), node('Relu', ['c'], ['r']),
    node('Conv', ['r', 'dw'], ['d'], { group: 8, pads: [1, 1, 1, 1] }), node('Relu', ['d'], ['r2']), node('GlobalAveragePool', ['r2'], ['p']),
    node('Flatten', ['p'], ['f']), node('Gemm', ['f', 'fc', 'fb'], ['g']), node('Softmax', ['g'], ['y'])],
};

test('a converted CNN allocates in the TFLM memory model and quantizes to int8', () => {
  const c = convert(cnn);
  const model = readTflite(c.tflite);
  const report = analyzeModel(model, 'tflm-reference');
  assert.equal(report.status, 'ok');
  assert.ok(report.memory.minArenaBytes > 8 * 8 * 8 * 4, `arena ${report.memory.minArenaBytes}`);
  assert.equal(c.ops.get('TRANSPOSE'), undefined);
  const q = quantizeModel(model, randomSamples(model.subgraphs[0]!.inputs.map((i) => model.subgraphs[0]!.tensors[i]!.shape), 4, -1, 1), 'int8');
  assert.ok(q.int8Error[0]!.maxAbs < 0.1, `int8 error ${q.int8Error[0]!.maxAbs}`);
  assert.equal(analyzeModel(q.model, 'tflm-cmsis-nn').status, 'ok');
});

test('an op with no mapping names the node, its op type and what it would need', () => {
  rejects(() => convert({ ...cnn, nodes: [node('GRU', ['x'], ['y'])] }), 'unsupported-op', /^node 'gru0' \(GRU\): no TFLite mapping for GRU \(opset 13\) \(a GRU builtin TFLM does not have/);
  rejects(() => convert({ ...cnn, nodes: [node('Elu', ['x'], ['y'])] }), 'unsupported-op', /node 'elu0' \(Elu\)/);
  // A recurrent layer exported as a Loop is named by its Loop, not by the Less of its condition.
  rejects(() => convert({ ...cnn, nodes: [node('Less', ['x', 'x'], ['c']), node('Loop', ['', 'c', 'x'], ['y'])] }), 'unsupported-op', /^node 'loop1' \(Loop\): control flow/);
  // reflect and edge are GATHERs (onnx-streaming.test.ts); wrap (opset 19) is not mapped.
  rejects(() => convert({ ...cnn, nodes: [node('Pad', ['x', 'p'], ['y'], { mode: 'wrap' })], inits: [{ name: 'p', dims: [8], data: [0, 0, 1, 1, 0, 0, 1, 1], dtype: 7 }] }), 'unsupported-op', /mode 'wrap'/);
});

test('a tree ensemble is unsupported-model with its tree and node counts', () => {
  rejects(() => convert({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], mlOpset: 3,
    nodes: [node('TreeEnsembleRegressor', ['x'], ['y'], { nodes_treeids: [0, 0, 0, 1, 1, 1], nodes_nodeids: [0, 1, 2, 0, 1, 2] }, 'ai.onnx.ml')] }),
  'unsupported-model', /2 trees, 6 nodes/);
});

test('opsets outside 9-21, external data, data shorter than dims and garbage bytes are typed errors', () => {
  rejects(() => convert({ ...cnn, opset: 8 }), 'unsupported-model', /opset 8 is outside/);
  rejects(() => convert({ ...cnn, opset: 22 }), 'unsupported-model', /opset 22/);
  rejects(() => convert({ ...cnn, inits: [{ name: 'w', dims: [8, 3, 3, 3], data: [1, 2, 3] }] }), 'bad-model', /initializer\[0\]\.float_data: 'w' has dims \[8,3,3,3\] \(216 elements\) but 3 values/);
  const ext = ModelProtoType.encode(ModelProtoType.create({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { initializer: [{ name: 'w', dims: [2], dataType: 1, externalData: [{ key: 'location', value: 'w.bin' }], dataLocation: 1 }] } })).finish();
  // External data is read from the files the caller passes (onnx-external.test.ts): none here.
  rejects(() => convertOnnx(source(ext)), 'bad-model', /'w' keeps its data in 'w\.bin', which was not read beside the model/);
  rejects(() => convertOnnx(source(Uint8Array.from([0x0a, 0xff, 0xff, 0x01]))), 'malformed', /^byte \d+/);
  const big = ModelProtoType.encode(ModelProtoType.create({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { initializer: [{ name: 'w', dims: [1 << 20, 1 << 20], dataType: 1 }] } })).finish();
  rejects(() => convertOnnx(source(big)), 'limit', /elements, more than/);
});

test('every truncation of a model ends in a model or a ConvertError, never another exception', () => {
  const bytes = buildOnnx(cnn);
  let converted = 0;
  for (let n = 0; n < bytes.length; n += 7) {
    try {
      convertOnnx(source(bytes.subarray(0, n)));
      converted++;
    } catch (e) {
      assert.ok(e instanceof ConvertError, `at ${n}: ${String(e)}`);
    }
  }
  assert.ok(converted < bytes.length / 7, 'most truncations must fail');
});

test('scikit-learn outputs: ZipMap and label outputs are dropped with a note, the probabilities kept', () => {
  const c = convert({ inputs: [{ name: 'x', shape: ['N', 3] }], outputs: [{ name: 'label', elemType: 7 }, { name: 'probs' }], mlOpset: 1,
    inits: [{ name: 'w', dims: [3, 2], data: randomValues(6, 5) }],
    nodes: [node('MatMul', ['x', 'w'], ['m']), node('Softmax', ['m'], ['p'], { axis: -1 }), node('ArgMax', ['p'], ['label'], { axis: 1 }),
      node('ZipMap', ['p'], ['probs'], { classlabels_int64s: [0, 1] }, 'ai.onnx.ml')] });
  assert.deepEqual(c.outputs.map((o) => o.name), ['p']);
  assert.ok(c.notes.some((n) => /ZipMap/.test(n)) && c.notes.some((n) => /'label' \(INT64\) dropped/.test(n)), c.notes.join('\n'));
});

test('LinearClassifier (multinomial and binary) and Scaler match onnxruntime', async () => {
  for (const [rows, labels] of [[3, [0, 1, 2]], [1, [0, 1]]] as const) {
    const r = await compareWithOrt(buildOnnx({ inputs: [{ name: 'x', shape: [2, 4] }], outputs: [{ name: 'label', elemType: 7 }, { name: 'scores' }], mlOpset: 1,
      nodes: [node('Scaler', ['x'], ['s'], { offset: { floats: [0.5, -1, 0, 2] }, scale: { floats: [2, 0.5, 1, 3] } }, 'ai.onnx.ml'),
        node('LinearClassifier', ['s'], ['label', 'scores'], { coefficients: { floats: Array.from(randomValues(4 * rows, 6)) }, intercepts: { floats: Array.from(randomValues(rows, 7)) },
          classlabels_ints: [...labels], post_transform: rows === 1 ? 'LOGISTIC' : 'SOFTMAX' }, 'ai.onnx.ml')] }));
    assert.ok(r.maxRelError <= 1e-4, `rows ${rows}: ${r.maxRelError}`);
  }
});

test('convertModel dispatches on the format: ONNX and Keras to their converters, a TF.js graph model refused', () => {
  assert.equal(convertModel(source(buildOnnx(cnn))).format, 'onnx');
  // Four zero bytes are no zip: the Keras reader's located error, not ONNX's.
  rejects(() => convertModel({ format: 'keras', name: 'm.keras', bytes: new Uint8Array(4) }), 'malformed', /zip/i);
  rejects(() => convertModel({ format: 'tfjs-graph', name: 'model.json', bytes: new Uint8Array(4) }), 'unsupported-model', /TF\.js graph models/);
  assert.equal(detectFormat('model.onnx', buildOnnx(cnn)), 'onnx');
  assert.equal(detectFormat('weights.bin', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])), 'keras-h5');
  assert.equal(detectFormat('m.tflite', Uint8Array.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33])), null);
});

// Fuzz (ONNX generator, during development): a Pad of 2^33 reached the builder, whose INT32 encoder threw a RangeError.
test('a hostile pad or shape ends in a limit ConvertError, never the builder\'s RangeError', () => {
  rejects(() => convert({ inputs: [{ name: 'x', shape: [1, 2, 3, 3] }], outputs: [{ name: 'y' }], opset: 13,
    inits: [{ name: 'p', dims: [8], data: [0, 0, 1, 2 ** 33, 0, 0, 1, 1], dtype: 7 }], nodes: [node('Pad', ['x', 'p'], ['y'])] }), 'limit', /value 8589934592 does not fit an int32/);
  rejects(() => convert({ inputs: [{ name: 'x', shape: [1, 2, 3, 3] }], outputs: [{ name: 'y' }], opset: 13,
    inits: [{ name: 's', dims: [4], data: [1, 1, 2 ** 20, 2 ** 20] }], nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'nearest' })] }), 'bad-model', /output size/);
});
