/**
 * The constant data the reader hands to the analysis (`Buffer.data`, `constantData`): a checked view on the file's
 * bytes, never a copy, and never anything that reaches past the bytes it was given.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelFormatError } from '../../server/src/model/errors';
import { constantData, type Model } from '../../server/src/model/ir';
import { readTflite } from '../../server/src/model/tflite/reader';
import { buildModel, richModel } from './helpers/tflite-fixture';

/** Four UINT8 tensors: two sharing buffer 1, one on an empty buffer, one on the sentinel. */
function sharedAndEmpty(): Uint8Array {
  return buildModel({
    subgraphs: [{ tensors: [
      { shape: [3], type: 3, buffer: 1 }, { shape: [3], type: 3, buffer: 1 },
      { shape: [3], type: 3, buffer: 2 }, { shape: [3], type: 3, buffer: 0 },
    ] }],
    buffers: [{}, { data: [5, 6, 7] }, { data: [] }],
  });
}

function tensors(m: Model): Model['subgraphs'][number]['tensors'] {
  return m.subgraphs[0]?.tensors ?? [];
}

/** Every data view of `m` lies inside `bytes` (same backing store, in range). */
function viewsWithin(m: Model, bytes: Uint8Array): boolean {
  return m.buffers.every((b) => b.data === undefined
    || (b.data.buffer === bytes.buffer && b.data.byteOffset >= bytes.byteOffset
      && b.data.byteOffset + b.data.length <= bytes.byteOffset + bytes.length));
}

describe('constant data', () => {
  test('a constant tensor exposes its buffer as a view on the file, not a copy', () => {
    const bytes = sharedAndEmpty();
    const m = readTflite(bytes);
    const data = constantData(m, tensors(m)[0]!);
    assert.ok(data);
    assert.deepEqual([...data], [5, 6, 7]);
    assert.equal(data.buffer, bytes.buffer);
    assert.equal(data.byteOffset - bytes.byteOffset, m.buffers[1]?.byteOffset);
    bytes[m.buffers[1]!.byteOffset] = 9;
    assert.equal(data[0], 9, 'a view sees the file change');
  });

  test('tensors sharing a buffer share its one view', () => {
    const m = readTflite(sharedAndEmpty());
    assert.equal(constantData(m, tensors(m)[0]!), constantData(m, tensors(m)[1]!));
  });

  test('tensors without data have none: an empty buffer, the sentinel buffer 0', () => {
    const m = readTflite(sharedAndEmpty());
    assert.equal(constantData(m, tensors(m)[2]!), null);
    assert.equal(constantData(m, tensors(m)[3]!), null);
    assert.equal(m.buffers[0]?.data, undefined);
    assert.equal(m.buffers[2]?.data, undefined);
  });

  test('data stored after the flatbuffer (offset/size) is a view too', () => {
    const tail = [0, 0, 0, 0, 10, 20, 30, 40];
    const spec = (offset: bigint) => buildModel({
      subgraphs: [{ tensors: [{ shape: [4], type: 3, buffer: 1 }] }], buffers: [{}, { offset, size: 4n }], tail,
    });
    const start = spec(2n).length - tail.length + 4;
    const bytes = spec(BigInt(start));
    const m = readTflite(bytes);
    assert.equal(m.buffers[1]?.external, true);
    assert.deepEqual([...(constantData(m, tensors(m)[0]!) ?? [])], [10, 20, 30, 40]);
    assert.ok(viewsWithin(m, bytes));
  });

  test('a buffer whose data runs past the end of the file is a located ModelFormatError', () => {
    const bytes = sharedAndEmpty();
    const lengthAt = readTflite(bytes).buffers[1]!.byteOffset - 4;
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(lengthAt, bytes.length, true);
    assert.throws(() => readTflite(bytes), (e: unknown) => e instanceof ModelFormatError && e.code === 'truncated'
      && e.where === 'buffers[1].data' && e.offset === lengthAt);
  });

  test('a model read from a prefix of a file never holds a view past that prefix', () => {
    const full = richModel();
    for (let cut = 8; cut <= full.length; cut++) {
      const bytes = full.subarray(0, cut);
      try {
        assert.ok(viewsWithin(readTflite(bytes), bytes), `cut at ${cut}`);
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw e;
      }
    }
  });
});
