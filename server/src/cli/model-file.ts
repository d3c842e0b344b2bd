/** Reading a model file for the CLI: the bytes and the parsed model, or a located reason on stderr and exit code 2. */
import { readFileSync } from 'node:fs';
import { ModelFormatError } from '../model/errors.js';
import type { Model } from '../model/ir.js';
import { readTflite } from '../model/tflite/reader.js';

export type Write = (s: string) => void;

/** The file's bytes, or the exit code 2 after saying why it cannot be read. */
export function readModelBytes(path: string, err: Write): Uint8Array | number {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err(`tinyml-lens: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
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
export function loadModelFile(path: string, err: Write): { bytes: Uint8Array; model: Model } | number {
  const bytes = readModelBytes(path, err);
  if (typeof bytes === 'number') return bytes;
  const model = parseModel(path, bytes, err);
  return typeof model === 'number' ? model : { bytes, model };
}
