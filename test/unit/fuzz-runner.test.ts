import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaseRunner } from '../fuzz/runner.ts';

// The runner's bounds end every case: a busy one by the CPU time its child spends, a blocked one by wall time (ten
// budgets). Each assertion is on how the case ended, not on how long it took.
test('a case that spins is a hang once its child has spent its CPU budget', async () => {
  // The wall bound is set far away (1,000 budgets: 5 min), so only the CPU bound can end this case.
  const runner = new CaseRunner({ rssLimitBytes: 1024 * 1024 * 1024, wallBudgets: 1000 });
  try {
    const result = await runner.run({ type: 'endless', how: 'cpu' }, 300);
    assert.deepEqual(result, { status: 'hang', budgetMs: 300, bound: 'cpu' });
  } finally {
    runner.stop();
  }
});

test('a case that blocks without using CPU is a hang after ten budgets of wall time', async () => {
  const runner = new CaseRunner({ rssLimitBytes: 1024 * 1024 * 1024 });
  try {
    const result = await runner.run({ type: 'endless', how: 'sleep' }, 200);
    assert.deepEqual(result, { status: 'hang', budgetMs: 200, bound: 'wall' });
  } finally {
    runner.stop();
  }
});

test('after a hang the runner starts a fresh child and the next case runs to its end', async () => {
  const runner = new CaseRunner({ rssLimitBytes: 1024 * 1024 * 1024 });
  try {
    assert.equal((await runner.run({ type: 'endless', how: 'cpu' }, 200)).status, 'hang');
    const next = await runner.run({ type: 'gen', seed: 1, index: 0, profile: 'quick' }, 60_000);
    assert.equal(next.status, 'done');
  } finally {
    runner.stop();
  }
});
