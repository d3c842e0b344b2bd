/**
 * SizeNeed against the allocator itself: random request sequences (persistent, temporary, temp reset, head resize,
 * the planner's borrowing), replayed in a large arena with a SizeNeed, must say of every smaller arena size what a
 * replay at that size does. Temporaries between two tail requests are folded into their highest end, so the
 * sequences interleave many of them, of varied ends, with tail requests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArenaExhausted, ArenaModel, SizeNeed } from '../../server/src/analysis/tflm/arena.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';

type Request = (a: ArenaModel) => void;

/** The planner refuses: less memory left than its bookkeeping needs (interpreter.ts refuses the arena then). */
class TooLittle extends Error {}

function randomRequests(random: SeededRandom, count: number): Request[] {
  const aligns = [1, 2, 4, 8, 16];
  const out: Request[] = [];
  for (let i = 0; i < count; i++) {
    const size = random.int(0, 300);
    const align = aligns[random.int(0, aligns.length - 1)]!;
    const kind = random.int(0, 9);
    if (kind <= 2) out.push((a) => void a.persistent(size, align, random.int(0, 3) === 0));
    else if (kind <= 6) out.push((a) => void a.temporary(size, align));
    else if (kind === 7) out.push((a) => a.resetTemp());
    else if (kind === 8) out.push((a) => a.resizeHead(size, align));
    else {
      // The planner's borrowing: all that is left, which must hold `size` bytes of its bookkeeping; then released.
      out.push((a) => {
        const rest = a.borrowRest(16, size);
        a.resetTemp();
        if (rest < size) throw new TooLittle();
      });
    }
  }
  return out;
}

/** Whether the sequence allocates in an arena of `size` bytes (its `filled` choices drawn again from `seed`). */
function allocates(size: number, seed: number, count: number, need?: SizeNeed): boolean {
  const requests = randomRequests(new SeededRandom(seed), count);
  const arena = new ArenaModel(size, false, need ?? null);
  try {
    for (const r of requests) r(arena);
    return true;
  } catch (e) {
    if (e instanceof ArenaExhausted || e instanceof TooLittle) return false;
    throw e;
  }
}

test('SizeNeed answers every arena size as a replay at that size does, on random request sequences', () => {
  let compared = 0;
  let refused = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const count = 5 + (seed % 7) * 6;
    const need = new SizeNeed();
    // The same draws decide the `filled` flags in both runs: the closures consume the generator as they run.
    assert.equal(allocates(1 << 20, seed, count, need), true);
    for (let size = 0; size <= 3000; size++) {
      const replayed = allocates(size, seed, count);
      compared++;
      if (!replayed) refused++;
      if (need.exact) assert.equal(need.fits(size), replayed, `seed ${seed}, ${count} requests, arena of ${size} bytes`);
    }
  }
  assert.ok(refused > 0 && refused < compared, 'some sizes allocate and some do not');
});
