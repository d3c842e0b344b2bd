import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowKey } from '../../server/src/lsp/listing.ts';
import { listingUri, parseListingUri } from '../../server/src/lsp/protocol.ts';

test('listing URIs round-trip paths with spaces, runtimes and targets', () => {
  const uri = listingUri('/home/me/my models/kws.tflite', { runtime: 'ethos-u', target: 'alif-e7' });
  assert.equal(uri, 'tinyml-listing:/home/me/my%20models/kws.tflite.listing?runtime=ethos-u&target=alif-e7');
  assert.deepEqual(parseListingUri(uri), { modelPath: '/home/me/my models/kws.tflite', runtime: 'ethos-u', target: 'alif-e7' });
  assert.deepEqual(parseListingUri(listingUri('/m.tflite')), { modelPath: '/m.tflite', runtime: null, target: null });
});

test('Windows drive paths and VS Code encodings', () => {
  const uri = listingUri('C:\\models\\kws.tflite');
  assert.equal(uri, 'tinyml-listing:/C:/models/kws.tflite.listing');
  assert.equal(parseListingUri(uri)?.modelPath, 'C:/models/kws.tflite');
  assert.equal(parseListingUri('tinyml-listing:/c%3A/models/kws.tflite.listing?runtime%3Dtflm-reference')?.runtime, 'tflm-reference');
  assert.equal(parseListingUri('tinyml-listing:/c%3A/models/kws.tflite.listing')?.modelPath, 'c:/models/kws.tflite');
});

test('not listing URIs', () => {
  assert.equal(parseListingUri('file:///m.tflite'), null);
  assert.equal(parseListingUri('tinyml-listing:/m.tflite'), null);
  assert.equal(parseListingUri('tinyml-listing:.listing'), null);
});

test('rowKey reads single- and multi-subgraph rows and locates the op', () => {
  const single = '  12  CONV_2D  [1,2]  INT8  10  20  30';
  assert.deepEqual(rowKey(single), { subgraph: 0, index: 12, opStart: 6, opEnd: 13 });
  const multi = '1:3  CUSTOM:Foo  [1]  -';
  const key = rowKey(multi);
  assert.equal(key?.subgraph, 1);
  assert.equal(key?.index, 3);
  assert.equal(multi.slice(key!.opStart, key!.opEnd), 'CUSTOM:Foo');
  assert.equal(rowKey('#  op  output shape'), null);
  assert.equal(rowKey('tensor arena      1 KiB'), null);
});
