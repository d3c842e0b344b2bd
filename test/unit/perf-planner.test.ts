/**
 * The greedy planner finds the buffers live at the same time through an index over lifetimes instead of scanning
 * every placed buffer: its plans must be those of TFLM's scan, restated here in its plain quadratic form.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGreedy, type Plan, type PlannerBuffer } from '../../server/src/analysis/tflm/planner.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';

/** GreedyMemoryPlanner as TFLM writes it: a list sorted by offset, scanned whole for every buffer. */
function scanPlan(buffers: readonly PlannerBuffer[]): Plan {
  const offsets = buffers.map(() => -1);
  const offline = buffers.map((_, i) => i).filter((i) => buffers[i]!.offlineOffset !== -1);
  const online = buffers.map((_, i) => i).filter((i) => buffers[i]!.offlineOffset === -1).reverse();
  online.sort((a, b) => buffers[b]!.size - buffers[a]!.size);
  const placed: number[] = []; // by offset, ties in placement order
  [...offline, ...online].forEach((id, n) => {
    const w = buffers[id]!;
    let offset = w.offlineOffset === -1 ? 0 : w.offlineOffset;
    if (n > 0 && w.offlineOffset === -1) {
      for (const other of placed) {
        const b = buffers[other]!;
        if (b.first > w.last || w.first > b.last) continue;
        if (offsets[other]! - offset >= w.size) break;
        offset = Math.max(offset, offsets[other]! + b.size);
      }
    }
    offsets[id] = offset;
    let at = placed.length;
    while (at > 0 && offsets[placed[at - 1]!]! > offset) at--;
    placed.splice(at, 0, id);
  });
  return { offsets, maxBytes: buffers.reduce((m, b, i) => Math.max(m, offsets[i]! + b.size), 0) };
}

test('plans equal the whole-list scan on random buffers (lifetimes of all lengths, offline buffers, empty lifetimes)', () => {
  const rng = new SeededRandom(15);
  const int = (n: number): number => Math.floor(rng.float() * n);
  for (let round = 0; round < 400; round++) {
    const steps = 1 + int(40);
    const buffers: PlannerBuffer[] = Array.from({ length: 1 + int(60) }, () => {
      const first = int(steps + 2) - 1;
      const last = rng.float() < 0.1 ? first - 1 : first + int(rng.float() < 0.2 ? steps : 4);
      const offlineOffset = rng.float() < 0.1 ? 16 * int(12) : -1;
      return { size: 16 * (1 + int(8)), first, last, offlineOffset };
    });
    assert.deepEqual(planGreedy(buffers), scanPlan(buffers), `round ${round}`);
  }
});

test('a long chain plans like the scan (each buffer beside its neighbours only)', () => {
  const buffers: PlannerBuffer[] = Array.from({ length: 3000 }, (_, i) => ({ size: 16 * (1 + (i % 5)), first: i, last: i + 1 + (i % 3), offlineOffset: -1 }));
  assert.deepEqual(planGreedy(buffers), scanPlan(buffers));
});
