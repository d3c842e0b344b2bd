/**
 * A TF.js model.json as a source model of the model cache (models.ts): a layers model is converted in the analysis
 * worker like an .onnx, so a manifest naming it gets the figures of the .tflite `tinyml-lens convert` writes. Here the
 * JSON and every weight shard it names are read (files/: regular files, confined to the model's folder, capped), and
 * the content key hashes the format, the JSON and each shard, so a rewritten shard is another model. A graph model
 * (which the converter does not take) or a JSON that is no layers model keeps the TF.js reader's estimates
 * (tfjs-models.ts).
 */
import { createHash } from 'node:crypto';
import { sourceFormatOf } from '../convert/provenance.js';
import { FileError, LIMITS, readRegularFile } from '../files/read.js';
import { visible } from '../analysis/text.js';
import type { ModelLoad } from './models.js';
import { fileStamps, readShards, shardPaths as tfjsShardPaths } from './tfjs-models.js';

/** What the model cache does with a model.json. */
export type TfjsSource =
  /** A layers model: convert `bytes` (the JSON) with `shards` in a worker; `hash` is the content key. */
  | { readonly kind: 'convert'; readonly bytes: Uint8Array; readonly shards: ReadonlyMap<string, Uint8Array>; readonly hash: string; readonly shardPaths: readonly string[]; readonly shardStamp: string }
  /** Not converted here (a graph model, or a JSON that is no layers model): the TF.js reader's estimates apply. */
  | { readonly kind: 'estimates'; readonly reason: string }
  | { readonly kind: 'missing' }
  /** The JSON or a shard it names cannot be read (a directory, too large, outside the folder). */
  | { readonly kind: 'unreadable'; readonly reason: string; readonly shardPaths: readonly string[]; readonly shardStamp: string };

/** Reads the model.json at `path` (absolute) and, for a layers model, its shards. */
export function readTfjsSource(path: string): TfjsSource {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, { maxBytes: LIMITS.modelJson });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    return e.code === 'missing' ? { kind: 'missing' } : { kind: 'unreadable', reason: e.reason, shardPaths: [], shardStamp: '' };
  }
  const format = sourceFormatOf(path, bytes.subarray(0, 4096));
  if (format !== 'tfjs-layers') {
    return { kind: 'estimates', reason: format === 'tfjs-graph' ? 'a TF.js graph model is not converted by TinyML Lens (only layers models are)' : 'not a TF.js layers model' };
  }
  const json = new TextDecoder().decode(bytes);
  const shardPaths = tfjsShardPaths(path, json);
  // Stamped before they are read: a shard rewritten meanwhile is read again at the next check.
  const shardStamp = fileStamps(shardPaths);
  const shards = new Map<string, Uint8Array>();
  const hash = createHash('sha256').update('tfjs-layers').update(bytes);
  for (const [name, read] of Object.entries(readShards(path, json))) {
    if (typeof read === 'string') return { kind: 'unreadable', reason: `cannot read weight shard '${visible(name)}': ${read}`, shardPaths, shardStamp };
    shards.set(name, read);
    // Name and length first, so that moving bytes from one shard to the next is another content.
    hash.update(`\0${name}\0${read.length}\0`).update(read);
  }
  return { kind: 'convert', bytes, shards, hash: hash.digest('hex'), shardPaths, shardStamp };
}

/**
 * Whether a manifest naming this model.json also gets the TF.js reader's estimates: a graph model, which is not
 * converted, or a readable layers model with a layer or structure the converter does not map. The refusal is
 * `model-not-converted` on `model:`; the estimates beside it are lower bounds, labelled so, and a lower bound over the
 * budget already answers "will it fit?". A model the converter finds broken gets no estimates: it is broken for both.
 */
export function withEstimates(load: ModelLoad): boolean {
  if (load.kind === 'unconverted') return load.error.code === 'unsupported-op' || load.error.code === 'unsupported-model';
  return load.kind === 'unreadable' && load.estimates === true;
}
