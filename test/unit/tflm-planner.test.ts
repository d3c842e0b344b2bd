import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGreedy, type PlannerBuffer } from '../../server/src/analysis/tflm/planner.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';

const online = (size: number, first: number, last: number): PlannerBuffer => ({ size, first, last, offlineOffset: -1 });

/** The invariants every plan must keep (as TFLM's own planner tests check). */
function assertValidPlan(buffers: PlannerBuffer[], offsets: number[], maxBytes: number): void {
  assert.equal(offsets.length, buffers.length);
  let end = 0;
  buffers.forEach((a, i) => {
    const oa = offsets[i]!;
    assert.ok(oa >= 0, `buffer ${i} has offset ${oa}`);
    if (a.offlineOffset !== -1) assert.equal(oa, a.offlineOffset, `offline buffer ${i} moved`);
    end = Math.max(end, oa + a.size);
    buffers.forEach((b, j) => {
      if (j <= i || a.offlineOffset !== -1 || b.offlineOffset !== -1) return;
      const liveTogether = !(a.first > b.last || b.first > a.last);
      const ob = offsets[j]!;
      const spaceOverlap = oa < ob + b.size && ob < oa + a.size;
      assert.ok(!(liveTogether && spaceOverlap), `buffers ${i} and ${j} are live together and overlap`);
    });
  });
  assert.equal(maxBytes, end);
}

test('buffers that are never live together share the same offset', () => {
  const plan = planGreedy([online(64, 0, 1), online(64, 2, 3)]);
  assert.deepEqual(plan.offsets, [0, 0]);
  assert.equal(plan.maxBytes, 64);
});

test('a chain of layers ping-pongs between two regions (hello_world shape: 16, 64, 64, 16 bytes)', () => {
  // input [0,1], out0 [1,2], out1 [2,3], out2 [3,3]: largest first (out1, out0 by reversed input order among equals),
  // then each at the lowest gap beside buffers live at the same time.
  const buffers = [online(16, 0, 1), online(64, 1, 2), online(64, 2, 3), online(16, 3, 3)];
  const plan = planGreedy(buffers);
  assert.deepEqual(plan.offsets, [0, 64, 0, 64]);
  assert.equal(plan.maxBytes, 128);
});

test('equal sizes are placed in reversed input order, as the planner fills its sort slice from the back', () => {
  // Three equal buffers all live together: the last given is placed first, at offset 0.
  const plan = planGreedy([online(32, 0, 5), online(32, 0, 5), online(32, 0, 5)]);
  assert.deepEqual(plan.offsets, [64, 32, 0]);
});

test('offline offsets are kept and online buffers fit around them', () => {
  const buffers: PlannerBuffer[] = [{ size: 48, first: 0, last: 9, offlineOffset: 16 }, online(16, 0, 9), online(32, 0, 9)];
  const plan = planGreedy(buffers);
  assert.equal(plan.offsets[0], 16);
  assert.equal(plan.offsets[1], 0); // fits in the gap below the offline buffer
  assert.equal(plan.offsets[2], 64);
  assert.equal(plan.maxBytes, 96);
});

test('random plans keep every invariant', () => {
  const rng = new SeededRandom(7);
  for (let trial = 0; trial < 300; trial++) {
    const n = rng.int(1, 40);
    const buffers = Array.from({ length: n }, () => {
      const first = rng.int(0, 30);
      return online(16 * rng.int(1, 64), first, first + rng.int(0, 6));
    });
    const plan = planGreedy(buffers);
    assertValidPlan(buffers, plan.offsets, plan.maxBytes);
    assert.ok(plan.maxBytes <= buffers.reduce((s, b) => s + b.size, 0));
  }
});
