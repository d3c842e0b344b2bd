/**
 * Test-only behaviour of the analysis worker, off unless the server was started with TINYML_LENS_TEST_HOOKS=1: a
 * model whose description is `test:hold:<path>` keeps the worker busy (as a long analysis does, synchronously) until
 * the file <path> exists (announcing that it holds by writing <path>.holding); `test:oom` allocates until the worker's heap limit ends it. Protocol tests use these to make
 * a slow or a memory-hungry job deterministic without depending on how fast the core is.
 */
import { existsSync, writeFileSync } from 'node:fs';

const enabled = process.env.TINYML_LENS_TEST_HOOKS === '1';

export function testHook(description: string): void {
  if (!enabled || !description.startsWith('test:')) return;
  const hold = /^test:hold:(.+)$/.exec(description);
  if (hold?.[1]) {
    writeFileSync(`${hold[1]}.holding`, '');
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(hold[1])) Atomics.wait(sleeper, 0, 0, 20);
  } else if (description === 'test:oom') {
    const hoard: unknown[] = [];
    for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => ({ i })));
  }
}
