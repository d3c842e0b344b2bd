import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { JobRequest } from '../../server/src/lsp/worker/messages.ts';
import { AnalysisPool, type JobOutcome } from '../../server/src/lsp/worker/pool.ts';

/**
 * A stand-in analysis worker (real worker_threads, so termination and heap limits are the real ones): the first byte
 * of a job's bytes says what to do — 0 answer with the second byte, 1 spin until terminated, 2 allocate until the
 * heap limit ends the thread, 3 exit.
 */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, request }) => {
  const [what, value] = request.bytes;
  if (what === 1) for (;;) {}
  if (what === 2) { const hoard = []; for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => ({ i }))); }
  if (what === 3) process.exit(7);
  parentPort.postMessage({ id, answer: { kind: 'analysed', report: { value }, support: null } });
});`;

const ANSWER = 0;
const SPIN = 1;
const HOG = 2;
const EXIT = 3;

function pool(size = 1, memoryMb = 64): AnalysisPool {
  return new AnalysisPool({ size, memoryMb, spawn: (mb) => new Worker(WORKER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: mb } }) });
}

const job = (what: number, value = 0): JobRequest => ({ kind: 'parse', bytes: new Uint8Array([what, value]) });
const valueOf = (o: JobOutcome): unknown => (o.kind === 'analysed' ? (o.report as unknown as { value: number }).value : o.kind);

test('requests for one key share one job; other keys queue behind a busy worker and reuse it', async () => {
  const p = pool(1);
  try {
    const [a1, a2, b] = await Promise.all([
      p.run('a', job(ANSWER, 1), { owner: 'doc1', timeoutSeconds: 60 }),
      p.run('a', job(ANSWER, 99), { owner: 'doc2', timeoutSeconds: 60 }),
      p.run('b', job(ANSWER, 2), { timeoutSeconds: 60 }),
    ]);
    assert.equal(valueOf(a1), 1);
    assert.equal(valueOf(a2), 1, 'the second request joined the first job, its own bytes were never sent');
    assert.equal(valueOf(b), 2);
    assert.equal(p.stats.started, 2);
    assert.equal(p.stats.completed, 2);
    assert.equal(p.stats.workers, 1);
  } finally {
    p.dispose();
  }
});

test('a running job whose last owner lets go is cancelled: its worker is replaced and the queue moves on', async () => {
  const p = pool(1);
  try {
    const stuck = p.run('stuck', job(SPIN), { owner: 'doc', timeoutSeconds: 600 });
    const next = p.run('next', job(ANSWER, 5), { owner: 'other', timeoutSeconds: 600 });
    assert.deepEqual(p.load, { queued: 1, running: 1 });
    p.release('doc', new Set(['something-else']));
    assert.equal((await stuck).kind, 'cancelled');
    assert.equal(valueOf(await next), 5);
    assert.equal(p.stats.cancelled, 1);
    assert.equal(p.stats.workers, 2, 'the spinning worker was terminated and a fresh one started');
  } finally {
    p.dispose();
  }
});

test('a job kept by another owner, or pinned, survives a release; a queued one is dropped without starting', async () => {
  const p = pool(1);
  try {
    const shared = p.run('shared', job(ANSWER, 3), { owner: 'a', timeoutSeconds: 600 });
    p.join('shared', 'b');
    const queued = p.run('queued', job(ANSWER, 4), { owner: 'a', timeoutSeconds: 600 });
    const kept = p.run('kept', job(ANSWER, 6), { owner: 'a', timeoutSeconds: 600 });
    p.release('a', new Set(['kept']));
    assert.equal((await queued).kind, 'cancelled');
    assert.equal(valueOf(await shared), 3);
    assert.equal(valueOf(await kept), 6);
    assert.equal(p.stats.started, 2, 'the cancelled job never reached a worker');
    // A release by someone who owns nothing changes nothing.
    const pinned = p.run('pinned', job(ANSWER, 8), { timeoutSeconds: 600 });
    p.release('a');
    assert.equal(valueOf(await pinned), 8);
  } finally {
    p.dispose();
  }
});

test('a job over its time limit fails as `time`, and the next job runs on a replacement worker', async () => {
  const p = pool(1);
  try {
    const slow = await p.run('slow', job(SPIN), { timeoutSeconds: 0.2 });
    assert.deepEqual(slow, { kind: 'failed', failure: { kind: 'time', seconds: 0.2 } });
    assert.equal(valueOf(await p.run('after', job(ANSWER, 9), { timeoutSeconds: 60 })), 9);
    assert.equal(p.stats.timedOut, 1);
    assert.equal(p.stats.workers, 2);
  } finally {
    p.dispose();
  }
});

test('a worker that runs out of heap fails its job as `memory` with the limit, and is replaced', async () => {
  const p = pool(1, 16);
  try {
    const hog = await p.run('hog', job(HOG), { timeoutSeconds: 120 });
    assert.deepEqual(hog, { kind: 'failed', failure: { kind: 'memory', megabytes: 16 } });
    assert.equal(valueOf(await p.run('after', job(ANSWER, 1), { timeoutSeconds: 60 })), 1);
    assert.equal(p.stats.outOfMemory, 1);
    assert.equal(p.stats.workers, 2);
  } finally {
    p.dispose();
  }
});

test('a worker that exits mid-job is a `crash`; a new heap limit replaces idle workers', async () => {
  const p = pool(1);
  try {
    const crash = await p.run('crash', job(EXIT), { timeoutSeconds: 60 });
    assert.equal(crash.kind === 'failed' && crash.failure.kind, 'crash');
    assert.equal(valueOf(await p.run('idle', job(ANSWER, 1), { timeoutSeconds: 60 })), 1);
    const before = p.stats.workers;
    assert.equal(valueOf(await p.run('same', job(ANSWER, 3), { timeoutSeconds: 60 })), 3);
    assert.equal(p.stats.workers, before, 'an idle worker is reused');
    p.setMemoryLimit(128);
    assert.equal(p.memoryLimitMb, 128);
    assert.equal(valueOf(await p.run('after', job(ANSWER, 2), { timeoutSeconds: 60 })), 2);
    assert.equal(p.stats.workers, before + 1, 'the idle worker with the old limit was replaced');
  } finally {
    p.dispose();
  }
});

test('dispose ends queued and running jobs as cancelled', async () => {
  const p = pool(1);
  const running = p.run('r', job(SPIN), { owner: 'x', timeoutSeconds: 600 });
  const queued = p.run('q', job(ANSWER), { owner: 'x', timeoutSeconds: 600 });
  p.dispose();
  assert.deepEqual([(await running).kind, (await queued).kind], ['cancelled', 'cancelled']);
});

test('a worker that cannot even load fails each job as a crash, without a respawn loop', async () => {
  let spawned = 0;
  const p = new AnalysisPool({ size: 1, memoryMb: 64, spawn: () => (spawned++, new Worker("throw new Error('broken bundle')", { eval: true })) });
  try {
    for (const key of ['a', 'b']) {
      const outcome = await p.run(key, job(ANSWER), { timeoutSeconds: 60 });
      assert.ok(outcome.kind === 'failed' && outcome.failure.kind === 'crash' && /broken bundle/.test(outcome.failure.message), JSON.stringify(outcome));
    }
    // Each failed job starts at most one replacement, which dies idle and is not replaced again.
    assert.ok(spawned <= 4, `${spawned} workers started for 2 jobs`);
  } finally {
    p.dispose();
  }
});
