import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArenaExhausted, ArenaModel } from '../../server/src/analysis/tflm/arena.js';

test('persistent allocations grow down from the end, aligned downwards', () => {
  const a = new ArenaModel(1000, true);
  a.persistent(36, 4); // 1000-36 = 964, 4-aligned
  assert.equal(a.tailUsed, 36);
  a.persistent(48, 16); // 964-48 = 916 -> 912
  assert.equal(a.tailUsed, 88);
  a.persistent(5, 1);
  assert.equal(a.tailUsed, 93);
});

test('an arena whose end is not 16-aligned pads the first aligned persistent buffer differently', () => {
  // Same requests, ends 8 bytes apart: the 16-aligned buffer absorbs the difference.
  const used = (size: number): number => {
    const a = new ArenaModel(size);
    a.persistent(36, 4);
    a.persistent(48, 16);
    return a.tailUsed;
  };
  assert.equal(used(1024), 96); // 1024-36=988 -> 940 -> 928
  assert.equal(used(1032), 88); // 1032-36=996 -> 948 -> 944
});

test('temporaries stack above the head, aligned upwards, and are released only by resetTemp', () => {
  const a = new ArenaModel(4096);
  a.resizeHead(144, 4);
  a.temporary(32, 4);
  a.temporary(12, 4);
  a.temporary(8, 16); // 188 -> 192, +8
  assert.equal(a.headUsed, 200);
  a.resetTemp();
  assert.equal(a.headUsed, 144);
});

test('a request that does not fit throws ArenaExhausted with the failing request', () => {
  const a = new ArenaModel(256, true);
  a.persistent(200, 4);
  assert.throws(() => a.temporary(64, 4), (e: unknown) => e instanceof ArenaExhausted && e.event.kind === 'T' && e.event.size === 64);
  const b = new ArenaModel(256);
  b.resizeHead(100, 4);
  // A persistent allocation is checked against the head only (not live temporaries), as in TFLM.
  b.temporary(100, 4);
  b.persistent(150, 4);
  assert.equal(b.tailUsed, 152);
  assert.throws(() => b.persistent(8, 4), ArenaExhausted);
});

test('available() is what the planner may borrow between the aligned temp pointer and the aligned tail', () => {
  const a = new ArenaModel(1000);
  a.persistent(36, 4); // tail at 964 -> aligned down to 960
  a.resizeHead(150, 4); // temp at 150 -> aligned up to 160
  assert.equal(a.available(16), 800);
});
