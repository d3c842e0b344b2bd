/**
 * The language server's analysis workers and its model cache, with the limits they run under: the defaults, what
 * initializationOptions say (tests), and each folder's `tinymlLens.analysisMemoryMb` setting.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelCache } from '../models.js';
import { AnalysisPool } from './pool.js';

/** Limits of a model's analysis in a worker unless the settings (or initializationOptions, for tests) say otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 20;
const DEFAULT_MEMORY_MB = 1024;

export class ServerAnalyses {
  /** Analyses run in worker threads so that no model, however slow or large, holds up hovers, completions and edits. */
  readonly pool: AnalysisPool;
  readonly models: ModelCache;
  /** The memory limit when no setting names one (initializationOptions may change it). */
  private defaultMemoryMb = DEFAULT_MEMORY_MB;

  /** `workerFile`: the worker bundle (dist/analysis-worker.js). */
  constructor(workerFile: string) {
    this.pool = new AnalysisPool({
      size: Math.min(2, availableParallelism()),
      memoryMb: DEFAULT_MEMORY_MB,
      spawn: (memoryMb) => new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } }),
    });
    this.models = new ModelCache(this.pool, DEFAULT_TIMEOUT_SECONDS);
  }

  /** Limits from initializationOptions (`analysisTimeoutSeconds`, `analysisMemoryMb`): the defaults when no setting names one. */
  applyInitializationOptions(options: unknown): void {
    const o = options !== null && typeof options === 'object' ? (options as Record<string, unknown>) : {};
    const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
    this.models.timeoutSeconds = positive(o.analysisTimeoutSeconds) ?? DEFAULT_TIMEOUT_SECONDS;
    this.defaultMemoryMb = Math.max(8, positive(o.analysisMemoryMb) ?? DEFAULT_MEMORY_MB);
    this.pool.setMemoryLimit(this.defaultMemoryMb);
  }

  /** The workers' heap limit from a folder's setting, or the default when it names none. */
  useMemorySetting(megabytes: number | null | undefined): void {
    this.pool.setMemoryLimit(megabytes ?? this.defaultMemoryMb);
  }
}
