/**
 * No write escapes its target (files/write.ts, compile, quantize --out): a symbolic link planted in the output folder,
 * a linked output folder, a dangling link at --out, a link swapped in between the check and the write; --force
 * replaces regular files only. In every case the file outside stays untouched.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { FileError } from '../../server/src/files/read.js';
import { OutputFolder, writeFileSafely } from '../../server/src/files/write.js';
import { cli } from './helpers/cli.js';
import { mkfifo, posix, tempDir } from './helpers/files.js';

const root = resolve(__dirname, '../..');
const sine = join(root, 'examples/sine_float.tflite');

/** A folder with the model, and a "home" outside it holding a file the attack aims at. */
function setup(): { dir: string; model: string; home: string; profile: string } {
  const dir = tempDir();
  const model = join(dir, 'repo', 'sine.tflite');
  mkdirSync(join(dir, 'repo'));
  writeFileSync(model, readFileSync(sine));
  mkdirSync(join(dir, 'home'));
  return { dir, model, home: join(dir, 'home'), profile: join(dir, 'home', '.bash_profile') };
}

const isCode = (code: string) => (e: unknown): boolean => e instanceof FileError && e.code === code;

test('compile does not write through a link planted in its output folder, with or without --force', { skip: !posix }, () => {
  const { dir, model, profile } = setup();
  const out = join(dir, 'repo', 'sine_tflm');
  mkdirSync(out);
  symlinkSync(profile, join(out, 'sine_model_data.cc')); // dangling: the target does not exist yet
  const r = cli('compile', model);
  assert.equal(r.code, 2);
  assert.match(r.err, /sine_model_data\.cc: is a symbolic link/);
  assert.equal(existsSync(profile), false, 'nothing created through the link');
  assert.deepEqual(readdirSync(out), ['sine_model_data.cc'], 'nothing written at all');
  writeFileSync(profile, 'export PATH=...');
  const forced = cli('compile', model, '--force');
  assert.equal(forced.code, 2);
  assert.match(forced.err, /is a symbolic link/);
  assert.equal(readFileSync(profile, 'utf8'), 'export PATH=...');
  assert.ok(lstatSync(join(out, 'sine_model_data.cc')).isSymbolicLink());
});

test('compile refuses a default output folder that is a link, and follows one named with --out', { skip: !posix }, () => {
  const { dir, model, home } = setup();
  symlinkSync(home, join(dir, 'repo', 'sine_tflm'));
  const r = cli('compile', model);
  assert.equal(r.code, 2);
  assert.match(r.err, /sine_tflm: is a symbolic link/);
  assert.deepEqual(readdirSync(home), []);
  const named = cli('compile', model, '--out', join(dir, 'repo', 'sine_tflm'));
  assert.equal(named.code, 0, named.err);
  assert.ok(readdirSync(home).includes('sine_ops.h'), 'the user chose the folder');
});

test('compile --force replaces regular files only: not a FIFO or a folder in the way', { skip: !posix }, () => {
  const { dir, model } = setup();
  const out = join(dir, 'out');
  assert.equal(cli('compile', model, '--out', out).code, 0);
  unlinkSync(join(out, 'sine_ops.h'));
  mkfifo(join(out, 'sine_ops.h'));
  unlinkSync(join(out, 'README.md'));
  mkdirSync(join(out, 'README.md'));
  const r = cli('compile', model, '--out', out, '--force');
  assert.equal(r.code, 2);
  assert.match(r.err, /sine_ops\.h: is a FIFO/);
  assert.match(r.err, /README\.md: is a directory/);
  assert.ok(lstatSync(join(out, 'sine_ops.h')).isFIFO());
});

test('quantize --out does not write through a dangling link or a link, even with --force', { skip: !posix }, () => {
  const { dir, model, profile } = setup();
  const out = join(dir, 'repo', 'sine_int8.tflite');
  symlinkSync(profile, out);
  for (const force of [[], ['--force']]) {
    const r = cli('quantize', model, '--out', out, '--random', '4', ...force);
    assert.equal(r.code, 2);
    assert.match(r.err, /sine_int8\.tflite: is a symbolic link/);
    assert.equal(existsSync(profile), false);
  }
  unlinkSync(out);
  assert.equal(cli('quantize', model, '--out', out, '--random', '4').code, 0);
  const again = cli('quantize', model, '--out', out, '--random', '4');
  assert.equal(again.code, 2);
  assert.match(again.err, /not overwriting .*sine_int8\.tflite \(use --force/);
  assert.equal(cli('quantize', model, '--out', out, '--random', '4', '--force').code, 0);
  assert.ok(lstatSync(out).isFile());
});

test('race: a link swapped in between the check and the write is not followed', { skip: !posix }, () => {
  const { dir, profile } = setup();
  writeFileSync(profile, 'mine');
  const target = join(dir, 'repo', 'out.tflite');
  const plant = (): void => symlinkSync(profile, target);
  // A new file: the exclusive open fails on the planted link.
  assert.throws(() => writeFileSafely(target, 'model', { replace: false, beforeCommit: plant }), isCode('symlink'));
  assert.equal(readFileSync(profile, 'utf8'), 'mine');
  // Replacing: the regular file checked at first becomes a link before the rename.
  unlinkSync(target);
  writeFileSync(target, 'old');
  const swap = (): void => {
    unlinkSync(target);
    plant();
  };
  assert.throws(() => writeFileSafely(target, 'model', { replace: true, beforeCommit: swap }), isCode('symlink'));
  assert.equal(readFileSync(profile, 'utf8'), 'mine');
  assert.deepEqual(readdirSync(join(dir, 'repo')).filter((f) => f.endsWith('.tmp')), [], 'the temporary file is removed');
  // And a plain file appearing in the meantime is not clobbered.
  unlinkSync(target);
  assert.throws(() => writeFileSafely(target, 'model', { replace: false, beforeCommit: () => writeFileSync(target, 'theirs') }), isCode('exists'));
  assert.equal(readFileSync(target, 'utf8'), 'theirs');
});

test('--force replaces a regular file through a temporary file and keeps its permissions', { skip: !posix }, () => {
  const dir = tempDir();
  const target = join(dir, 'm.tflite');
  writeFileSync(target, 'old', { mode: 0o640 });
  writeFileSafely(target, 'new', { replace: true });
  assert.equal(readFileSync(target, 'utf8'), 'new');
  assert.equal(lstatSync(target).mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(dir), ['m.tflite']);
  assert.throws(() => writeFileSafely(target, 'x', { replace: false }), isCode('exists'));
});

test('an output folder swapped for a link while files are written is refused', { skip: !posix }, () => {
  const { dir, home } = setup();
  const out = join(dir, 'repo', 'gen');
  const folder = OutputFolder.open(out, false);
  folder.write('a.h', 'a', { replace: false });
  assert.throws(() => folder.write('../escape.h', 'x', { replace: false }), isCode('outside'));
  renameSync(out, join(dir, 'repo', 'moved'));
  symlinkSync(home, out);
  assert.throws(() => folder.write('b.h', 'b', { replace: false }), isCode('symlink'));
  assert.deepEqual(readdirSync(home), []);
});
