/**
 * The file reading for TF.js models: model.json from disk (or from the open editor's text) and its weight shards
 * beside it, handed to the pure reader (server/src/model/tfjs/). Loading is asynchronous (the tfjs loader is), so
 * callers `prepare` a path before the synchronous checks read it with `get`. Results are cached by the JSON text's
 * hash and the shards' size and mtime, so an unchanged model is read once. The cache also knows which shards each
 * model.json names, so a shard rewritten on disk re-checks the manifests of its model.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { shardReader } from '../files/tfjs-shards.js';
import { ModelFormatError } from '../model/errors.js';
import { readTfjsModel, type TfjsModel } from '../model/tfjs/reader.js';

/** The outcome of loading a model.json. */
export type TfjsLoad =
  | { readonly kind: 'ok'; readonly path: string; readonly model: TfjsModel }
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'malformed'; readonly path: string; readonly error: ModelFormatError };

/** True for a TF.js model file name (`model.json`, `*.model.json`). */
export function isTfjsPath(path: string): boolean {
  return /(^|[\\/.])model\.json$/i.test(path);
}

const MAX_ENTRIES = 32;

export class TfjsCache {
  private readonly byKey = new Map<string, Promise<TfjsLoad>>();
  private readonly latest = new Map<string, TfjsLoad>();
  /** Per path on disk: the file's stamp and its shards' when last read, so an unchanged model.json is not re-read. */
  private readonly disk = new Map<string, { stamp: string; shards: string; json: string }>();
  /** Per model.json path: the absolute paths of the shards its weights manifest names (as last prepared). */
  private readonly shards = new Map<string, readonly string[]>();
  /** Files read from disk (for tests: an edit of a manifest must not re-read its model). */
  reads = 0;

  /**
   * Loads `path` (absolute), from `text` when the editor holds the document (unsaved edits count), else from disk.
   * Shards are read beside it by the weights manifest's relative paths.
   */
  prepare(path: string, text?: string): Promise<TfjsLoad> {
    let json = text;
    if (json === undefined) {
      const stamp = fileStamp(path);
      const known = this.disk.get(path);
      if (known && known.stamp === stamp && known.shards === shardStamps(path, known.json)) {
        json = known.json;
      } else {
        try {
          json = readTextFile(path, { maxBytes: LIMITS.modelJson });
          this.reads++;
          this.disk.set(path, { stamp, shards: shardStamps(path, json), json });
        } catch (e) {
          if (!(e instanceof FileError)) throw e;
          this.disk.delete(path);
          this.shards.delete(path);
          // A FIFO, a device or a huge file is said as such on the manifest's model line; only absence is 'missing'.
          const failed: TfjsLoad = e.code === 'missing' ? { kind: 'missing', path } : { kind: 'malformed', path, error: new ModelFormatError('not-a-model', 0, '', e.reason, 0) };
          this.latest.set(path, failed);
          return Promise.resolve(failed);
        }
      }
    }
    this.shards.set(path, shardPaths(path, json));
    const key = `${path}|${createHash('sha256').update(json).digest('hex')}|${shardStamps(path, json)}`;
    let pending = this.byKey.get(key);
    if (!pending) {
      pending = load(path, json);
      if (this.byKey.size >= MAX_ENTRIES) this.byKey.delete(this.byKey.keys().next().value as string);
      this.byKey.set(key, pending);
    }
    return pending.then((result) => {
      this.latest.set(path, result);
      return result;
    });
  }

  /** The model.json files whose weights manifest names the shard at `path` (absolute). */
  modelsUsingShard(path: string): string[] {
    return [...this.shards].filter(([, shards]) => shards.includes(path)).map(([model]) => model);
  }

  /** Every shard path named by a prepared model.json. */
  shardPaths(): string[] {
    return [...new Set([...this.shards.values()].flat())];
  }

  /**
   * Forgets what was read of a model.json and of its shards (one of them changed on disk): the next `prepare` reads
   * them again even when a rewrite kept the size and mtime.
   */
  invalidate(path: string): void {
    this.disk.delete(path);
    for (const key of [...this.byKey.keys()]) if (key.startsWith(`${path}|`)) this.byKey.delete(key);
  }

  /** The last load of `path` that `prepare` finished; null before any. */
  get(path: string): TfjsLoad | null {
    return this.latest.get(path) ?? null;
  }
}

async function load(path: string, json: string): Promise<TfjsLoad> {
  try {
    // Shards stay in the model's folder, are regular files, and hold at most what their weight group declares.
    const model = await readTfjsModel(json, shardReader(path, json));
    return { kind: 'ok', path, model };
  } catch (e) {
    if (e instanceof ModelFormatError) return { kind: 'malformed', path, error: e };
    throw e;
  }
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'x';
  }
}

/** The shards a model.json's weights manifest names, as absolute paths beside it. */
function shardPaths(path: string, json: string): string[] {
  const names = [...json.matchAll(/"paths"\s*:\s*\[([^\]]*)\]/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/"([^"]+)"/g)].map((x) => x[1] ?? ''));
  return names.map((n) => resolve(dirname(path), n));
}

/** Size and mtime of every shard the JSON names, so a rewritten shard is a new cache entry. */
function shardStamps(path: string, json: string): string {
  return shardPaths(path, json).map((shard) => {
    try {
      const s = statSync(shard);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'x';
    }
  }).join(',');
}
