/**
 * Reading the weight shards a TF.js model.json names, for the CLI and the server alike: each shard confined to the
 * model's folder (paths.ts), a regular file (read.ts), and no larger than the bytes its weight group declares, so a
 * 1 KB model.json cannot make us read gigabytes. Shards of a group whose size is not knowable share what is left of
 * the overall cap.
 */
import { dirname } from 'node:path';
import { groupBytes } from '../model/tfjs/reader.js';
import { confinedPath } from './paths.js';
import { FileError, LIMITS, readRegularFile } from './read.js';

/** Per shard path (as model.json writes it): the bytes its weight group declares, or null when unknown. */
function declaredCaps(json: string): Map<string, number | null> {
  const caps = new Map<string, number | null>();
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return caps; // the reader reports bad JSON; no shard is read then
  }
  const groups = (doc as { weightsManifest?: unknown })?.weightsManifest;
  if (!Array.isArray(groups)) return caps;
  for (const g of groups as { paths?: unknown; weights?: unknown }[]) {
    const need = groupBytes(Array.isArray(g?.weights) ? g.weights : []);
    for (const p of Array.isArray(g?.paths) ? g.paths : []) if (typeof p === 'string' && !caps.has(p)) caps.set(p, need);
  }
  return caps;
}

/**
 * A shard reader (synchronous: the server reads shards before handing them to a worker) for the model.json at `modelPath` with text `json`: reads each shard inside the model's folder, at
 * most its group's declared bytes and at most `totalBytes` for all shards together. Throws an Error with the reason
 * and the file, which the reader turns into a located ModelFormatError (the shard's index in weightsManifest).
 */
export function shardReader(modelPath: string, json: string, totalBytes: number = LIMITS.model): (name: string) => Uint8Array {
  const folder = dirname(modelPath);
  const caps = declaredCaps(json);
  let left = totalBytes;
  return (name) => {
    try {
      const path = confinedPath(folder, name);
      const declared = caps.get(name) ?? null;
      const maxBytes = Math.min(left, declared ?? left);
      const raise = declared !== null && declared <= left ? 'what its weight group in model.json declares' : 'the total for all shards; use --max-file-size';
      const bytes = readRegularFile(path, { maxBytes, raise });
      left -= bytes.length;
      return bytes;
    } catch (e) {
      // The reader names the shard and its place in weightsManifest; the reason and the file go in its message.
      if (e instanceof FileError) throw new Error(`${e.reason} (${e.path})`);
      throw e;
    }
  };
}

