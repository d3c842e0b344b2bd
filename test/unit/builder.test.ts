/**
 * The .tflite builder, checked on the bytes it writes: structure (identifier, alignment, raw operator-code fields)
 * and a round trip through the project's reader (shapes, dtypes, quantization, ops, options, custom ops, variable
 * tensors, metadata, subgraphs). Also pins the committed examples/ to what the builders produce today.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as flatbuffers from 'flatbuffers';
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/builder.js';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../../server/src/model/builder/examples.js';
import { builtinCode } from '../../server/src/model/builtins.js';
import type { Model, Subgraph } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { EXAMPLES } from '../../scripts/make-examples.js';

const f32 = Math.fround;

function only<T>(list: readonly T[], i = 0): T {
  const item = list[i];
  assert.ok(item !== undefined, `no element ${i}`);
  return item;
}

function opNames(g: Subgraph): string[] {
  return g.operators.map((op) => op.opName);
}

/** A one-subgraph float model: input [1, 4] -> op -> output, for testing one operator at a time. */
function singleOp(build: (g: SubgraphBuilder, x: ReturnType<SubgraphBuilder['input']>) => void): Model {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  build(g, g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' }));
  return readTflite(m.finish());
}

/**
 * Raw field access on the written flatbuffer, for facts the reader deliberately hides (it merges the two builtin-code
 * fields). Returns the absolute position of field `id` of the table at `table`, or 0 when absent.
 */
function rawField(bb: flatbuffers.ByteBuffer, table: number, id: number): number {
  const rel = bb.__offset(table, 4 + 2 * id);
  return rel === 0 ? 0 : table + rel;
}

describe('ModelBuilder: bytes', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    assert.deepEqual(buildKwsDsCnnInt8(1), buildKwsDsCnnInt8(1));
    assert.deepEqual(buildSineFloat(7), buildSineFloat(7));
    assert.notDeepEqual(buildKwsDsCnnInt8(1), buildKwsDsCnnInt8(2));
  });

  it('writes the TFL3 identifier, schema version 3 and a 16-byte aligned file', () => {
    const bytes = buildSineFloat();
    assert.equal(String.fromCharCode(...bytes.subarray(4, 8)), 'TFL3');
    assert.equal(bytes.length % 16, 0);
    assert.equal(readTflite(bytes).version, 3);
  });

  it('aligns every buffer with data to 16 bytes in the file', () => {
    const model = readTflite(buildKwsDsCnnInt8());
    const withData = model.buffers.filter((b) => b.byteLength > 0);
    assert.equal(withData.length, 22); // 9 conv/dw weight+bias pairs = 18, reshape shape, fc weights + bias, min_runtime_version
    for (const b of withData) assert.equal(b.byteOffset % 16, 0, `buffer ${b.index} at ${b.byteOffset}`);
  });

  it('keeps buffer 0 as the empty sentinel and shares it unless uniqueBuffers is set', () => {
    for (const uniqueBuffers of [false, true]) {
      const m = new ModelBuilder({ uniqueBuffers });
      const g = m.subgraph();
      const x = g.input({ name: 'x', shape: [2], dtype: 'FLOAT32' });
      g.output(g.op('RELU', { inputs: [x], output: { name: 'y', shape: [2], dtype: 'FLOAT32' } }));
      const model = readTflite(m.finish());
      assert.equal(only(model.buffers).byteLength, 0);
      assert.deepEqual(only(model.subgraphs).tensors.map((t) => t.buffer), uniqueBuffers ? [1, 2] : [0, 0]);
      assert.equal(model.buffers.length, uniqueBuffers ? 3 : 1);
    }
  });

  it('writes deprecated_builtin_code = min(code, 127) and builtin_code = code', () => {
    const code = builtinCode('STABLEHLO_ADD');
    assert.ok(code > 127);
    const m = new ModelBuilder();
    const g = m.subgraph();
    const x = g.input({ name: 'x', shape: [2], dtype: 'FLOAT32' });
    const y = g.op('STABLEHLO_ADD', { inputs: [x, x], output: { name: 'y', shape: [2], dtype: 'FLOAT32' } });
    g.output(g.op('ADD', { inputs: [y, x], output: { name: 'z', shape: [2], dtype: 'FLOAT32' } }));
    const bytes = m.finish();

    const bb = new flatbuffers.ByteBuffer(bytes);
    const root = bb.readInt32(0);
    const codes = rawField(bb, root, 1);
    const raw = [0, 1].map((i) => {
      const table = bb.__indirect(bb.__vector(codes) + 4 * i);
      const deprecated = rawField(bb, table, 0);
      const extended = rawField(bb, table, 3);
      return [deprecated ? bb.readInt8(deprecated) : 0, extended ? bb.readInt32(extended) : 0];
    });
    assert.deepEqual(raw, [[127, code], [0, 0]]);

    const model = readTflite(bytes);
    assert.deepEqual(model.operatorCodes.map((c) => [c.builtinCode, c.builtinName]), [[code, 'STABLEHLO_ADD'], [0, 'ADD']]);
    assert.deepEqual(opNames(only(model.subgraphs)), ['STABLEHLO_ADD', 'ADD']);
  });
});

describe('ModelBuilder: round trip through readTflite', () => {
  it('reads back the KWS DS-CNN: ops, versions, shapes, int8 quantization', () => {
    const model = readTflite(buildKwsDsCnnInt8());
    const g = only(model.subgraphs);
    const blocks = Array.from({ length: 4 }, () => ['DEPTHWISE_CONV_2D', 'CONV_2D']).flat();
    assert.deepEqual(opNames(g), ['CONV_2D', ...blocks, 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    assert.deepEqual(model.operatorCodes.map((c) => `${c.builtinName}/${c.version}`),
      ['CONV_2D/3', 'DEPTHWISE_CONV_2D/3', 'AVERAGE_POOL_2D/2', 'RESHAPE/1', 'FULLY_CONNECTED/4', 'SOFTMAX/2']);
    const outShapes = g.operators.map((op) => g.tensors[only(op.outputs)]?.shape);
    assert.deepEqual(outShapes, [...Array(9).fill([1, 25, 5, 64]), [1, 1, 1, 64], [1, 64], [1, 12], [1, 12]]);
    assert.deepEqual(g.inputs.map((i) => g.tensors[i]?.shape), [[1, 49, 10, 1]]);
    assert.deepEqual(g.outputs.map((i) => g.tensors[i]?.name), ['softmax']);
    assert.equal(model.minRuntimeVersion, '1.14.0');

    // Every activation is int8; weights int8 per-channel on the output-channel axis; biases int32 at in x w scale.
    for (const op of g.operators) {
      const out = g.tensors[only(op.outputs)];
      assert.equal(out?.dtype, 'INT8');
      assert.equal(out?.quantization?.scale.length, 1);
      if (op.opName !== 'CONV_2D' && op.opName !== 'DEPTHWISE_CONV_2D') continue;
      const [input, weights, bias] = op.inputs.map((i) => g.tensors[i]);
      assert.equal(weights?.dtype, 'INT8');
      assert.equal(weights?.quantization?.scale.length, 64);
      assert.equal(weights?.quantization?.quantizedDimension, op.opName === 'CONV_2D' ? 0 : 3);
      assert.ok(weights?.quantization?.zeroPoint.every((z) => z === 0));
      assert.equal(bias?.dtype, 'INT32');
      const inScale = only(input?.quantization?.scale ?? []);
      bias?.quantization?.scale.forEach((s, c) => assert.equal(s, f32(inScale * (weights?.quantization?.scale[c] ?? NaN))));
      assert.deepEqual(op.options, { ...op.options, fusedActivationFunction: 'RELU', padding: 'SAME' });
    }
    const first = only(g.operators);
    assert.deepEqual([first.options.strideW, first.options.strideH], [2, 2]);
    assert.deepEqual(g.tensors[only(first.inputs, 1)]?.shape, [64, 10, 4, 1]);
    const pool = only(g.operators, 9);
    assert.deepEqual([pool.options.filterHeight, pool.options.filterWidth, pool.options.padding], [25, 5, 'VALID']);
    const softmax = g.tensors[only(only(g.operators, 12).outputs)];
    assert.deepEqual([softmax?.quantization?.scale, softmax?.quantization?.zeroPoint], [[1 / 256], [-128]]);
    const fcWeights = g.tensors[only(only(g.operators, 11).inputs, 1)];
    assert.deepEqual([fcWeights?.shape, fcWeights?.quantization?.scale.length], [[12, 64], 1]);
    assert.deepEqual(g.tensors[only(g.inputs)]?.shapeSignature, [-1, 49, 10, 1]);
  });

  it('reads back the float sine model', () => {
    const g = only(readTflite(buildSineFloat()).subgraphs);
    assert.deepEqual(opNames(g), ['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    assert.deepEqual(g.operators.map((op) => op.options.fusedActivationFunction), ['RELU', 'RELU', 'NONE']);
    assert.deepEqual(g.operators.map((op) => g.tensors[only(op.inputs, 1)]?.shape), [[16, 1], [16, 16], [1, 16]]);
    assert.ok(g.tensors.every((t) => t.dtype === 'FLOAT32' && t.quantization === null));
  });

  it('reads back multiple subgraphs: IF with its branches', () => {
    const model = readTflite(buildIfModel());
    assert.deepEqual(model.subgraphs.map((g) => [g.name, opNames(g)]),
      [['main', ['LESS', 'IF']], ['then_add', ['ADD']], ['else_mul', ['MUL']]]);
    const [less, iff] = only(model.subgraphs).operators;
    assert.equal(less?.optionsType, 'LessOptions');
    assert.deepEqual(iff?.options, { thenSubgraphIndex: 1, elseSubgraphIndex: 2 });
    assert.deepEqual(model.operatorCodes.map((c) => c.builtinName), ['LESS', 'IF', 'ADD', 'MUL']);
  });

  it('shares one operator code per (op, custom code, version)', () => {
    const model = singleOp((g, x) => {
      let y = x;
      for (const version of [1, 1, 2, 1]) y = g.op('RELU', { inputs: [y], output: { name: `r${version}`, shape: [1, 4], dtype: 'FLOAT32' }, version });
      g.customOp('MyOp', { inputs: [y], output: { name: 'c1', shape: [1, 4], dtype: 'FLOAT32' } });
      g.output(g.customOp('MyOp', { inputs: [y], output: { name: 'c2', shape: [1, 4], dtype: 'FLOAT32' } }));
    });
    assert.deepEqual(model.operatorCodes.map((c) => `${c.builtinName}:${c.customCode}:${c.version}`),
      ['RELU:null:1', 'RELU:null:2', 'CUSTOM:MyOp:1']);
    assert.deepEqual(only(model.subgraphs).operators.map((op) => op.opcodeIndex), [0, 0, 1, 0, 2, 2]);
  });

  it('writes custom ops with their custom_code and custom options bytes', () => {
    const options = new Uint8Array([1, 2, 3, 250, 0, 7]);
    const g = only(singleOp((g, x) => {
      g.output(g.customOp('SignalRfft', { inputs: [x, null], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' }, customOptions: options, version: 2 }));
    }).subgraphs);
    const op = only(g.operators);
    assert.equal(op.opName, 'CUSTOM:SignalRfft');
    assert.deepEqual([op.customCode, op.version, op.inputs], ['SignalRfft', 2, [0, -1]]);
    assert.deepEqual(op.customOptions && [...op.customOptions], [...options]);
  });

  it('writes variable tensors, intermediates and shape signatures', () => {
    const g = only(singleOp((g, x) => {
      const state = g.variable({ name: 'state', shape: [1, 8], dtype: 'FLOAT32' });
      const init = g.variable({ name: 'init', shape: [2], dtype: 'INT16', data: [3, -4] });
      const tmp = g.tensor({ name: 'tmp', shape: [1, 4], dtype: 'FLOAT32', shapeSignature: [-1, 4] });
      g.output(g.op('SVDF', {
        inputs: [x, null, null, null, state],
        intermediates: [tmp],
        outputs: [{ name: 'y', shape: [1, 2], dtype: 'FLOAT32' }, init],
        options: { rank: 2, fusedActivationFunction: 'RELU' },
      })[0]!);
    }).subgraphs);
    const byName = new Map(g.tensors.map((t) => [t.name, t]));
    assert.deepEqual([byName.get('state')?.isVariable, byName.get('state')?.buffer, byName.get('state')?.isConstant], [true, 0, false]);
    assert.deepEqual([byName.get('init')?.isVariable, byName.get('init')?.isConstant, byName.get('init')?.dtype], [true, true, 'INT16']);
    assert.equal(byName.get('x')?.isVariable, false);
    assert.deepEqual(byName.get('tmp')?.shapeSignature, [-1, 4]);
    const op = only(g.operators);
    assert.deepEqual([op.inputs, op.outputs, op.intermediates], [[0, -1, -1, -1, 1], [4, 2], [3]]);
    assert.deepEqual(op.options, { rank: 2, fusedActivationFunction: 'RELU', asymmetricQuantizeInputs: false });
  });

  it('writes per-tensor and per-channel quantization with min/max', () => {
    const g = only(singleOp((g) => {
      g.constant({ name: 'w', shape: [2, 3], dtype: 'INT8', data: [1, 2, 3, -1, -2, -3],
        quant: { scale: [0.5, 0.25, 0.125], zeroPoint: [0, 1, -1], quantizedDimension: 1, min: [-1, -2, -3], max: [1, 2, 3] } });
      g.constant({ name: 'u', shape: [1], dtype: 'UINT8', data: [200], quant: { scale: [0.1], zeroPoint: [128] } });
    }).subgraphs);
    const [, w, u] = g.tensors;
    assert.deepEqual(w?.quantization, { scale: [0.5, 0.25, 0.125], zeroPoint: [0, 1, -1], quantizedDimension: 1,
      min: [-1, -2, -3], max: [1, 2, 3], hasDetails: false });
    assert.deepEqual([u?.quantization?.scale, u?.quantization?.zeroPoint, u?.quantization?.quantizedDimension], [[f32(0.1)], [128], 0]);
  });

  it('writes metadata, OfflineMemoryAllocation and signature defs', () => {
    const m = new ModelBuilder({ description: 'meta' });
    const g = m.subgraph('main');
    const x = g.input({ name: 'x', shape: [4], dtype: 'INT8' });
    const y = g.op('RELU', { inputs: [x], output: { name: 'y', shape: [4], dtype: 'INT8' } });
    g.output(y);
    m.minRuntimeVersion('2.3.0').metadata('custom_meta', new Uint8Array([9, 8, 7]));
    m.offlineMemoryAllocation([[0, -1]]);
    m.signatureDef('serving_default', g, [{ name: 'in', tensor: x }], [{ name: 'out', tensor: y }]);
    const model = readTflite(m.finish());
    assert.equal(model.description, 'meta');
    assert.deepEqual(model.metadata.map((e) => [e.name, e.buffer]), [['min_runtime_version', 1], ['custom_meta', 2], ['OfflineMemoryAllocation', 3]]);
    assert.equal(model.minRuntimeVersion, '2.3.0');
    assert.deepEqual(model.offlineMemoryAllocation, { version: 1, subgraphs: 1, offsets: [0, -1] });
    assert.deepEqual(model.signatureDefs, [{ signatureKey: 'serving_default', subgraphIndex: 0,
      inputs: [{ name: 'in', tensorIndex: 0 }], outputs: [{ name: 'out', tensorIndex: 1 }] }]);
  });

  it('writes the control-flow options WHILE and CALL_ONCE', () => {
    const m = new ModelBuilder();
    const main = m.subgraph('main');
    const cond = m.subgraph('cond');
    const body = m.subgraph('body');
    const init = m.subgraph('init');
    const x = main.input({ name: 'x', shape: [1], dtype: 'INT32' });
    main.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: init.index } });
    main.output(main.op('WHILE', { inputs: [x], output: { name: 'y', shape: [1], dtype: 'INT32' },
      options: { condSubgraphIndex: cond.index, bodySubgraphIndex: body.index } }));
    const model = readTflite(m.finish());
    assert.deepEqual(model.subgraphs.map((s) => s.name), ['main', 'cond', 'body', 'init']);
    assert.deepEqual(only(model.subgraphs).operators.map((op) => [op.opName, op.options]),
      [['CALL_ONCE', { initSubgraphIndex: 3 }], ['WHILE', { condSubgraphIndex: 1, bodySubgraphIndex: 2 }]]);
  });
});

describe('ModelBuilder: refusals', () => {
  type Setup = { m: ModelBuilder; g: SubgraphBuilder; other: SubgraphBuilder; x: TensorRef };
  const out = { name: 'y', shape: [2], dtype: 'FLOAT32' } as const;
  const cases: [string, (s: Setup) => unknown, RegExp][] = [
    ['a tensor of another subgraph', ({ other, x }) => other.op('RELU', { inputs: [x], output: out }), /belongs to subgraph 0, not 1/],
    ['an unknown option field', ({ g, x }) => g.op('CONV_2D', { inputs: [x], output: out, options: { stride: 2 } as never }), /Conv2DOptions has no field 'stride'/],
    ['an unknown enum value', ({ g, x }) => g.op('CONV_2D', { inputs: [x], output: out, options: { padding: 'FULL' as never } }), /padding must be one of SAME, VALID/],
    ['a non-integer int field', ({ g, x }) => g.op('CONV_2D', { inputs: [x], output: out, options: { strideW: 1.5 } }), /strideW must be an integer/],
    ['options on an op without a table', ({ g, x }) => g.op('RELU', { inputs: [x], output: out, options: {} as never }), /RELU takes no builtin options/],
    ['an unknown op name', ({ g, x }) => g.op('NOT_AN_OP', { inputs: [x], output: out }), /unknown builtin op NOT_AN_OP/],
    ['CUSTOM as a builtin', ({ g, x }) => g.op('CUSTOM', { inputs: [x], output: out }), /use customOp/],
    ['a version of 0', ({ g, x }) => g.op('RELU', { inputs: [x], output: out, version: 0 }), /positive integer/],
    ['too few values', ({ g }) => g.constant({ name: 'c', shape: [3], dtype: 'INT8', data: [1, 2] }), /3 elements given 2 values/],
    ['an out-of-range value', ({ g }) => g.constant({ name: 'c', shape: [1], dtype: 'INT8', data: [128] }), /128 is not a valid INT8 value/],
    ['data and raw together', ({ g }) => g.constant({ name: 'c', shape: [1], dtype: 'INT8', data: [1], raw: new Uint8Array(1) }), /data or raw, not both/],
    ['per-channel scales not matching the axis', ({ g }) => g.tensor({ name: 'q', shape: [2, 3], dtype: 'INT8', quant: { scale: [1, 1, 1], zeroPoint: [0, 0, 0] } }), /3 per-channel scales, dimension 0 is 2/],
    ['a constant with bad quantization', ({ g }) => g.constant({ name: 'c', shape: [2], dtype: 'INT8', data: [1, 2], quant: { scale: [1, 1, 1], zeroPoint: [0, 0, 0] } }), /3 per-channel scales/],
    ['a negative dimension', ({ g }) => g.tensor({ name: 'n', shape: [-1, 3], dtype: 'INT8' }), /bad dimension -1/],
    ['an IF naming a missing subgraph', ({ m, g, x }) => {
      g.op('IF', { inputs: [x], output: out, options: { thenSubgraphIndex: 1, elseSubgraphIndex: 2 } });
      return m.finish();
    }, /elseSubgraphIndex is 2, the model has 2 subgraphs/],
    ['offsets not matching the tensor count', ({ m }) => m.offlineMemoryAllocation([[0, 0]]).finish(), /lists 2 offsets for subgraph 0, which has 1 tensors/],
  ];
  for (const [what, act, error] of cases) {
    it(`refuses ${what}`, () => {
      const m = new ModelBuilder();
      const g = m.subgraph();
      const other = m.subgraph();
      const x = g.input({ name: 'x', shape: [2], dtype: 'FLOAT32' });
      const before = g.tensorCount;
      const bytesBefore = m.finish().length;
      assert.throws(() => act({ m, g, other, x }), error);
      // A refused call leaves nothing half-built behind (finish() refusals come after a complete op).
      if (!what.startsWith('an IF')) {
        assert.equal(g.tensorCount + other.tensorCount, before);
        if (!what.startsWith('offsets')) assert.equal(m.finish().length, bytesBefore);
      }
    });
  }
});

describe('examples/', () => {
  for (const [name, build] of Object.entries(EXAMPLES)) {
    it(`${name} is what the builders produce now (rerun npm run examples)`, () => {
      const committed = new Uint8Array(readFileSync(join(__dirname, '..', '..', 'examples', name)));
      assert.ok(Buffer.from(committed).equals(Buffer.from(build())), `${name} is stale`);
    });
  }
});
