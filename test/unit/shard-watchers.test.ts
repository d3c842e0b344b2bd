import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShardWatchers } from '../../server/src/lsp/shard-watchers.ts';

test('a shard name gets one watcher, once; .bin names and names with glob characters get none', () => {
  const registered: string[][] = [];
  const w = new ShardWatchers((globs) => registered.push(globs));
  w.watch(['/m/a/group1-shard1of2', '/m/b/group1-shard1of2', '/m/a/weights.bin', '/m/a/odd[1]']);
  assert.deepEqual(registered, [['**/group1-shard1of2']]);
  w.watch(['/m/c/group1-shard1of2']);
  assert.equal(registered.length, 1, 'a name already watched is not registered again');
  w.watch(['/m/c/group1-shard2of2', '/m/c/WEIGHTS.BIN']);
  assert.deepEqual(registered[1], ['**/group1-shard2of2']);
});
