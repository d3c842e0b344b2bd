/**
 * The language server's analysis workers and its model cache, with the limits they run under: the defaults, what
 * initializationOptions say (tests), and each folder's `tinymlLens.analysisMemoryMb` setting.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelCache } from '../models.js';
import { AnalysisPool, type JobOutcome } from './pool.js';

/** Limits of a model's analysis in a worker unless the settings (or initializationOptions, for tests) say otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 20;
const DEFAULT_MEMORY_MB = 1024;

export class ServerAnalyses {
  /** Analyses run in worker threads so that no model, however slow or large, holds up hovers, completions and edits. */
  readonly pool: AnalysisPool;
  readonly models: ModelCache;
  /** The memory limit when no setting names one (initializationOptions may change it). */
  private defaultMemoryMb = DEFAULT_MEMORY_MB;

  /** `workerFile`: the worker bundle (dist/analysis-worker.js); `log` gets one line per finished job. */
  constructor(workerFile: string, log?: (line: string) => void) {
    this.pool = new AnalysisPool({
      size: Math.min(2, availableParallelism()),
      memoryMb: DEFAULT_MEMORY_MB,
      spawn: (memoryMb) => new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } }),
      ...(log ? { onFinished: (key: string, outcome: JobOutcome, ms: number) => log(jobLine(key, outcome, ms)) } : {}),
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

/**
 * "analyse 3f2a9c1e tflm-cmsis-nn: analysed in 212 ms": what the worker did for a job key (`analyse|hash|kernels|...`;
 * content hashes cut to 8 characters), how it ended, and the time since it was asked for (queueing included).
 */
export function jobLine(key: string, outcome: JobOutcome, milliseconds: number): string {
  const [kind = '', ...rest] = key.split('|');
  const parts = rest.filter((p) => p !== '' && p !== 'null').map((p) => (/^[0-9a-f]{16,}$/i.test(p) ? p.slice(0, 8) : p));
  const how = outcome.kind === 'failed' ? `failed (${outcome.failure.kind})` : outcome.kind;
  return `${kind} ${parts.join(' ')}: ${how} in ${Math.round(milliseconds)} ms`;
}
