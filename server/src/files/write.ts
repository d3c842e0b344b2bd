/**
 * The one way the CLI and the extension write files (generated C++, quantized models, manifests): a write never goes
 * through a symbolic link, never replaces anything but a regular file, and checks the destination again right before
 * the write (quantize calibrates for minutes between its first check and its write).
 *
 * - A new file is created with O_CREAT | O_EXCL | O_NOFOLLOW: if anything appeared at the path since the check (a
 *   file, a link, dangling or not), the open fails instead of writing through it.
 * - Replacing (`--force`, "Overwrite") writes a temporary file beside the target with the same exclusive flags, checks
 *   the target is still a regular file, then renames over it; rename replaces the directory entry and never follows
 *   a link, so a link swapped in at the last moment is replaced, not written through, and the target outside stays
 *   untouched.
 * - Output folders: a folder we create is made one level at a time (mkdir never follows a link) and checked with
 *   lstat; an existing output folder that is a symbolic link is used only when the user named it (`--out DIR`, a
 *   folder picked in a dialog), never when it is the default beside the model, which a repository could have planted.
 *   Before each file, the folder is checked to be the one opened (same device and inode).
 */
import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeKind, FileError, fileErrorOf } from './read.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;

export interface WriteOptions {
  /** Replace an existing regular file (`--force`); never a link, FIFO, device or folder. */
  readonly replace: boolean;
  /** For tests: runs right before the final step (the exclusive open, or the rename of the temporary file). */
  readonly beforeCommit?: () => void;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileErrorOf(e, path);
  }
}

/** Why `path` cannot be written (a link, not a regular file, or an existing file without `replace`); null when it can. */
export function destinationProblem(path: string, replace: boolean): FileError | null {
  const s = lstatOrNull(path);
  if (s === null) return null;
  if (s.isSymbolicLink()) return new FileError('symlink', path, 'is a symbolic link: not writing through it (remove it first)');
  if (!s.isFile()) return new FileError('not-a-file', path, `is ${describeKind(s)}: only a regular file can be replaced`);
  return replace ? null : new FileError('exists', path, 'already exists');
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
}

/** Creates `path` exclusively and writes `data`; removes the partial file if the write fails. */
function createExclusive(path: string, data: Uint8Array, mode?: number): void {
  let fd: number;
  try {
    fd = openSync(path, CREATE, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (e as NodeJS.ErrnoException).code === 'ELOOP') throw destinationProblem(path, false) ?? fileErrorOf(e, path);
    throw fileErrorOf(e, path);
  }
  try {
    writeAll(fd, data);
    try {
      // The replaced file's permissions; best effort (some file systems have none to set).
      if (mode !== undefined) fchmodSync(fd, mode);
    } catch {
      // keep the default mode
    }
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // the write error is the one to report
    }
    removeQuietly(path);
    throw fileErrorOf(e, path);
  }
  try {
    closeSync(fd); // a network file system may report a write error only here
  } catch (e) {
    removeQuietly(path);
    throw fileErrorOf(e, path);
  }
}

/** Removes a file this module created; a failure leaves it (the error that matters is the one being thrown). */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or cannot be removed
  }
}

/** Writes `data` to `path` without following a link and without replacing anything but a regular file (see above). */
export function writeFileSafely(path: string, data: Uint8Array | string, options: WriteOptions): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const before = destinationProblem(path, options.replace);
  if (before) throw before;
  if (!options.replace) {
    options.beforeCommit?.();
    createExclusive(path, bytes);
    return;
  }
  const old = lstatOrNull(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  createExclusive(temp, bytes, old ? old.mode & 0o777 : undefined);
  try {
    options.beforeCommit?.();
    const now = destinationProblem(path, true);
    if (now) throw now;
    renameSync(temp, path);
  } catch (e) {
    removeQuietly(temp);
    throw fileErrorOf(e, path);
  }
}

/** The folder at `path` (followed when `explicit`), or a FileError when it is not a folder or is a refused link. */
function folderStat(path: string, explicit: boolean): Stats {
  let s: Stats;
  try {
    s = explicit ? statSync(path) : lstatSync(path);
  } catch (e) {
    throw fileErrorOf(e, path);
  }
  if (s.isSymbolicLink()) throw new FileError('symlink', path, 'is a symbolic link: not writing through it');
  if (!s.isDirectory()) throw new FileError('not-a-file', path, `is ${s.isFile() ? 'a file' : describeKind(s)}, not a folder`);
  return s;
}

/** An output folder, created or checked once; files are written into it with writeFileSafely. */
export class OutputFolder {
  private constructor(readonly path: string, private readonly explicit: boolean, private readonly id: string) {}

  /**
   * Opens (creating it and its missing parents one level at a time) the folder `path`. `explicit`: the user named it,
   * so a symbolic link there is followed; otherwise a link is refused. Throws FileError.
   */
  static open(path: string, explicit: boolean): OutputFolder {
    const s = lstatOrNull(path);
    if (s === null) {
      const missing: string[] = [];
      // Node's recursive mkdir spins forever on some pseudo file systems (/proc): one level at a time.
      for (let d = path; lstatOrNull(d) === null; d = dirname(d)) {
        missing.unshift(d);
        if (dirname(d) === d) break;
      }
      for (const d of missing) {
        try {
          mkdirSync(d);
        } catch (e) {
          throw fileErrorOf(e, d);
        }
      }
    } else if (s.isSymbolicLink() && !explicit) {
      throw new FileError('symlink', path, 'is a symbolic link: not writing through it (name the folder explicitly to write there)');
    }
    const now = folderStat(path, explicit);
    return new OutputFolder(path, explicit, `${now.dev}:${now.ino}`);
  }

  /** The files among `names` that are in the way (existing, or links, FIFOs, folders even with `replace`). */
  problems(names: readonly string[], replace: boolean): FileError[] {
    return names.map((n) => destinationProblem(this.pathOf(n), replace)).filter((p): p is FileError => p !== null);
  }

  /** Writes one file (a plain name, no folder) into the folder, after checking it is still the folder opened. */
  write(name: string, data: Uint8Array | string, options: WriteOptions): string {
    const s = folderStat(this.path, this.explicit);
    if (`${s.dev}:${s.ino}` !== this.id) throw new FileError('symlink', this.path, 'was replaced while files were written into it');
    const path = this.pathOf(name);
    writeFileSafely(path, data, options);
    return path;
  }

  private pathOf(name: string): string {
    if (name === '' || name === '.' || name === '..' || /[\\/\0]/.test(name)) throw new FileError('outside', name, 'is not a plain file name');
    return join(this.path, name);
  }
}
