/**
 * Models that drive the analysis worker's test hooks (server/src/lsp/worker/test-hooks.ts, on with
 * TINYML_LENS_TEST_HOOKS=1): a valid one-op model whose description makes the worker's analysis hold until a file
 * exists (a slow job whose end the test decides), or allocate until its heap limit ends it. The model itself is
 * ordinary, so its parse is quick; only its analysis is held.
 */
import { ModelBuilder } from '../../../server/src/model/builder/index.ts';

function reluModel(description: string): Uint8Array {
  const m = new ModelBuilder({ description });
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'FLOAT32' });
  g.output(g.op('RELU', { inputs: [x], output: { name: 'y', shape: [1, 8], dtype: 'FLOAT32' } }));
  return m.finish();
}

/** Analysed only once the file at `releasePath` (absolute) exists. */
export function heldModel(releasePath: string): Uint8Array {
  return reluModel(`test:hold:${releasePath}`);
}

/** Its analysis allocates until the worker runs out of heap. */
export function memoryHogModel(): Uint8Array {
  return reluModel('test:oom');
}

/** Turns the worker's test hooks on for the servers this test file starts (they inherit the environment). */
export function enableWorkerTestHooks(): void {
  process.env.TINYML_LENS_TEST_HOOKS = '1';
}
