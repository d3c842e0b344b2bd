import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enableWorkerTestHooks, memoryHogModel } from './helpers/held-model.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { serveWorkspace } from './helpers/serve.ts';
import { type TestWorkspace } from './helpers/workspace.ts';

// A model whose analysis allocates without end (the worker's test hook), under a heap limit of 48 MB
// (initializationOptions): enough for an ordinary model, not for the hog.
enableWorkerTestHooks();

let ws: TestWorkspace;
let client: LspClient;
serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => ws.write('hog.tflite', memoryHogModel()),
  initializationOptions: { analysisMemoryMb: 48 },
});

interface Stats { workers: { outOfMemory: number; workers: number } }
const stats = (): Promise<Stats> => client.request<Stats>('tinymlLens/stats', null);

test('a worker out of memory is reported on model: and replaced; the next model is analysed', async () => {
  const diagnostics = await client.open(ws.uri('hog.tinyml.yaml'), 'model: hog.tflite\n');
  const limit = diagnostics.find((d) => d.code === 'analysis-limit');
  assert.deepEqual(limit?.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 17 } });
  assert.deepEqual((limit?.data as { failure: unknown } | undefined)?.failure, { kind: 'memory', megabytes: 48 }, JSON.stringify(diagnostics));
  assert.match(String(limit?.message), /analysisMemoryMb/);
  const before = await stats();
  assert.equal(before.workers.outOfMemory, 1);

  const ok = await client.open(ws.uri('kws.tinyml.yaml'), 'model: kws.tflite\nbudgets: {ram: 1KiB}\n');
  assert.ok(ok.some((d) => d.code === 'ram-over-budget'), JSON.stringify(ok));
});
