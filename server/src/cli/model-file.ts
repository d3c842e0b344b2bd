/** Reading a model file for the CLI: the bytes and the parsed model, or a located reason on stderr and exit code 2. */
import { FileError, GiB, LIMITS, openRegularFile, tooLarge } from '../files/read.js';
import { ModelFormatError } from '../model/errors.js';
import type { Model } from '../model/ir.js';
import { readTflite, readTfliteSource } from '../model/tflite/reader.js';
import type { ConvertError, SourceFormat } from '../convert/types.js';
import type { InputShape } from '../analysis/shapes.js';
import { sourceFormatOf } from '../convert/provenance.js';
import { convertedCommand } from './lazy.js';

export type Write = (s: string) => void;

/** The most a flatbuffer can span (32-bit offsets): a larger .tflite keeps its buffers after it (offset/size). */
const FLATBUFFER_MAX = 2 * GiB;

/** `--max-file-size` of this run (null: each kind of file has its default cap); main() sets it before each command. */
export const fileLimits: { given: number | null } = { given: null };

/**
 * What this run's --input-shape and --input-value give the converter of a source model (main() sets it before each
 * command): input shapes, named ones fixing open dimensions at conversion, and inputs fixed to constants, by name.
 */
export const sourceInputs: { shapes: readonly InputShape[]; values: ReadonlyMap<string, readonly number[]> } = { shapes: [], values: new Map() };

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
 * after saying why it cannot be read. A file over 2 GiB is refused whatever the cap, from its size alone (nothing is
 * read): `whole` says why the command needs the file in memory.
 */
export function readModelBytes(path: string, err: Write, maxBytes = capFor(LIMITS.model), whole = 'this command reads the file whole'): Uint8Array | number {
  try {
    const file = openRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
    try {
      if (file.size > FLATBUFFER_MAX) throw wholeTooLarge(path, file.size, whole);
      if (file.size > maxBytes) throw tooLarge(path, file.size, { maxBytes, raise: 'use --max-file-size to raise it' });
      return file.read(0, file.size);
    } finally {
      file.close();
    }
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

/**
 * Reads and parses a model file whole (`whole`: why the command needs all of it): the model and the bytes it was read
 * from, or exit code 2 (1 for a source model the converter cannot map). A source model (.onnx, .keras, .h5, a TF.js
 * layers model.json) is converted in memory (converted.ts): its bytes are the .tflite `convert` writes.
 */
export function loadModelFile(path: string, err: Write, maxBytes = capFor(LIMITS.model), whole?: string): { bytes: Uint8Array; model: Model } | number {
  const bytes = readModelBytes(path, err, maxBytes, whole);
  if (typeof bytes === 'number') return bytes;
  const format = sourceFormatOf(path, bytes.subarray(0, SNIFF_BYTES));
  if (format !== null) return convertedCommand().convertFile(path, bytes, format, err);
  if (sourceInputs.shapes.length || sourceInputs.values.size) return notSource(path, err, sourceInputs.values.size ? '--input-value' : '--input-shape');
  const model = parseModel(path, bytes, err);
  return typeof model === 'number' ? model : { bytes, model };
}

/** Exit code 2 for an option that only a source model's converter takes, given with a .tflite. */
function notSource(path: string, err: Write, option: string): number {
  err(`tinyml-lens: ${path}: ${option} fixes an input of a source model (.onnx, .keras, ...) before conversion; this is a .tflite${option === '--input-shape' ? ' (analyze and fit take --input-shape for a .tflite)' : ''}`);
  return 2;
}

/** The refusal of a file over 2 GiB by a command that needs it whole; the commands that do not are named. */
function wholeTooLarge(path: string, size: number, why: string): FileError {
  return new FileError('too-large', path, `is ${(size / GiB).toFixed(2)} GiB (${size.toLocaleString('en-US')} B), over the 2 GiB a model is read whole up to: ${why}; `
    + 'a .tflite this large keeps its buffers after the flatbuffer (offset/size), where TFLM cannot read them; `analyze` and `fit` read such a file by offset');
}

/** How much of a file's start decides its format (converted.ts `sourceFormatOf`). */
const SNIFF_BYTES = 4096;

/**
 * The model at `path` for an analysis (readModelForAnalysis; a source model converted in memory, converted.ts), or the
 * exit code after printing why it cannot be read, parsed or converted (the file, the byte offset and field of a
 * malformed model, the converter's located reason; `malformed` and `unconverted` see those errors too). A source
 * model is converted at the `inputShapes` that name an input (converted.ts); the caller applies the rest.
 */
export function loadModelForAnalysis(path: string, err: Write, malformed?: (e: ModelFormatError) => void, unconverted?: (e: ConvertError) => void, inputShapes: readonly InputShape[] = []): Model | number {
  let read: ModelOrSource;
  try {
    read = readForAnalysis(path);
  } catch (e) {
    if (e instanceof FileError) {
      err(fileErrorLine('read', e));
      return 2;
    }
    if (!(e instanceof ModelFormatError)) throw e;
    err(`tinyml-lens: ${path}: ${e.message}`);
    malformed?.(e);
    return 2;
  }
  if (read.kind === 'tflite') return sourceInputs.values.size ? notSource(path, err, '--input-value') : read.model;
  const converted = convertedCommand().convertFile(path, read.bytes, read.format, err, unconverted, inputShapes);
  return typeof converted === 'number' ? converted : converted.model;
}

/**
 * The .tflite at `path` for an analysis, reading no more of the file than it needs: a file up to 2 GiB whole (within
 * `maxBytes`), a larger one only its flatbuffer part and the few bytes after it the IR holds (readTfliteSource; its
 * buffers are located, not read). Throws FileError or ModelFormatError, and FileError `not-a-file` for a source
 * model (loadModelForAnalysis converts those). `opened` sees the file (tests count its reads).
 */
export function readModelForAnalysis(path: string, maxBytes = capFor(LIMITS.model), opened?: (file: { readonly bytesRead: number }) => void): Model {
  const read = readForAnalysis(path, maxBytes, opened);
  if (read.kind === 'source') throw new FileError('not-a-file', path, `is a ${read.format} model, not a .tflite: it needs converting first`);
  return read.model;
}

type ModelOrSource = { readonly kind: 'tflite'; readonly model: Model } | { readonly kind: 'source'; readonly format: SourceFormat; readonly bytes: Uint8Array };

/** readModelForAnalysis, which leaves a source model's bytes to the converter (it needs them whole, so up to 2 GiB). */
function readForAnalysis(path: string, maxBytes = capFor(LIMITS.model), opened?: (file: { readonly bytesRead: number }) => void): ModelOrSource {
  const options = { maxBytes, raise: 'use --max-file-size to raise it' };
  const file = openRegularFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  opened?.(file);
  try {
    if (file.size <= FLATBUFFER_MAX) {
      if (file.size > maxBytes) throw tooLarge(path, file.size, options);
      const bytes = file.read(0, file.size);
      const format = sourceFormatOf(path, bytes.subarray(0, SNIFF_BYTES));
      return format === null ? { kind: 'tflite', model: readTflite(bytes) } : { kind: 'source', format, bytes };
    }
    // Named by its extension only: the .tflite reader below reads no byte more than it needs (tests count them).
    if (/\.(onnx|keras|h5|hdf5|json)$/i.test(path)) throw wholeTooLarge(path, file.size, 'a source model is converted whole');
    return { kind: 'tflite', model: readTfliteSource(file, { maxBytes: Math.min(maxBytes, FLATBUFFER_MAX) }) };
  } finally {
    file.close();
  }
}
