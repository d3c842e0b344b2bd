/**
 * files/read.ts, paths.ts, tfjs-shards.ts: what is not a regular file within its cap is a typed FileError naming what
 * it is, without blocking (a FIFO with no writer) and without reading (a device, a sparse file over the cap).
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { confinedPath, isInside } from '../../server/src/files/paths.js';
import { FileError, MiB, parseSize, readRegularFile, readTextFile, type FileErrorCode } from '../../server/src/files/read.js';
import { readSampleFolder } from '../../server/src/files/samples.js';
import { shardReader } from '../../server/src/files/tfjs-shards.js';
import { mkfifo, posix, sparse, tempDir } from './helpers/files.js';
import { npy } from './helpers/npy.js';

function fails(fn: () => unknown, code: FileErrorCode, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FileError, `a FileError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.reason, reason);
    return true;
  });
}

test('a regular file is read whole, exactly its bytes', () => {
  const dir = tempDir();
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 255);
  writeFileSync(join(dir, 'm.tflite'), bytes);
  assert.deepEqual(readRegularFile(join(dir, 'm.tflite'), { maxBytes: bytes.length }), bytes);
  writeFileSync(join(dir, 'c.json'), '{"mcus": []}');
  assert.equal(readTextFile(join(dir, 'c.json'), { maxBytes: 100 }), '{"mcus": []}');
});

test('a FIFO is refused at once, named as a FIFO (the open does not wait for a writer)', { skip: !posix }, () => {
  const fifo = join(tempDir(), 'model.tflite');
  mkfifo(fifo);
  fails(() => readRegularFile(fifo, { maxBytes: MiB }), 'not-a-file', /FIFO/);
});

test('/dev/zero and a link to it are a character device, not read', { skip: !posix }, () => {
  fails(() => readRegularFile('/dev/zero', { maxBytes: MiB }), 'not-a-file', /character device/);
  const link = join(tempDir(), 'tinyml-targets.json');
  symlinkSync('/dev/zero', link);
  fails(() => readRegularFile(link, { maxBytes: MiB }), 'not-a-file', /character device/);
  fails(() => readRegularFile(link, { maxBytes: MiB, noFollow: true }), 'symlink', /symbolic link/);
});

test('a (sparse) file over the cap is refused before reading, with both sizes and how to raise it', () => {
  const path = join(tempDir(), 'big.tflite');
  sparse(path, 3 * MiB + 1);
  fails(() => readRegularFile(path, { maxBytes: 3 * MiB, raise: 'use --max-file-size' }), 'too-large', /3\.0 MiB \(3,145,729 B\), over the limit of 3\.0 MiB \(3,145,728 B\) \(use --max-file-size\)/);
  assert.equal(readRegularFile(path, { maxBytes: 3 * MiB + 1 }).length, 3 * MiB + 1);
});

test('a directory and a missing file are typed errors', () => {
  const dir = tempDir();
  fails(() => readRegularFile(dir, { maxBytes: MiB }), 'not-a-file', /directory/);
  fails(() => readRegularFile(join(dir, 'nope'), { maxBytes: MiB }), 'missing', /no such file/);
  writeFileSync(join(dir, 'f'), 'x');
  fails(() => readRegularFile(join(dir, 'f', 'g'), { maxBytes: MiB }), 'missing', /parent is a file/);
});

test('--max-file-size values', () => {
  assert.equal(parseSize('64MiB'), 64 * MiB);
  assert.equal(parseSize('2GiB'), 2 * 1024 * MiB);
  assert.equal(parseSize('1000'), 1000);
  assert.equal(parseSize('3MB'), 3e6);
  for (const bad of ['', '0', '-1', 'lots', '1TiB', '1e3']) assert.equal(parseSize(bad), null, bad);
});

test('shard paths stay in the model folder: no .., no absolute path, no link out of it', { skip: !posix }, () => {
  const dir = tempDir();
  const models = join(dir, 'models');
  mkdirSync(join(models, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'secret.bin'), 'secret');
  writeFileSync(join(models, 'sub', 'ok.bin'), 'weights');
  assert.equal(confinedPath(models, 'sub/ok.bin'), join(models, 'sub', 'ok.bin'));
  assert.equal(confinedPath(models, 'sub/../sub/ok.bin'), join(models, 'sub', 'ok.bin'), 'a .. that stays inside is fine');
  fails(() => confinedPath(models, '../secret.bin'), 'outside', /leaves the model's folder/);
  fails(() => confinedPath(models, '../../../../../../../../dev/zero'), 'outside', /leaves the model's folder/);
  fails(() => confinedPath(models, '/etc/passwd'), 'outside', /absolute/);
  fails(() => confinedPath(models, 'C:\\Windows\\win.ini'), 'outside', /absolute/);
  fails(() => confinedPath(models, 42), 'outside', /not a relative file name/);
  symlinkSync(join(dir, 'secret.bin'), join(models, 'link.bin'));
  fails(() => confinedPath(models, 'link.bin'), 'outside', /symbolic link to .*secret\.bin, outside/);
  symlinkSync(dir, join(models, 'up'));
  fails(() => confinedPath(models, 'up/secret.bin'), 'outside', /outside/);
  assert.equal(isInside('/a/b', '/a/b'), true);
  assert.equal(isInside('/a/b', '/a/bc'), false);
  assert.equal(isInside('/a/b', '/a/b/..c'), true);
});

test('a shard reader refuses a FIFO shard and reads at most what its weight group declares', { skip: !posix }, async () => {
  const dir = tempDir();
  const json = JSON.stringify({
    modelTopology: {},
    weightsManifest: [
      { paths: ['a.bin'], weights: [{ name: 'w', shape: [4], dtype: 'float32' }] },
      { paths: ['fifo.bin'], weights: [{ name: 'v', shape: [2], dtype: 'float32' }] },
    ],
  });
  const model = join(dir, 'model.json');
  writeFileSync(model, json);
  mkfifo(join(dir, 'fifo.bin'));
  const read = shardReader(model, json);
  writeFileSync(join(dir, 'a.bin'), new Uint8Array(17));
  await assert.rejects(async () => read('a.bin'), /17 B, over the limit of 16 B \(what its weight group in model\.json declares\)/);
  writeFileSync(join(dir, 'a.bin'), new Uint8Array(16));
  assert.equal((await read('a.bin')).length, 16);
  await assert.rejects(async () => read('fifo.bin'), /FIFO/);
  await assert.rejects(async () => read('../model.json'), /leaves the model's folder/);
  // Shards of an unknown size share the overall cap.
  const capped = shardReader(model, '{}', 10);
  await assert.rejects(async () => capped('a.bin'), /over the limit of 10 B \(the total for all shards; use --max-file-size\)/);
});

test('a calibration folder reads each sample within its cap and all of them within the folder cap', () => {
  const dir = tempDir();
  const one = npy([1, 1], [0.5]);
  for (const k of [0, 1, 2]) writeFileSync(join(dir, `s${k}.npy`), one);
  assert.equal((readSampleFolder(dir, [[1, 1]], { file: one.length, total: 3 * one.length }) as unknown[]).length, 3);
  assert.match(readSampleFolder(dir, [[1, 1]], { file: one.length - 1, total: 10 * one.length }) as string, /s0\.npy: is .* over the limit .*one sample file/);
  assert.match(readSampleFolder(dir, [[1, 1]], { file: one.length, total: 2 * one.length + 1 }) as string, /s2\.npy: is .* over the limit of 1 B \(the limit for all the samples/);
  assert.match(readSampleFolder(join(dir, 'none'), [[1, 1]]) as string, /does not exist/);
  assert.match(readSampleFolder(join(dir, 's0.npy'), [[1, 1]]) as string, /is not a folder/);
});
