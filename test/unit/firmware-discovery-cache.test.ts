/**
 * The language server's ELF discovery (`FirmwareFiles.discover`): with file watching, each folder's build layouts are
 * searched once and the answer kept across manifest edits, until a watched .elf changes or the found ELF is gone;
 * without watching, every call searches again (nothing would tell the cache that a build happened).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { FirmwareFiles } from '../../server/src/lsp/firmware-manifest.js';

const fixtures = path.join(__dirname, '..', 'fixtures', 'firmware');
const root = mkdtempSync(path.join(tmpdir(), 'lens-fw-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

function place(rel: string): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  copyFileSync(path.join(fixtures, 'app-cm4.elf'), p);
  return p;
}

test('while watching, a folder is searched once across many lookups, and again after a watched .elf changes', () => {
  const dir = path.join(root, 'watched');
  mkdirSync(dir);
  const files = new FirmwareFiles();
  files.watching = true;
  for (let i = 0; i < 50; i++) assert.equal(files.discover(dir), null);
  assert.equal(files.searches, 1, 'the "none found" answer is kept too');

  const elf = place('watched/build/zephyr/zephyr.elf');
  assert.equal(files.discover(dir), null, 'not yet told about the build');
  files.invalidate(elf);
  assert.deepEqual(files.discover(dir), { path: elf, layout: 'Zephyr' });
  for (let i = 0; i < 50; i++) files.discover(dir);
  assert.equal(files.searches, 2);

  files.invalidate(path.join(dir, 'app.map'));
  files.discover(dir);
  assert.equal(files.searches, 2, 'a map change does not search the folders again');
});

test('a found ELF that disappeared unreported (its build folder deleted) is searched for again', () => {
  const files = new FirmwareFiles();
  files.watching = true;
  const pio = place('gone/.pio/build/nano/firmware.elf');
  const zephyr = place('gone/build/zephyr/zephyr.elf');
  const dir = path.join(root, 'gone');
  assert.equal(files.discover(dir)?.path, pio);
  rmSync(path.join(dir, '.pio'), { recursive: true });
  assert.deepEqual(files.discover(dir), { path: zephyr, layout: 'Zephyr' });
  assert.equal(files.searches, 2);
});

test('without watching, every lookup searches the folders (a build would go unnoticed otherwise)', () => {
  const files = new FirmwareFiles();
  const dir = path.join(root, 'unwatched');
  mkdirSync(dir);
  assert.equal(files.discover(dir), null);
  const elf = place('unwatched/build/zephyr/zephyr.elf');
  assert.equal(files.discover(dir)?.path, elf);
  assert.equal(files.searches, 2);
});
