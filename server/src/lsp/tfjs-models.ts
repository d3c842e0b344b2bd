/**
 * The file reading for TF.js models: model.json from disk (or from the open editor's text) and its weight shards
 * beside it, handed to the pure reader (server/src/model/tfjs/) in an analysis worker (tfjs can take long or much
 * memory on a hostile model; the worker's limits apply). Loading is asynchronous, so callers `prepare` a path before
 * the synchronous checks read it with `get`; `loading` says whether a load is still running. Results are cached by the JSON text's
 * hash and the shards' size and mtime, so an unchanged model is read once. The cache also knows which shards each
 * model.json names, so a shard rewritten on disk re-checks the manifests of its model.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { shardReader } from '../files/tfjs-shards.js';
import { ModelFormatError } from '../model/errors.js';
import type { TfjsModel } from '../model/tfjs/reader.js';
import type { JobFailure, JobRequest } from './worker/messages.js';
import type { JobOutcome } from './worker/pool.js';

/** The outcome of loading a model.json. */
export type TfjsLoad =
  | { readonly kind: 'ok'; readonly path: string; readonly model: TfjsModel }
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'malformed'; readonly path: string; readonly error: ModelFormatError }
  /** Loading exceeded a limit of the analysis worker (time, memory, a bound of the reader) or crashed it. */
  | { readonly kind: 'failed'; readonly path: string; readonly failure: JobFailure };

/** Runs a job in the analysis workers (deduplicated by key). */
export type JobRunner = (key: string, request: JobRequest) => Promise<JobOutcome>;

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
  /** Per model.json path: the load still running, if any. */
  private readonly inflight = new Map<string, Promise<TfjsLoad>>();
  /** Files read from disk (for tests: an edit of a manifest must not re-read its model). */
  reads = 0;

  constructor(private readonly run: JobRunner) {}

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
      pending = this.load(key, path, json);
      if (this.byKey.size >= MAX_ENTRIES) this.byKey.delete(this.byKey.keys().next().value as string);
      this.byKey.set(key, pending);
    }
    const settled = pending.then((result) => {
      this.latest.set(path, result);
      if (this.inflight.get(path) === settled) this.inflight.delete(path);
      return result;
    });
    this.inflight.set(path, settled);
    return settled;
  }

  /** The load of `path` still running (settles when it is done), or null. */
  loading(path: string): Promise<TfjsLoad> | null {
    return this.inflight.get(path) ?? null;
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

  /** Reads the shards the JSON names and has a worker load the model. */
  private async load(key: string, path: string, json: string): Promise<TfjsLoad> {
    const outcome = await this.run(`tfjs|${key}`, { kind: 'tfjs', json, shards: readShards(path, json) });
    switch (outcome.kind) {
      case 'tfjs': return { kind: 'ok', path, model: outcome.model };
      case 'malformed': {
        const e = outcome.error;
        return { kind: 'malformed', path, error: new ModelFormatError(e.code, e.offset, e.where, e.detail, json.length) };
      }
      case 'failed': return { kind: 'failed', path, failure: outcome.failure };
      default: return { kind: 'failed', path, failure: { kind: 'crash', message: `the TF.js load ended as '${outcome.kind}'` } };
    }
  }
}

/**
 * Every shard the weights manifest names, by the path as written: its bytes, or why it cannot be read (the reader
 * reports that for the shard it needs, as if it had read it itself).
 */
export function readShards(path: string, json: string): Record<string, Uint8Array | string> {
  const shards: Record<string, Uint8Array | string> = {};
  // Shards stay in the model's folder, are regular files, and hold at most what their weight group declares.
  const read = shardReader(path, json);
  for (const name of shardNames(json)) {
    if (Object.hasOwn(shards, name)) continue;
    try {
      shards[name] = read(name);
    } catch (e) {
      shards[name] = (e as Error).message;
    }
  }
  return shards;
}

/** The shard paths of a weights manifest, as written (none when the JSON is not a model's). */
function shardNames(json: string): string[] {
  try {
    const doc = JSON.parse(json) as { weightsManifest?: unknown };
    const groups = Array.isArray(doc?.weightsManifest) ? (doc.weightsManifest as { paths?: unknown }[]) : [];
    return groups.flatMap((g) => (Array.isArray(g?.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  } catch {
    return [];
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
export function shardPaths(path: string, json: string): string[] {
  const names = [...json.matchAll(/"paths"\s*:\s*\[([^\]]*)\]/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/"([^"]+)"/g)].map((x) => x[1] ?? ''));
  return names.map((n) => resolve(dirname(path), n));
}

/** Size and mtime of every shard the JSON names, so a rewritten shard is a new cache entry. */
function shardStamps(path: string, json: string): string {
  return fileStamps(shardPaths(path, json));
}

/** Size and mtime of each file ('x' for one that cannot be stat'ed), joined: a cache stamp. */
export function fileStamps(paths: readonly string[]): string {
  return paths.map((p) => {
    try {
      const s = statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'x';
    }
  }).join(',');
}
