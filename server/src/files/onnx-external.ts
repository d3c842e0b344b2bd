/**
 * Reading the external data files an ONNX model's tensors name (PyTorch's `model.onnx.data`), for the CLI and the
 * server alike: each file confined to the model's folder (paths.ts: no absolute path, no `..`, no symbolic link
 * leaving it), a regular file (read.ts), all of them together within the cap a model has. The converter then checks
 * each tensor's offset and length against the bytes read (convert/onnx/external.ts).
 */
import { dirname } from 'node:path';
import { externalFiles } from '../convert/onnx/external.js';
import { confinedPath } from './paths.js';
import { FileError, LIMITS, readRegularFile } from './read.js';

/** An external data file that cannot be read: which file, for which tensor, and why (a FileError's reason). */
export class ExternalDataError extends Error {
  constructor(readonly location: string, readonly tensor: string, override readonly cause: FileError) {
    super(`cannot read the external data file '${location}' (of tensor '${tensor}'): ${cause.reason}`);
    this.name = 'ExternalDataError';
  }
}

/**
 * The external data files the ONNX model `bytes` at `modelPath` names, by location as written, with their absolute
 * paths (for cache stamps and file watchers); `totalBytes` caps all files together (`raise`: how to raise it); an empty map for a model that keeps its data inside. Throws
 * ExternalDataError for a file that cannot be read (outside the folder, missing, not a regular file, over the cap).
 */
export function readExternalData(modelPath: string, bytes: Uint8Array, totalBytes: number = LIMITS.model, raise?: string): { files: Map<string, Uint8Array>; paths: string[] } {
  const folder = dirname(modelPath);
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  let left = totalBytes;
  for (const { location, tensor } of externalFiles(bytes)) {
    try {
      const path = confinedPath(folder, location);
      const data = readRegularFile(path, { maxBytes: left, ...(raise ? { raise } : {}) });
      left -= data.length;
      files.set(location, data);
      paths.push(path);
    } catch (e) {
      if (e instanceof FileError) throw new ExternalDataError(location, tensor, e);
      throw e;
    }
  }
  return { files, paths };
}
