/**
 * The CLI on hostile files: every one ends at once in exit 2 with the path and what is wrong, never a stall, an
 * unbounded read, a stack trace, or a read outside a TF.js model's folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { GiB, MiB } from '../../server/src/files/read.js';
import { cli, cliAsync } from './helpers/cli.js';
import { mkfifo, posix, sparse, tempDir } from './helpers/files.js';
import { npy } from './helpers/npy.js';
import { layersModelFiles } from './helpers/tfjs-fixtures.js';

const root = resolve(__dirname, '../..');
const sine = join(root, 'examples/sine_float.tflite');

test('analyze, fit and compile refuse a FIFO, /dev/zero and a link to it at once', { skip: !posix }, async () => {
  const dir = tempDir();
  mkfifo(join(dir, 'fifo.tflite'));
  symlinkSync('/dev/zero', join(dir, 'zero.tflite'));
  for (const [file, what] of [[join(dir, 'fifo.tflite'), /FIFO/], ['/dev/zero', /character device/], [join(dir, 'zero.tflite'), /character device/]] as const) {
    for (const args of [['analyze', file], ['fit', file], ['compile', file, '--out', join(dir, 'out')], ['analyze', file, '--target', 'nrf52840']]) {
      const r = cli(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, new RegExp(`^tinyml-lens: cannot read ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is `));
      assert.match(r.err, what);
    }
  }
  assert.equal(existsSync(join(dir, 'out')), false);
  mkfifo(join(dir, 'model.json'));
  const json = await cliAsync('analyze', join(dir, 'model.json'));
  assert.equal(json.code, 2);
  assert.match(json.err, /model\.json: is a FIFO/);
});

test('a sparse file over the cap is refused before it is read: 256 MiB for compile, --max-file-size; analyze reads only the start of a file over 2 GiB', () => {
  const dir = tempDir();
  const big = join(dir, 'big.tflite');
  sparse(big, 2 * GiB + 1);
  // Over 2 GiB a model keeps its buffers after the flatbuffer: analyze reads the flatbuffer part only (here: zeros).
  const r = cli('analyze', big);
  assert.equal(r.code, 2);
  assert.match(r.err, /is not a TFLite flatbuffer .*file 2147483649 bytes/);
  sparse(big, 300 * MiB);
  const c = cli('compile', big);
  assert.equal(c.code, 2);
  assert.match(c.err, /over the limit of 256\.0 MiB/);
  assert.equal(existsSync(join(dir, 'big_tflm')), false);
  const small = cli('analyze', sine, '--max-file-size', '1KiB');
  assert.equal(small.code, 2);
  assert.match(small.err, /over the limit of 1,024 B/);
  assert.equal(cli('analyze', sine, '--max-file-size', '1MiB').code, 0);
  assert.equal(cli('analyze', sine, '--max-file-size', 'big').code, 2);
});

test('--catalog that is a FIFO or a link to /dev/zero: exit 2 naming it', { skip: !posix }, () => {
  const dir = tempDir();
  mkfifo(join(dir, 'boards.json'));
  symlinkSync('/dev/zero', join(dir, 'zero.json'));
  const fifo = cli('fit', sine, '--catalog', join(dir, 'boards.json'));
  assert.equal(fifo.code, 2);
  assert.match(fifo.err, /cannot read catalog .*boards\.json: is a FIFO/);
  const zero = cli('analyze', sine, '--target', 'nrf52840', '--catalog', join(dir, 'zero.json'));
  assert.equal(zero.code, 2);
  assert.match(zero.err, /cannot read catalog .*zero\.json: is a character device/);
});

test('TF.js shards: .., absolute paths, links out of the folder, /dev/zero and FIFOs are refused, naming the shard', { skip: !posix }, async () => {
  const files = await layersModelFiles();
  const [name, bytes] = [...files.shards][0]!;
  const dir = tempDir();
  const secret = join(dir, 'secret.bin');
  writeFileSync(secret, bytes); // right size: only the path decides
  const model = (sub: string, shard: string): string => {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, 'model.json'), files.json.replace(JSON.stringify(name), JSON.stringify(shard)));
    return join(dir, sub, 'model.json');
  };
  const cases: [string, RegExp][] = [
    [model('dotdot', '../secret.bin'), /leaves the model's folder/],
    [model('deep', '../../../../../../../../../../dev/zero'), /leaves the model's folder/],
    [model('absolute', secret), /absolute path/],
    [model('link', 'w.bin'), /symbolic link to .*secret\.bin, outside/],
    [model('fifo', 'w.bin'), /FIFO/],
    [model('big', 'w.bin'), /over the limit of .* \(what its weight group in model\.json declares\)/],
  ];
  symlinkSync(secret, join(dir, 'link', 'w.bin'));
  mkfifo(join(dir, 'fifo', 'w.bin'));
  sparse(join(dir, 'big', 'w.bin'), 4 * GiB);
  for (const [path, reason] of cases) {
    const r = await cliAsync('analyze', path);
    assert.equal(r.code, 2, path);
    assert.match(r.err, /weightsManifest\[0\]\.paths\[0\]|weight shard/);
    assert.match(r.err, reason);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  }
  // The same shard inside the folder is read.
  mkdirSync(join(dir, 'fine'));
  writeFileSync(join(dir, 'fine', 'model.json'), files.json);
  writeFileSync(join(dir, 'fine', name), bytes);
  assert.equal((await cliAsync('analyze', join(dir, 'fine', 'model.json'))).code, 1, 'the fixture has a layer TFLM cannot run');
});

test('quantize --data: a FIFO or a link to /dev/zero among the samples is refused, naming it', { skip: !posix }, () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'a.npy'), npy([1, 1], [0.5]));
  mkfifo(join(dir, 'data', 'b.npy'));
  const r = cli('quantize', sine, '--out', join(dir, 'q.tflite'), '--data', join(dir, 'data'));
  assert.equal(r.code, 2);
  assert.match(r.err, /sample .*b\.npy: is a FIFO/);
  const zero = join(dir, 'zero');
  mkdirSync(zero);
  symlinkSync('/dev/zero', join(zero, 'z.bin'));
  const z = cli('quantize', sine, '--out', join(dir, 'q.tflite'), '--data', zero);
  assert.equal(z.code, 2);
  assert.match(z.err, /z\.bin: is a character device/);
  assert.equal(existsSync(join(dir, 'q.tflite')), false);
});

test('output to a full device (> /dev/full) is one line on stderr and exit 2', { skip: (!existsSync('/dev/full') && 'no /dev/full') || (!existsSync(join(root, 'dist/cli.js')) && 'run npm run build first') }, () => {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'analyze', sine], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'tinyml-lens: cannot write to standard output: ENOSPC\n');
  } finally {
    closeSync(full);
  }
  assert.ok(readFileSync(sine).length > 0);
});
