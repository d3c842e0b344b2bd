/**
 * Paths that a file names (TF.js weight shards named by model.json) kept inside the folder of that file: no absolute
 * path, no `..` that leaves the folder, no symbolic link (anywhere on the way) that resolves outside it. A model.json
 * from a model zoo must not make the CLI or the server read `/etc/passwd` or `/dev/zero` as weights.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FileError, fileErrorOf } from './read.js';

/** True when `path` is `folder` or below it (both absolute and normalized). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * The real path of `name` (relative to `folder`, as model.json names a shard), after checking that it stays in
 * `folder`, by its text and after following every symbolic link; a FileError otherwise.
 */
export function confinedPath(folder: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new FileError('outside', String(name), 'is not a relative file name');
  // Backslashes and drive letters are path syntax on Windows only: refuse them everywhere, so a model behaves alike.
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name) || name.includes('\\') || name.includes('\0')) {
    throw new FileError('outside', name, 'is an absolute path or has a backslash, drive or NUL: weight shards are named relative to model.json');
  }
  const base = resolve(folder);
  const path = resolve(base, name);
  if (!isInside(base, path)) throw new FileError('outside', name, `leaves the model's folder ${base}`);
  let real: string;
  let realBase: string;
  try {
    realBase = realpathSync(base);
    real = realpathSync(path);
  } catch (e) {
    throw fileErrorOf(e, path);
  }
  if (!isInside(realBase, real)) throw new FileError('outside', name, `is a symbolic link to ${real}, outside the model's folder ${realBase}`);
  return real;
}
