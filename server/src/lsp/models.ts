/**
 * The server's only file reading: model files, parsed once per content hash and analysed once per (hash, runtime),
 * shared by every manifest. A manifest edit costs one stat per model (no read) unless the file changed; a
 * workspace/didChangeWatchedFiles notification drops the entry so the next check re-reads it.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { analyzeModel, type AnalysisReport } from '../analysis/report.js';
import { checkSupport, type Runtime, type SupportReport } from '../analysis/support/index.js';
import { describeKind, FileError, LIMITS, readRegularFile } from '../files/read.js';
import { ModelFormatError } from '../model/errors.js';
import type { Model } from '../model/ir.js';
import { readTflite } from '../model/tflite/reader.js';
import type { CacheStats } from './protocol.js';

export type { CacheStats };

/** The outcome of loading a model file. */
export type ModelLoad =
  | { readonly kind: 'ok'; readonly path: string; readonly hash: string; readonly model: Model }
  | { readonly kind: 'missing'; readonly path: string }
  /** The file exists but cannot be used: a directory, no permission, or a format not supported yet. */
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string }
  | { readonly kind: 'malformed'; readonly path: string; readonly hash: string; readonly error: ModelFormatError };

/** How many parsed models and analyses to keep; a workspace rarely has more models than this. */
const MAX_ANALYSES = 64;

export class ModelCache {
  readonly stats: CacheStats = { reads: 0, parses: 0, analyses: 0 };
  private readonly files = new Map<string, { stamp: string; load: ModelLoad }>();
  private readonly parsed = new Map<string, Model | ModelFormatError>();
  private readonly analyses = new Map<string, AnalysisReport>();
  private readonly supports = new Map<string, SupportReport>();

  /** The model at `path` (absolute), re-read only when its size or mtime changed or it was invalidated. */
  load(path: string): ModelLoad {
    const stamp = this.stamp(path);
    const cached = this.files.get(path);
    if (cached && cached.stamp === stamp) return cached.load;
    const load = this.read(path, stamp);
    this.files.set(path, { stamp, load });
    return load;
  }

  /** The analysis of a loaded model for a runtime, computed once per content hash. */
  analysis(load: Extract<ModelLoad, { kind: 'ok' }>, runtime: AnalysisReport['runtime']): AnalysisReport {
    const key = `${load.hash}|${runtime}`;
    let report = this.analyses.get(key);
    if (!report) {
      report = analyzeModel(load.model, runtime);
      this.stats.analyses++;
      if (this.analyses.size >= MAX_ANALYSES) this.analyses.delete(this.analyses.keys().next().value as string);
      this.analyses.set(key, report);
    }
    return report;
  }

  /** Op support of a loaded model for a runtime, from the analysis of its memory kernel set; once per content hash. */
  support(load: Extract<ModelLoad, { kind: 'ok' }>, runtime: Runtime, report: AnalysisReport): SupportReport {
    const key = `${load.hash}|${runtime}`;
    let support = this.supports.get(key);
    if (!support) {
      support = checkSupport(load.model, runtime, report.detail.failures);
      if (this.supports.size >= MAX_ANALYSES) this.supports.delete(this.supports.keys().next().value as string);
      this.supports.set(key, support);
    }
    return support;
  }

  /**
   * The bytes of a loaded model, re-read from disk (the cache keeps only the parsed model); null when the file no
   * longer holds the content that was analysed (it changed since, or cannot be read).
   */
  bytesOf(load: Extract<ModelLoad, { kind: 'ok' }>): Uint8Array | null {
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(load.path, { maxBytes: LIMITS.model });
      this.stats.reads++;
    } catch (e) {
      if (e instanceof FileError) return null;
      throw e;
    }
    return createHash('sha256').update(bytes).digest('hex') === load.hash ? bytes : null;
  }

  /** Forget what is known about a file (it changed or was deleted on disk). Analyses stay: they are keyed by content. */
  invalidate(path: string): void {
    this.files.delete(path);
  }

  private stamp(path: string): string {
    try {
      const s = statSync(path);
      return s.isFile() ? `${s.size}:${s.mtimeMs}` : `not-a-file:${describeKind(s)}`;
    } catch (e) {
      return `error:${(e as NodeJS.ErrnoException).code ?? 'unknown'}`;
    }
  }

  private read(path: string, stamp: string): ModelLoad {
    if (stamp === 'error:ENOENT' || stamp === 'error:ENOTDIR') return { kind: 'missing', path };
    if (stamp.startsWith('not-a-file')) return { kind: 'unreadable', path, reason: `it is ${stamp.slice('not-a-file:'.length)}, not a regular file` };
    if (/(^|[\\/])model\.json$/i.test(path)) {
      // Manifests read model.json through TfjsCache (tfjs-models.ts); this cache holds only .tflite bytes.
      return { kind: 'unreadable', path, reason: 'a TensorFlow.js model.json has no TFLM memory model; convert it to .tflite' };
    }
    let bytes: Uint8Array;
    try {
      // A FIFO or device swapped in after the stamp, or a huge file: a typed error, never a stall (files/read.ts).
      bytes = readRegularFile(path, { maxBytes: LIMITS.model });
      this.stats.reads++;
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      if (e.code === 'missing') return { kind: 'missing', path };
      return { kind: 'unreadable', path, reason: e.reason };
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    let parsed = this.parsed.get(hash);
    if (!parsed) {
      this.stats.parses++;
      try {
        parsed = readTflite(bytes);
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw e;
        parsed = e;
      }
      // Old contents of a model being retrained pile up otherwise; keep as many as analyses.
      if (this.parsed.size >= MAX_ANALYSES) this.parsed.delete(this.parsed.keys().next().value as string);
      this.parsed.set(hash, parsed);
    }
    return parsed instanceof ModelFormatError ? { kind: 'malformed', path, hash, error: parsed } : { kind: 'ok', path, hash, model: parsed };
  }
}
