import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelFormatError, type ModelFormatErrorCode } from '../../server/src/model/errors';
import type { Model } from '../../server/src/model/ir';
import { readTflite, sniffTflite, type ReadLimits } from '../../server/src/model/tflite/reader';
import { buildModel, int32Bytes, richModel, type Field, type ModelSpec, type TensorSpec } from './helpers/tflite-fixture';

/** Reads and expects a ModelFormatError with `code` (and, when given, a `where` path). Returns the error. */
function rejects(bytes: Uint8Array, code: ModelFormatErrorCode, where?: string, limits?: Partial<ReadLimits>): ModelFormatError {
  let caught: unknown;
  try {
    readTflite(bytes, limits);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ModelFormatError, `expected ModelFormatError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (where !== undefined) assert.equal(caught.where, where, caught.message);
  assert.ok(caught.offset >= 0 && caught.offset <= bytes.length + 2 ** 32, `offset ${caught.offset}`);
  return caught;
}

/** One subgraph holding `tensors`, no operators. */
function tensorsModel(tensors: TensorSpec[], extra: Partial<ModelSpec> = {}): Uint8Array {
  return buildModel({ subgraphs: [{ tensors }], ...extra });
}

function onlyTensors(m: Model): Model['subgraphs'][number]['tensors'] {
  return m.subgraphs[0]?.tensors ?? [];
}

describe('readTflite: tensors', () => {
  test('every IR dtype maps from its schema code, with TFLM element sizes', () => {
    const cases: [number, string, number][] = [
      [0, 'FLOAT32', 4], [1, 'FLOAT16', 2], [2, 'INT32', 4], [3, 'UINT8', 1], [4, 'INT64', 8], [5, 'STRING', 0],
      [6, 'BOOL', 1], [7, 'INT16', 2], [8, 'COMPLEX64', 8], [9, 'INT8', 1], [10, 'FLOAT64', 8], [11, 'COMPLEX128', 16],
      [12, 'UINT64', 8], [13, 'RESOURCE', 0], [14, 'VARIANT', 0], [15, 'UINT32', 4], [16, 'UINT16', 2], [17, 'INT4', 1],
      [18, 'BFLOAT16', 2],
    ];
    const m = readTflite(tensorsModel(cases.map(([type]) => ({ shape: [2, 3], type }))));
    assert.deepEqual(onlyTensors(m).map((t) => [t.dtype, t.elementCount, t.bytes]),
      cases.map(([, name, size]) => [name, 6, 6 * size]));
  });

  test('scalar, shape signature, variable and sparse flags', () => {
    const m = readTflite(tensorsModel([
      { type: 0, name: 'scalar' },
      { shape: [1, 10], shapeSignature: [-1, 10], type: 9, isVariable: true, sparsity: true, name: 'v' },
    ]));
    const [scalar, v] = onlyTensors(m);
    assert.deepEqual([scalar?.shape, scalar?.elementCount, scalar?.bytes, scalar?.shapeSignature], [[], 1, 4, null]);
    assert.deepEqual([v?.name, v?.shapeSignature, v?.isVariable, v?.isSparse], ['v', [-1, 10], true, true]);
  });

  test('isConstant needs a non-zero buffer index with data', () => {
    const m = readTflite(tensorsModel(
      [{ shape: [2], type: 3, buffer: 1 }, { shape: [2], type: 3, buffer: 2 }, { shape: [2], type: 3, buffer: 0 }],
      { buffers: [{}, { data: [7, 9] }, { data: [] }] },
    ));
    assert.deepEqual(onlyTensors(m).map((t) => t.isConstant), [true, false, false]);
    const b1 = m.buffers[1];
    assert.ok(b1 !== undefined && !b1.external);
    const bytes = tensorsModel([{ shape: [2], type: 3, buffer: 1 }], { buffers: [{}, { data: [7, 9] }] });
    const again = readTflite(bytes).buffers[1];
    assert.deepEqual([...bytes.subarray(again?.byteOffset, (again?.byteOffset ?? 0) + 2)], [7, 9]);
  });

  test('per-tensor and per-channel quantization; an empty table means none', () => {
    const m = readTflite(tensorsModel([
      { shape: [4], type: 9, quantization: [[2, 'f32[]', [0.5]], [3, 'i64[]', [-3]]] },
      { shape: [3, 1, 1, 2], type: 9, quantization: [[2, 'f32[]', [0.25, 0.5, 1]], [3, 'i64[]', [0, 0, 0]], [6, 'i32', 0]] },
      { shape: [1, 1, 1, 3], type: 9, quantization: [[0, 'f32[]', [-1]], [1, 'f32[]', [1]], [2, 'f32[]', [1, 2, 4]],
        [3, 'i64[]', [1, 2, 3]], [6, 'i32', 3]] },
      { shape: [4], type: 0, quantization: [] },
    ]));
    const [a, b, c, d] = onlyTensors(m).map((t) => t.quantization);
    assert.deepEqual(a, { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0, min: [], max: [], hasDetails: false });
    assert.deepEqual([b?.scale, b?.quantizedDimension], [[0.25, 0.5, 1], 0]);
    assert.deepEqual([c?.min, c?.max, c?.zeroPoint, c?.quantizedDimension], [[-1], [1], [1, 2, 3], 3]);
    assert.equal(d, null);
  });
});

describe('readTflite: operator codes and operators', () => {
  const op = (opcodeIndex: number) => ({ opcodeIndex, inputs: [0], outputs: [0] });
  const codesModel = (codes: NonNullable<ModelSpec['operatorCodes']>) =>
    buildModel({ operatorCodes: codes, subgraphs: [{ tensors: [{ shape: [1] }], operators: codes.map((_, i) => op(i)) }] });

  test('effective code is max(deprecated int8 field, extended int32 field)', () => {
    const m = readTflite(codesModel([
      { deprecated: 3 }, // old converter: only the int8 field
      { deprecated: 3, builtin: 3 }, // new converter, small code: both
      { deprecated: 127, builtin: 130 }, // code above 126: placeholder + extended
      { builtin: 9 }, // int8 field absent
      { deprecated: 127, builtin: 250, version: 4 }, // a code this reader has no name for
    ]));
    assert.deepEqual(m.operatorCodes.map((c) => [c.builtinCode, c.builtinName]),
      [[3, 'CONV_2D'], [3, 'CONV_2D'], [130, 'BROADCAST_TO'], [9, 'FULLY_CONNECTED'], [250, 'BUILTIN_250']]);
    assert.deepEqual(m.subgraphs[0]?.operators.map((o) => [o.opName, o.version]),
      [['CONV_2D', 1], ['CONV_2D', 1], ['BROADCAST_TO', 1], ['FULLY_CONNECTED', 1], ['BUILTIN_250', 4]]);
  });

  test('placeholder code without the extended field is rejected', () => {
    rejects(codesModel([{ deprecated: 127 }]), 'bad-value', 'operatorCodes[0].builtinCode');
  });

  test('custom ops: name, custom options bytes', () => {
    const bytes = buildModel({
      operatorCodes: [{ deprecated: 32, custom: 'SignalRfft', version: 2 }, { deprecated: 32 }],
      subgraphs: [{ tensors: [{ shape: [1] }], operators: [{ ...op(0), customOptions: [1, 2, 250] }, op(1)] }],
    });
    const [a, b] = readTflite(bytes).subgraphs[0]?.operators ?? [];
    assert.deepEqual([a?.opName, a?.customCode, a?.version, [...(a?.customOptions ?? [])]], ['CUSTOM:SignalRfft', 'SignalRfft', 2, [1, 2, 250]]);
    assert.deepEqual([b?.opName, b?.customCode, b?.customOptions], ['CUSTOM', null, null]);
  });

  test('omitted inputs (-1), intermediates, and the full rich model', () => {
    const m = readTflite(richModel());
    const [conv, custom, iff, broadcast] = m.subgraphs[0]?.operators ?? [];
    assert.deepEqual(conv?.inputs, [0, 1, -1]);
    assert.deepEqual(conv?.options, { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU6',
      dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: 'FLOAT32' });
    assert.equal(custom?.opName, 'CUSTOM:MyOp');
    assert.deepEqual([iff?.optionsType, iff?.options], ['IfOptions', { thenSubgraphIndex: 1, elseSubgraphIndex: 1 }]);
    assert.deepEqual([broadcast?.builtinCode, broadcast?.optionsType, broadcast?.options], [130, 'BroadcastToOptions', {}]);
    assert.deepEqual(m.subgraphs.map((s) => [s.index, s.name, s.tensors.length, s.operators.length]),
      [[0, 'main', 3, 4], [1, 'branch', 1, 1]]);
    assert.deepEqual(m.subgraphs[1]?.operators[0]?.options, { fusedActivationFunction: 'RELU', potScaleInt16: true });
    assert.deepEqual(m.signatureDefs, [{ signatureKey: 'serving_default', subgraphIndex: 0,
      inputs: [{ name: 'input', tensorIndex: 0 }], outputs: [{ name: 'output', tensorIndex: 2 }] }]);
    assert.equal(m.description, 'rich');
    assert.equal(m.fileBytes, richModel().length);
  });

  test('intermediates are read and range-checked', () => {
    const spec = (intermediates: number[]) => buildModel({ operatorCodes: [{ deprecated: 44 }],
      subgraphs: [{ tensors: [{ shape: [1] }, { shape: [1] }], operators: [{ ...op(0), intermediates }] }] });
    assert.deepEqual(readTflite(spec([1, 0])).subgraphs[0]?.operators[0]?.intermediates, [1, 0]);
    rejects(spec([2]), 'bad-index', 'subgraphs[0].operators[0].intermediates[0]');
  });
});

describe('readTflite: builtin options', () => {
  const withOptions = (code: number, options: { type: number; fields?: Field[] }, union: 1 | 2 = 1) => buildModel({
    operatorCodes: [{ deprecated: Math.min(code, 127), builtin: code }],
    subgraphs: [{ tensors: [{ shape: [1] }], operators: [{ opcodeIndex: 0, inputs: [0], outputs: [0],
      ...(union === 1 ? { options } : { options2: options }) }] }],
  });
  const optionsOf = (bytes: Uint8Array) => {
    const o = readTflite(bytes).subgraphs[0]?.operators[0];
    return [o?.optionsType, o?.options];
  };

  test('defaults are filled in for absent fields', () => {
    assert.deepEqual(optionsOf(withOptions(4, { type: 2, fields: [[3, 'i32', 8]] })), ['DepthwiseConv2DOptions',
      { padding: 'SAME', strideW: 0, strideH: 0, depthMultiplier: 8, fusedActivationFunction: 'NONE', dilationWFactor: 1,
        dilationHFactor: 1 }]);
    assert.deepEqual(optionsOf(withOptions(52, { type: 69, fields: [] }))[1],
      { fusedActivationFunction: 'NONE', cellClip: 0, projClip: 0, mergeOutputs: false, timeMajor: true,
        asymmetricQuantizeInputs: false });
  });

  test('a union type without its table stands for all defaults', () => {
    assert.deepEqual(optionsOf(withOptions(9, { type: 8 })), ['FullyConnectedOptions', { fusedActivationFunction: 'NONE',
      weightsFormat: 'DEFAULT', keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: 'FLOAT32' }]);
  });

  test('deprecated field ids are skipped, vectors and floats decoded', () => {
    assert.deepEqual(optionsOf(withOptions(23, { type: 15, fields: [[0, 'i32', 5], [2, 'bool', true]] }))[1],
      { alignCorners: true, halfPixelCenters: false });
    assert.deepEqual(optionsOf(withOptions(22, { type: 17, fields: [[0, 'i32[]', [1, -1, 4]]] }))[1], { newShape: [1, -1, 4] });
    assert.deepEqual(optionsOf(withOptions(25, { type: 9, fields: [[0, 'f32', 0.5]] }))[1], { beta: 0.5 });
    assert.deepEqual(optionsOf(withOptions(103, { type: 80 }))[1], { idxOutType: 'INT32' });
  });

  test('BuiltinOptions2 (StableHLO) tables', () => {
    assert.deepEqual(optionsOf(withOptions(169, { type: 1, fields: [[0, 'i64', 3n]] }, 2)),
      ['StablehloConcatenateOptions', { dimension: 3 }]);
  });

  test('an unknown union type is tolerated as no options', () => {
    assert.deepEqual(optionsOf(withOptions(0, { type: 200, fields: [] })), [null, {}]);
  });

  test('an unknown enum value is a bad-value error naming the field', () => {
    rejects(withOptions(3, { type: 1, fields: [[3, 'i8', 9]] }), 'bad-value',
      'subgraphs[0].operators[0].builtinOptions.fusedActivationFunction');
  });

  test('subgraph indices named by control-flow options must exist', () => {
    const model = (then: number) => buildModel({
      operatorCodes: [{ deprecated: 118 }],
      subgraphs: [{ tensors: [{ shape: [1] }], operators: [{ opcodeIndex: 0, inputs: [0], outputs: [0],
        options: { type: 92, fields: [[0, 'i32', then], [1, 'i32', 1]] } }] }, { tensors: [] }],
    });
    assert.equal(readTflite(model(1)).subgraphs.length, 2);
    rejects(model(2), 'bad-index', 'subgraphs[0].operators[0].builtinOptions.thenSubgraphIndex');
    rejects(model(-1), 'bad-index');
  });
});

describe('readTflite: buffers and metadata', () => {
  test('external buffer data after the flatbuffer', () => {
    const tail = [0, 0, 0, 0, 10, 20, 30, 40];
    const probe = tensorsModel([{ shape: [4], type: 3, buffer: 1 }], { buffers: [{}, { offset: 2n, size: 4n }], tail });
    const start = probe.length - tail.length + 4; // the builder output has the same length whatever the offset
    const bytes = tensorsModel([{ shape: [4], type: 3, buffer: 1 }],
      { buffers: [{}, { offset: BigInt(start), size: 4n }], tail });
    const m = readTflite(bytes);
    const { data, ...extent } = m.buffers[1]!;
    assert.deepEqual(extent, { index: 1, byteOffset: start, byteLength: 4, external: true });
    assert.deepEqual([...(data ?? [])], [10, 20, 30, 40]);
    assert.equal(onlyTensors(m)[0]?.isConstant, true);
    rejects(tensorsModel([{ shape: [4], type: 3, buffer: 1 }], { buffers: [{}, { offset: BigInt(start), size: 5n }], tail }),
      'truncated', 'buffers[1].size');
    rejects(tensorsModel([], { buffers: [{}, { offset: 1n << 40n, size: 1n }] }), 'bad-offset', 'buffers[1].offset');
    rejects(tensorsModel([], { buffers: [{}, { offset: 1n << 60n, size: 1n }] }), 'bad-value', 'buffers[1].offset');
  });

  test('offset 1 is the "no data" placeholder', () => {
    const m = readTflite(tensorsModel([{ shape: [1], buffer: 1 }], { buffers: [{}, { offset: 1n, size: 0n }] }));
    assert.deepEqual([m.buffers[1]?.external, m.buffers[1]?.byteLength, onlyTensors(m)[0]?.isConstant], [false, 0, false]);
  });

  test('OfflineMemoryAllocation and min_runtime_version', () => {
    const m = readTflite(richModel());
    assert.deepEqual(m.offlineMemoryAllocation, { version: 1, subgraphs: 1, offsets: [0, 64, -1] });
    assert.equal(m.minRuntimeVersion, '2.3.0');
    assert.deepEqual(m.metadata.map((x) => x.name), ['OfflineMemoryAllocation', 'min_runtime_version']);
  });

  test('an OfflineMemoryAllocation declaring more offsets than its buffer holds is rejected', () => {
    const bytes = tensorsModel([], { buffers: [{}, { data: int32Bytes([1, 1, 5, 0, 0]) }],
      metadata: [{ name: 'OfflineMemoryAllocation', buffer: 1 }] });
    rejects(bytes, 'bad-value', 'metadata[0]');
    rejects(tensorsModel([], { metadata: [{ name: 'x', buffer: 3 }] }), 'bad-index', 'metadata[0].buffer');
  });
});

describe('readTflite: rejects bad files with the right code', () => {
  const good = () => buildModel({ subgraphs: [{ tensors: [{ shape: [1, 2], name: 'abc' }] }] });

  test('truncated', () => {
    const bytes = good();
    rejects(bytes.subarray(0, 5), 'truncated', '');
    const e = rejects(bytes.subarray(0, bytes.length - 12), 'truncated');
    assert.match(e.message, /past the end of the file \(offset \d+, file \d+ bytes\)$/);
  });

  test('bad-offset: vtable before the start of the file, root in the header', () => {
    const bytes = good();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const root = view.getUint32(0, true);
    view.setInt32(root, root + 64, true);
    rejects(bytes, 'bad-offset');
    const header = good();
    new DataView(header.buffer, header.byteOffset).setUint32(0, 4, true);
    rejects(header, 'bad-offset', '');
  });

  test('bad-vtable: odd size, field outside the table', () => {
    const bytes = good();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const root = view.getUint32(0, true);
    const vtable = root - view.getInt32(root, true);
    view.setUint16(vtable, 5, true);
    rejects(bytes, 'bad-vtable');
    const other = good();
    const v2 = new DataView(other.buffer, other.byteOffset);
    v2.setUint16(vtable + 2, 4, true); // table now 4 bytes: every field lies outside it
    rejects(other, 'bad-vtable');
  });

  test('bad-identifier and not-a-model', () => {
    const bytes = good();
    bytes.set([0x43, 0x49, 0x52, 0x30], 4); // 'CIR0'
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, 0xfffff, true);
    rejects(bytes, 'bad-identifier', '');
    rejects(new Uint8Array(64).fill(0xee), 'not-a-model');
    rejects(buildModel({ subgraphs: [] }), 'not-a-model', 'subgraphs');
  });

  test('count-too-large: limits on tensors, operators, subgraphs, elements', () => {
    const bytes = buildModel({ operatorCodes: [{ deprecated: 0 }], subgraphs: [
      { tensors: [{ shape: [1] }, { shape: [1] }], operators: [{ opcodeIndex: 0, inputs: [0], outputs: [1] }] },
      { tensors: [{ shape: [1] }] }] });
    assert.equal(readTflite(bytes).subgraphs.length, 2);
    rejects(bytes, 'count-too-large', 'subgraphs[1].tensors', { maxTensors: 2 });
    rejects(bytes, 'count-too-large', 'subgraphs[0].operators', { maxOperators: 0 });
    rejects(bytes, 'count-too-large', 'subgraphs', { maxSubgraphs: 1 });
    rejects(bytes, 'count-too-large', undefined, { maxElements: 5 });
  });

  test('bad-utf8 in a tensor name', () => {
    const e = rejects(tensorsModel([{ shape: [1], name: new Uint8Array([0x61, 0xff, 0x62]) }]), 'bad-utf8',
      'subgraphs[0].tensors[0].name');
    assert.match(e.message, /^tensor 0 of subgraph 0: name string is not valid UTF-8 \(offset \d+/);
    assert.equal(readTflite(tensorsModel([{ name: 'héllo ✓ 𝄞' }])).subgraphs[0]?.tensors[0]?.name, 'héllo ✓ 𝄞');
  });

  test('bad-value: negative dimension, unknown or unsupported type', () => {
    const e = rejects(tensorsModel([{ shape: [1, -2] }]), 'bad-value', 'subgraphs[0].tensors[0].shape[1]');
    assert.match(e.message, /^tensor 0 of subgraph 0: shape\[1\] is -2/);
    rejects(tensorsModel([{ shape: [1], type: 19 }]), 'bad-value', 'subgraphs[0].tensors[0].type');
    rejects(tensorsModel([{ shape: [1], type: 60 }]), 'bad-value', 'subgraphs[0].tensors[0].type');
    rejects(tensorsModel([{ shape: [1], shapeSignature: [-2] }]), 'bad-value');
    rejects(tensorsModel([{ shape: [2 ** 30, 2 ** 30, 2 ** 30], type: 4 }]), 'bad-value', 'subgraphs[0].tensors[0].shape');
  });

  test('bad-index: tensor, buffer, opcode and signature indices', () => {
    const model = (inputs: number[], opcodeIndex = 0, buffer = 0) => buildModel({ operatorCodes: [{ deprecated: 0 }],
      subgraphs: [{ tensors: [{ shape: [1], buffer }], inputs: [0], outputs: [0],
        operators: [{ opcodeIndex, inputs, outputs: [0] }] }] });
    assert.ok(readTflite(model([0, -1])));
    rejects(model([0, 1]), 'bad-index', 'subgraphs[0].operators[0].inputs[1]');
    rejects(model([-2]), 'bad-index', 'subgraphs[0].operators[0].inputs[0]');
    rejects(model([0], 1), 'bad-index', 'subgraphs[0].operators[0].opcodeIndex');
    rejects(model([0], 0, 1), 'bad-index', 'subgraphs[0].tensors[0].buffer');
    rejects(buildModel({ subgraphs: [{ tensors: [], outputs: [0] }] }), 'bad-index', 'subgraphs[0].outputs[0]');
    rejects(tensorsModel([], { signatureDefs: [[[4, 'u32', 1]]] }), 'bad-index', 'signatureDefs[0].subgraphIndex');
  });
});

describe('sniffTflite', () => {
  test('identifier, identifier-less root, and non-models', () => {
    assert.equal(sniffTflite(richModel()), true);
    const bare = buildModel({ identifier: null, subgraphs: [{ tensors: [{ shape: [3] }] }] });
    assert.equal(sniffTflite(bare), true);
    assert.equal(readTflite(bare).subgraphs[0]?.tensors[0]?.elementCount, 3);
    assert.equal(sniffTflite(new Uint8Array(0)), false);
    assert.equal(sniffTflite(new TextEncoder().encode('{"format": "graph-model", "modelTopology": {}}')), false);
    assert.equal(sniffTflite(new Uint8Array(100).fill(0xff)), false);
  });
});
