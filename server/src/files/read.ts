/**
 * The one way the CLI and the server read a file they were given: open without blocking (a FIFO with no writer must
 * not stall the open), look at what was opened (fstat on the descriptor, so a path swapped after a check changes
 * nothing), accept regular files only, refuse one above the caller's size cap before reading a byte, and read exactly
 * the size fstat gave. `/dev/zero`, a FIFO, a directory or a link to any of them is a typed error naming what it is.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type FileErrorCode =
  /** Nothing at the path (or a parent is not a folder). */
  | 'missing'
  /** Something other than a regular file: a FIFO, a device, a directory, a socket. */
  | 'not-a-file'
  /** A regular file above the caller's cap. */
  | 'too-large'
  /** A symbolic link where none is allowed (a write target, or a path that must not be followed). */
  | 'symlink'
  /** A path outside the folder it must stay in (TF.js weight shards). */
  | 'outside'
  /** Permission denied. */
  | 'denied'
  /** Something exists where a new file was to be created. */
  | 'exists'
  /** Any other failure of the system call (EIO, ENOSPC, ...). */
  | 'io';

/** A file that cannot be read or written as asked: what (code), where (path), why (reason, a short phrase). */
export class FileError extends Error {
  constructor(readonly code: FileErrorCode, readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'FileError';
  }
}

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/**
 * Default caps per kind of file. A .tflite flatbuffer is at most 2 GiB (32-bit offsets); a larger file (buffers
 * appended after it) is LLM-sized, far beyond any microcontroller: `analyze` and `fit` read its flatbuffer part by
 * offset, the commands that need a model whole refuse it (cli/model-file.ts).
 */
export const LIMITS = {
  model: 2 * GiB,
  /** model.json of a TF.js model (the topology; weights are in the shards). */
  modelJson: 64 * MiB,
  /** Catalog files (`tinyml-targets.json`, `--catalog`): a few hundred boards are a few hundred KiB. */
  catalog: 4 * MiB,
  /** One calibration sample file, and all of a folder's together. */
  sample: 256 * MiB,
  samples: 1 * GiB,
  /**
   * A model `compile` turns into a C array for the MCU's flash: no microcontroller has 256 MiB of it, and checking
   * before reading spares copying a huge (or sparse) file into memory only to refuse it.
   */
  compiledModel: 256 * MiB,
} as const;

export interface ReadOptions {
  /** Refuse a file larger than this many bytes (checked on the opened descriptor, before reading). */
  readonly maxBytes: number;
  /** How to raise the cap, appended to the too-large reason (e.g. "use --max-file-size"). */
  readonly raise?: string;
  /** Refuse a symbolic link at the path itself (O_NOFOLLOW) instead of reading what it points to. */
  readonly noFollow?: boolean;
}

// O_NONBLOCK / O_NOFOLLOW are undefined on Windows, where FIFOs and symlinks of this kind do not arise.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** What a non-regular file is, in words ("a FIFO", "a character device", ...). */
export function describeKind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** A system error as a FileError at `path`. */
export function fileErrorOf(e: unknown, path: string): FileError {
  if (e instanceof FileError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return new FileError('missing', path, 'no such file');
    case 'ENOTDIR': return new FileError('missing', path, 'a parent is a file, not a folder');
    case 'EISDIR': return new FileError('not-a-file', path, 'is a directory');
    case 'ELOOP': return new FileError('symlink', path, 'is a symbolic link (not followed)');
    case 'EACCES':
    case 'EPERM': return new FileError('denied', path, 'permission denied');
    case 'EEXIST': return new FileError('exists', path, 'already exists');
    default: return new FileError('io', path, code ? `${code} (${(e as Error).message.replace(/^[A-Z]+: /, '')})` : String((e as Error)?.message ?? e));
  }
}

/** Bytes in words for a reason: exact bytes, then MiB/GiB when large. */
function sizeText(n: number): string {
  const exact = `${n.toLocaleString('en-US')} B`;
  if (n >= GiB) return `${(n / GiB).toFixed(2)} GiB (${exact})`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB (${exact})`;
  return exact;
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes`; a FileError otherwise. Never blocks on a FIFO, never
 * reads a device, never reads more than the size the opened file had.
 */
export function readRegularFile(path: string, options: ReadOptions): Uint8Array {
  const file = openRegularFile(path, { ...options, maxBytes: Number.MAX_SAFE_INTEGER });
  try {
    if (file.size > options.maxBytes) throw tooLarge(path, file.size, options);
    return file.read(0, file.size);
  } finally {
    file.close();
  }
}

/** The error for a file of `size` bytes over the cap of `options`. */
export function tooLarge(path: string, size: number, options: ReadOptions): FileError {
  return new FileError('too-large', path, `is ${sizeText(size)}, over the limit of ${sizeText(options.maxBytes)}${options.raise ? ` (${options.raise})` : ''}`);
}

/** A regular file open for reading by offset: what a reader of a part of a large file needs (its size, ranges). */
export interface OpenFile {
  readonly path: string;
  /** The size fstat gave when the file was opened. */
  readonly size: number;
  /** Bytes read so far, over every `read`. */
  readonly bytesRead: number;
  /** The `length` bytes at `offset` (inside `size`); a FileError if the file shrank or cannot be read. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

/**
 * Opens the regular file at `path` for reads by offset, with the checks of readRegularFile (non-blocking open, fstat
 * on the descriptor, regular files only); `maxBytes` caps each read, not the file. Close it when done.
 */
export function openRegularFile(path: string, options: ReadOptions): OpenFile {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (e) {
    throw fileErrorOf(e, path);
  }
  let size: number;
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new FileError('not-a-file', path, `is ${describeKind(s)}, not a regular file`);
    size = s.size;
  } catch (e) {
    closeSync(fd);
    throw fileErrorOf(e, path);
  }
  let bytesRead = 0;
  let open = true;
  return {
    path,
    size,
    get bytesRead() { return bytesRead; },
    read(offset: number, length: number): Uint8Array {
      if (!open) throw new FileError('io', path, 'read after close');
      if (length > options.maxBytes) {
        throw new FileError('too-large', path, `a read of ${sizeText(length)} is over the limit of ${sizeText(options.maxBytes)}${options.raise ? ` (${options.raise})` : ''}`);
      }
      if (offset < 0 || length < 0 || offset + length > size) throw new FileError('io', path, `no bytes ${offset}..${offset + length} in a file of ${size} B`);
      const bytes = new Uint8Array(length);
      let at = 0;
      try {
        while (at < length) {
          // One read is at most 1 GiB: readSync takes a 32-bit length, and a file over 2 GiB may be read whole.
          const n = readSync(fd, bytes, at, Math.min(length - at, GiB), offset + at);
          if (n === 0) throw new FileError('io', path, `shrank while it was read (${(offset + at).toLocaleString('en-US')} of ${size.toLocaleString('en-US')} B)`);
          at += n;
          bytesRead += n;
        }
      } catch (e) {
        throw fileErrorOf(e, path);
      }
      return bytes;
    },
    close(): void {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The UTF-8 text of the regular file at `path` (see readRegularFile). */
export function readTextFile(path: string, options: ReadOptions): string {
  return new TextDecoder().decode(readRegularFile(path, options));
}

/** Parses a size given on the command line: `1048576`, `64MiB`, `2GiB`, `512KiB`, `3MB`; null when unreadable. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale: Record<string, number> = { b: 1, kib: KiB, k: KiB, mib: MiB, m: MiB, gib: GiB, g: GiB, kb: 1e3, mb: 1e6, gb: 1e9 };
  const n = Math.floor(Number(m[1]) * scale[unit]!);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
