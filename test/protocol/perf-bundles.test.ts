/**
 * What each Node bundle carries (built by `npm run build`, as every protocol test needs): TF.js lives only in
 * dist/tfjs.js, without its WebGL backend, and the CLI loads it for a model.json only, on demand.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { graphModelFiles } from '../unit/helpers/tfjs-fixtures.ts';

const dist = resolve(__dirname, '../../dist');
const bundle = (name: string): string => readFileSync(join(dist, name), 'utf8');
// Class names of TF.js's backends: minification keeps them (they are registered by name).
const CPU_BACKEND = 'MathBackendCPU';
const WEBGL_BACKEND = 'MathBackendWebGL';

test('the CLI, server and worker bundles carry no TF.js; dist/tfjs.js has the CPU backend and no WebGL one', () => {
  for (const name of ['cli.js', 'cli-main.js', 'server.js', 'analysis-worker.js']) {
    const text = bundle(name);
    assert.ok(!text.includes(CPU_BACKEND) && !text.includes(WEBGL_BACKEND), `${name} bundles TF.js`);
  }
  const tfjs = bundle('tfjs.js');
  assert.ok(tfjs.includes(CPU_BACKEND));
  assert.ok(!tfjs.includes(WEBGL_BACKEND));
});

test('the CLI bundle requires dist/tfjs.js only when a model.json is analysed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-bundles-'));
  try {
    const files = graphModelFiles();
    writeFileSync(join(dir, 'model.json'), files.json);
    for (const [name, bytes] of files.shards) writeFileSync(join(dir, name), bytes);
    // A preload that lists, at exit, every dist/ file the process loaded.
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));");
    const loaded = (...args: string[]): { status: number | null; files: string[] } => {
      const r = spawnSync(process.execPath, ['--require', probe, join(dist, 'cli.js'), ...args], { encoding: 'utf8' });
      const line = /LOADED (.*)/.exec(r.stderr)?.[1] ?? '[]';
      return { status: r.status, files: (JSON.parse(line) as string[]).filter((f) => f.startsWith(dist)).map((f) => f.slice(dist.length + 1)) };
    };
    assert.deepEqual(loaded('--version'), { status: 0, files: ['cli.js'] });
    const tflite = loaded('analyze', resolve(__dirname, '../../examples/kws_dscnn_int8.tflite'));
    assert.deepEqual(tflite.files, ['cli.js']);
    // The graph model has an Erf, which TFLM cannot run: exit code 1, after tfjs read it.
    assert.deepEqual(loaded('analyze', join(dir, 'model.json')), { status: 1, files: ['cli.js', 'tfjs.js'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
