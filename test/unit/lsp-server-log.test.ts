import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { AnalysisPool } from '../../server/src/lsp/worker/pool.ts';
import { jobLine } from '../../server/src/lsp/worker/server-analyses.ts';

/** A stand-in worker answering every job at once. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id }) => parentPort.postMessage({ id, answer: { kind: 'analysed', report: {}, support: null } }));`;

test('the server log gets one line per finished job: what, for which model, how it ended, how long', async () => {
  const lines: string[] = [];
  const hash = 'a'.repeat(64);
  const p = new AnalysisPool({ size: 1, memoryMb: 64, spawn: (mb) => new Worker(WORKER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: mb } }), onFinished: (k, o, ms) => lines.push(jobLine(k, o, ms)) });
  try {
    await Promise.all([
      p.run(`analyse|${hash}|tflm-cmsis-nn|null`, { kind: 'parse', bytes: new Uint8Array([0]) }, { timeoutSeconds: 60 }),
      p.run(`analyse|${hash}|tflm-cmsis-nn|null`, { kind: 'parse', bytes: new Uint8Array([0]) }, { timeoutSeconds: 60 }),
    ]);
  } finally {
    p.dispose();
  }
  assert.equal(lines.length, 1, 'a joined request is the same job: one line');
  assert.match(lines[0]!, /^analyse aaaaaaaa tflm-cmsis-nn: analysed in \d+ ms$/);
});

test('a failed job says why', () => {
  assert.equal(jobLine('parse|0123456789abcdef0123', { kind: 'failed', failure: { kind: 'time', seconds: 20 } }, 20012.4), 'parse 01234567: failed (time) in 20012 ms');
});
