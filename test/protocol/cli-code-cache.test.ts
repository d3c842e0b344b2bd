/**
 * dist/cli.js runs the CLI bundle dist/cli-main.js from the V8 code cache `npm run build` writes (server/src/cli/
 * start.ts): the cache changes the speed only. The same command gives the same output and exit code with the build's
 * cache, without one, with one from another build (its header names another build id) and with one V8 rejects.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const dist = resolve(__dirname, '../../dist');
const kws = resolve(__dirname, '../../examples/kws_dscnn_int8.tflite');
const MAGIC = 'tinyml-lens-code-cache ';

test('the CLI answers the same with its code cache, without one, and with a foreign or damaged one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-code-cache-'));
  try {
    for (const name of ['cli.js', 'cli-main.js', 'cli-main.cache', 'tfjs.js']) copyFileSync(join(dist, name), join(dir, name));
    const cacheFile = join(dir, 'cli-main.cache');
    const cache = readFileSync(cacheFile);
    const header = cache.subarray(0, cache.indexOf(10) + 1).toString('latin1');
    // The build ties its cache to its bundle: the header names the id on the bundle's first line.
    assert.ok(header.startsWith(MAGIC), header);
    const id = header.slice(MAGIC.length, -1);
    assert.ok(readFileSync(join(dir, 'cli-main.js'), 'utf8').startsWith(`// tinyml-lens build ${id}\n`));
    const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
      const r = spawnSync(process.execPath, [join(dir, 'cli.js'), ...args], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const commands = [['analyze', kws, '--format', 'json'], ['fit', kws], ['--version'], ['analyze', join(dir, 'missing.tflite')]];
    const expected = commands.map((c) => run(...c));
    assert.deepEqual(expected.map((r) => r.status), [0, 0, 0, 2]);
    const caches: [string, Buffer | null][] = [
      ['another build', Buffer.concat([Buffer.from(`${MAGIC}another-build\n`), cache.subarray(header.length)])],
      ['rejected by V8', Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(4096, 7)])],
      ['truncated', cache.subarray(0, header.length + 100)],
      ['none', null],
    ];
    for (const [what, bytes] of caches) {
      if (bytes) writeFileSync(cacheFile, bytes);
      else rmSync(cacheFile);
      commands.forEach((c, i) => assert.deepEqual(run(...c), expected[i], `${what}: ${c.join(' ')}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
