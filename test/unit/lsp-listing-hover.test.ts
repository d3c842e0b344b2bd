import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAME_CHARS, shortName } from '../../server/src/lsp/listing-hover.ts';

test('a long tensor name is cut in the middle to a bounded width; short names stay whole', () => {
  const long = 'StatefulPartitionedCall:0/sequential/conv2d_3/BiasAdd;sequential/conv2d_3/Conv2D;conv2d_3/bias';
  const cut = shortName(long);
  assert.equal([...cut].length, NAME_CHARS);
  assert.ok(cut.startsWith('StatefulPart'));
  assert.ok(cut.endsWith('conv2d_3/bias'));
  assert.ok(cut.includes('…'));
  assert.equal(shortName('input_1'), 'input_1');
  // Characters, not UTF-16 units: an emoji is never split in half.
  const emoji = '😀'.repeat(40);
  assert.equal([...shortName(emoji)].length, NAME_CHARS);
  assert.ok(!shortName(emoji).includes('\ufffd'));
});
