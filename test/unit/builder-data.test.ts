/**
 * The builder's value helpers: tensor data encoding (byte-exact, little-endian), int8 quantization parameters, the
 * seeded PRNG and conv output sizes.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/builder.js';
import { bfloat16Bits, encodeTensorData, float16Bits, halfToFloat } from '../../server/src/model/builder/encode.js';
import { activationQuantInt8, quantizeBiasInt32, quantizeSymmetricInt8 } from '../../server/src/model/builder/quant.js';
import { mulberry32, SeededRandom } from '../../server/src/model/builder/random.js';
import { convOutputSize } from '../../server/src/model/builder/shapes.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

const bytes = (dtype: DType, count: number, data: Parameters<typeof encodeTensorData>[2]): number[] =>
  [...encodeTensorData(dtype, count, data)];

describe('encodeTensorData', () => {
  const cases: [DType, number, Parameters<typeof encodeTensorData>[2], number[]][] = [
    ['INT8', 3, [-128, 0, 127], [0x80, 0, 0x7f]],
    ['UINT8', 2, [0, 255], [0, 255]],
    ['BOOL', 3, [true, false, true], [1, 0, 1]],
    ['INT16', 2, [1, -2], [1, 0, 0xfe, 0xff]],
    ['UINT16', 1, [0xabcd], [0xcd, 0xab]],
    ['INT32', 1, [-2], [0xfe, 0xff, 0xff, 0xff]],
    ['UINT32', 1, [0x01020304], [4, 3, 2, 1]],
    ['INT64', 2, [-1n, 258], [255, 255, 255, 255, 255, 255, 255, 255, 2, 1, 0, 0, 0, 0, 0, 0]],
    ['UINT64', 1, [2n ** 63n], [0, 0, 0, 0, 0, 0, 0, 0x80]],
    ['FLOAT32', 2, [1, -2], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]],
    ['FLOAT64', 1, [1], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]],
    ['FLOAT16', 2, [1, -2], [0x00, 0x3c, 0x00, 0xc0]],
    ['BFLOAT16', 1, [1], [0x80, 0x3f]],
    ['COMPLEX64', 1, [1, -2], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]],
    ['INT4', 3, [1, -1, 7], [0xf1, 0x07]],
    // count, offsets[count + 1] from the buffer start, then UTF-8 bytes.
    ['STRING', 2, ['ab', 'é'], [2, 0, 0, 0, 16, 0, 0, 0, 18, 0, 0, 0, 20, 0, 0, 0, 0x61, 0x62, 0xc3, 0xa9]],
  ];
  for (const [dtype, count, data, expected] of cases) {
    it(`encodes ${dtype}`, () => assert.deepEqual(bytes(dtype, count, data), expected));
  }

  it('rounds float16 and bfloat16 to nearest-even, with subnormals, overflow and NaN', () => {
    assert.deepEqual([65504, 65520, 1e-7, 5.960464477539063e-8, 6.103515625e-5, 0.1, -0, Infinity].map(float16Bits),
      [0x7bff, 0x7c00, 0x0002, 0x0001, 0x0400, 0x2e66, 0x8000, 0x7c00]);
    assert.equal(float16Bits(NaN) & 0x7c00, 0x7c00);
    assert.notEqual(float16Bits(NaN) & 0x3ff, 0);
    // 1 + 2^-8 is exactly halfway between two bfloat16 values: ties go to the even one (1.0).
    assert.deepEqual([1 + 2 ** -8, 1 + 3 * 2 ** -8, -2].map(bfloat16Bits), [0x3f80, 0x3f82, 0xc000]);
  });

  it('refuses values that would wrap, and types without data', () => {
    assert.throws(() => encodeTensorData('UINT8', 1, [-1]), /not a valid UINT8/);
    assert.throws(() => encodeTensorData('INT32', 1, [0.5]), /not a valid INT32/);
    assert.throws(() => encodeTensorData('INT4', 1, [8]), /not a valid INT4/);
    assert.throws(() => encodeTensorData('INT64', 1, [2 ** 60]), /bigint or a safe integer/);
    assert.throws(() => encodeTensorData('COMPLEX64', 2, [1, 2]), /2 elements given 2 values/);
    assert.throws(() => encodeTensorData('RESOURCE', 0, []), /cannot hold constant data/);
  });

  it('stores constants of every dtype so the reader finds the same bytes', () => {
    const m = new ModelBuilder();
    const g = m.subgraph();
    const expected = new Map<string, number[]>();
    for (const [dtype, count, data, encoded] of cases) {
      g.constant({ name: dtype, shape: [count], dtype, data });
      expected.set(dtype, encoded);
    }
    g.constant({ name: 'raw', shape: [2], dtype: 'FLOAT16', raw: new Uint8Array([1, 2, 3, 4]) });
    expected.set('raw', [1, 2, 3, 4]);
    const file = m.finish();
    const model = readTflite(file);
    for (const t of model.subgraphs[0]?.tensors ?? []) {
      const buffer = model.buffers[t.buffer];
      assert.ok(buffer, t.name);
      assert.deepEqual([...file.subarray(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)], expected.get(t.name), t.name);
      assert.equal(t.dtype, t.name === 'raw' ? 'FLOAT16' : t.name);
    }
  });
});

describe('int8 quantization helpers', () => {
  it('quantizes weights symmetrically per channel, maxima to +-127', () => {
    const q = quantizeSymmetricInt8([1, -0.5, 0.25, 0, 0, 0], [3, 2], 0);
    assert.deepEqual(q.quant.scale, [Math.fround(1 / 127), Math.fround(0.25 / 127), 1]);
    assert.deepEqual(q.quant.zeroPoint, [0, 0, 0]);
    assert.deepEqual([...q.data], [127, -64, 127, 0, 0, 0]);
    const perAxis1 = quantizeSymmetricInt8([1, -0.5, 0.25, 0], [2, 2], 1);
    assert.deepEqual([perAxis1.quant.scale, perAxis1.quant.quantizedDimension, [...perAxis1.data]],
      [[Math.fround(1 / 127), Math.fround(0.5 / 127)], 1, [127, -127, 32, 0]]);
    const perTensor = quantizeSymmetricInt8([2, -1], [2], null);
    assert.deepEqual([perTensor.quant.scale, [...perTensor.data]], [[Math.fround(2 / 127)], [127, -64]]);
  });

  it('quantizes biases at input scale x weight scale, zero point 0', () => {
    const q = quantizeBiasInt32([0.5, -0.25], 0.5, [0.01, 0.02]);
    assert.deepEqual(q.quant.scale, [Math.fround(Math.fround(0.5) * Math.fround(0.01)), Math.fround(0.5 * Math.fround(0.02))]);
    assert.deepEqual([...q.data], [100, -25]);
    assert.throws(() => quantizeBiasInt32([1, 2, 3], 1, [1, 2]), /2 weight scales for 3 biases/);
  });

  it('chooses activation parameters whose range contains zero', () => {
    assert.deepEqual(activationQuantInt8(0, 6), { scale: [Math.fround(6 / 255)], zeroPoint: [-128] });
    assert.deepEqual(activationQuantInt8(2, 5).zeroPoint, [-128]);
    assert.deepEqual(activationQuantInt8(-5, -2), { scale: [Math.fround(5 / 255)], zeroPoint: [127] });
    assert.deepEqual(activationQuantInt8(-1, 3), { scale: [Math.fround(4 / 255)], zeroPoint: [-64] });
  });
});

describe('seeded randomness and shapes', () => {
  it('mulberry32 gives the reference sequence', () => {
    const next = mulberry32(1);
    assert.deepEqual([next(), next(), next()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('glorot weights stay within the Glorot limit and repeat for a seed', () => {
    const w = new SeededRandom(3).glorot(1000, 10, 6);
    const limit = Math.sqrt(6 / 16);
    assert.ok(w.every((v) => Math.abs(v) <= limit));
    assert.ok(Math.max(...w) > 0.9 * limit && Math.min(...w) < -0.9 * limit);
    assert.deepEqual(new SeededRandom(3).glorot(1000, 10, 6), w);
  });

  it('computes TFLite conv output sizes', () => {
    assert.deepEqual([convOutputSize(49, 10, 2, 'SAME'), convOutputSize(10, 4, 2, 'SAME'), convOutputSize(25, 25, 25, 'VALID'),
      convOutputSize(10, 3, 1, 'VALID', 2)], [25, 5, 1, 6]);
    assert.throws(() => convOutputSize(5, 7, 1, 'VALID'), /does not fit/);
  });
});

it('halfToFloat inverts float16Bits on every finite half value, and reads infinities, NaN and subnormals', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exponent = (bits >> 10) & 0x1f;
    if (exponent === 0x1f) continue;
    assert.equal(float16Bits(halfToFloat(bits)), bits, `bits ${bits.toString(16)}`);
  }
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
});
