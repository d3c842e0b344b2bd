/** Hostile file-system objects for the file-handling tests: FIFOs, sparse files, fresh folders. */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True where FIFOs, devices and symbolic links behave as on Linux and macOS. */
export const posix = process.platform !== 'win32';

const made: string[] = [];
// Sparse files of gigabytes, FIFOs and links do not belong in a shared /tmp after the run.
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-files-'));
  made.push(dir);
  return dir;
}

/** A FIFO at `path` that no writer ever opens: a blocking open or read of it would never return. */
export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A sparse file of `bytes` (nothing written; it reads as zeros and takes no disk space). */
export function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}
