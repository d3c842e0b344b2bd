/** Reading a model file for the CLI: the bytes and the parsed model, or a located reason on stderr and exit code 2. */
import { FileError, GiB, LIMITS, openRegularFile, readRegularFile, tooLarge } from '../files/read.js';
import { ModelFormatError } from '../model/errors.js';
import type { Model } from '../model/ir.js';
import { readTflite, readTfliteSource } from '../model/tflite/reader.js';

export type Write = (s: string) => void;

/** `--max-file-size` of this run (null: each kind of file has its default cap); main() sets it before each command. */
export const fileLimits: { given: number | null } = { given: null };

/** The cap for a file whose default is `fallback` (see read.ts LIMITS), or the one `--max-file-size` gives. */
export function capFor(fallback: number): number {
  return fileLimits.given ?? fallback;
}

/** How the CLI names a file it cannot read or write: `tinyml-lens: cannot read PATH: REASON`. */
export function fileErrorLine(verb: 'read' | 'write', e: FileError, what = ''): string {
  return `tinyml-lens: cannot ${verb} ${what ? `${what} ` : ''}${e.path}: ${e.reason}`;
}

/**
 * The file's bytes (a regular file within `maxBytes`, by default a model's cap, or --max-file-size), or the exit code 2
 * after saying why it cannot be read.
 */
export function readModelBytes(path: string, err: Write, maxBytes = capFor(LIMITS.model)): Uint8Array | number {
  try {
    return readRegularFile(path, { maxBytes, raise: 'use --max-file-size to raise it' });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(fileErrorLine('read', e));
    return 2;
  }
}

/** Parses a model's bytes; a malformed model prints its located error (byte offset, field) and gives exit code 2. */
export function parseModel(path: string, bytes: Uint8Array, err: Write): Model | number {
  try {
    return readTflite(bytes);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    err(`tinyml-lens: ${path}: ${e.message}`);
    return 2;
  }
}

/** Reads and parses a model file: the model, or exit code 2. */
export function loadModelFile(path: string, err: Write, maxBytes = capFor(LIMITS.model)): { bytes: Uint8Array; model: Model } | number {
  const bytes = readModelBytes(path, err, maxBytes);
  if (typeof bytes === 'number') return bytes;
  const model = parseModel(path, bytes, err);
  return typeof model === 'number' ? model : { bytes, model };
}

/** The most a flatbuffer can span (32-bit offsets): a larger .tflite keeps its buffers after it (offset/size). */
const FLATBUFFER_MAX = 2 * GiB;

/**
 * The model at `path` for an analysis, reading no more of the file than it needs: a file up to 2 GiB whole (within
 * `maxBytes`), a larger one only its flatbuffer part and the few bytes after it the IR holds (readTfliteSource; its
 * buffers are located, not read). Throws FileError or ModelFormatError. `opened` sees the file (tests count its reads).
 */
export function readModelForAnalysis(path: string, maxBytes = capFor(LIMITS.model), opened?: (file: { readonly bytesRead: number }) => void): Model {
  const options = { maxBytes, raise: 'use --max-file-size to raise it' };
  const file = openRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  opened?.(file);
  try {
    if (file.size <= FLATBUFFER_MAX) {
      if (file.size > maxBytes) throw tooLarge(path, file.size, options);
      return readTflite(file.read(0, file.size));
    }
    return readTfliteSource(file, { maxBytes: Math.min(maxBytes, FLATBUFFER_MAX) });
  } finally {
    file.close();
  }
}
