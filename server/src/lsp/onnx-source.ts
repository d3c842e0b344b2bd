/**
 * An ONNX model's external data files (PyTorch's `model.onnx.data`) for the model cache (models.ts) and the Convert
 * command (convert-request.ts): read beside the model through files/onnx-external.ts (confined to its folder, regular
 * files, capped), hashed into the content key, and stamped, so that a rewritten data file converts again and the
 * server's watchers follow it like a TF.js model's weight shards.
 */
import { createHash, type Hash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { externalFiles, isConfinedLocation } from '../convert/onnx/external.js';
import { ExternalDataError, readExternalData } from '../files/onnx-external.js';
import { visible } from '../analysis/text.js';
import { fileStamps } from './tfjs-models.js';

/** The data files of an ONNX model: read (`files`, by location), or why one cannot be; with the paths and their stamp. */
export type OnnxSideFiles =
  | { readonly kind: 'read'; readonly files: ReadonlyMap<string, Uint8Array>; readonly shardPaths: readonly string[]; readonly shardStamp: string }
  | { readonly kind: 'unreadable'; readonly reason: string; readonly shardPaths: readonly string[]; readonly shardStamp: string };

/** Reads the external data files the ONNX model `bytes` at `path` names (none for a model with its data inside). */
export function readOnnxSideFiles(path: string, bytes: Uint8Array): OnnxSideFiles {
  // Watched and stamped before they are read (a file rewritten meanwhile is read again at the next check); a location
  // outside the folder is never looked at, not even stat'ed.
  const shardPaths = externalFiles(bytes).filter((f) => isConfinedLocation(f.location)).map((f) => resolve(dirname(path), f.location));
  const shardStamp = fileStamps(shardPaths);
  try {
    return { kind: 'read', files: readExternalData(path, bytes).files, shardPaths, shardStamp };
  } catch (e) {
    if (!(e instanceof ExternalDataError)) throw e;
    return { kind: 'unreadable', reason: visible(e.message), shardPaths, shardStamp };
  }
}

/** The content key of an ONNX model with its data files: the format, the model, and each file's location, length and bytes. */
export function onnxContentHash(bytes: Uint8Array, files: ReadonlyMap<string, Uint8Array>): string {
  const hash: Hash = createHash('sha256').update('onnx').update(bytes);
  for (const [location, data] of files) hash.update(`\0${location}\0${data.length}\0`).update(data);
  return hash.digest('hex');
}
