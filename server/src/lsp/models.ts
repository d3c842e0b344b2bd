/**
 * The server's model files: read here (one stat per check, a read when the file changed), parsed and analysed in the
 * analysis workers (worker/pool.ts), once per content hash and per (hash, kernel set, support runtime), shared by every
 * manifest. Nothing here waits: `load` and `analysis` answer with what is known now (`pending` while a worker is on
 * it) and hand out a promise that settles when the job does; requests that must have a result await `loaded` and
 * `analysed`. A job that exceeds a limit is cached as `failed` for its content (it would fail again) until the limits
 * change. A workspace/didChangeWatchedFiles notification drops a file's entry so the next check re-reads it.
 * Source models (.onnx, .keras, .h5, a TF.js layers model.json with its weight shards: tfjs-source.ts) are converted
 * inside their parse job; a model.json's stamp and content key cover its shards, and an .onnx's its external data files
 * (onnx-source.ts; kept as its `shards` here), so a rewritten shard or data file converts again.
 */
import type { InputShape } from '../analysis/shapes.js';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { AnalysisReport } from '../analysis/report.js';
import type { Runtime, SupportReport } from '../analysis/support/index.js';
import { describeKind, FileError, LIMITS, readRegularFile } from '../files/read.js';
import { ModelFormatError } from '../model/errors.js';
import type { Model } from '../model/ir.js';
import type { AnalysisLimits } from '../model/limits.js';
import type { CacheStats } from './protocol.js';
import { sourceFormatOf, type ModelSource } from '../convert/provenance.js';
import type { SourceFormat } from '../convert/types.js';
import type { JobFailure, JobRequest, KernelSet, PlainConvertError } from './worker/messages.js';
import type { CodePath } from '../analysis/tflm/kernels/types.js';
import type { Abi } from '../analysis/tflm/structs.js';
import { joinReport } from './worker/lean-report.js';
import { fileStamps, isTfjsPath } from './tfjs-models.js';
import { readTfjsSource } from './tfjs-source.js';
import { onnxContentHash, readOnnxSideFiles } from './onnx-source.js';
import type { AnalysisPool, JobOutcome, RunOptions } from './worker/pool.js';

export type { CacheStats };

/** The outcome of loading a model file. */
export type ModelLoad =
  /** `source`: a source model (ONNX, Keras) converted in the worker; `model` is then the .tflite `convert` writes. */
  | { readonly kind: 'ok'; readonly path: string; readonly hash: string; readonly model: Model; readonly source?: ModelSource }
  | { readonly kind: 'missing'; readonly path: string }
  /**
   * The file exists but cannot be used: a directory, no permission, or a format not supported yet. `estimates`: a
   * TF.js model.json that is not converted (a graph model): manifests use the TF.js reader's estimates (tfjs-models.ts).
   */
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string; readonly estimates?: true }
  | { readonly kind: 'malformed'; readonly path: string; readonly hash: string; readonly error: ModelFormatError }
  /** A source model (ONNX, Keras) the converter refused: its located reason. */
  | { readonly kind: 'unconverted'; readonly path: string; readonly hash: string; readonly error: PlainConvertError }
  /** Read and hashed; a worker is parsing it (`settled` resolves when it is done, whatever the outcome). */
  | { readonly kind: 'pending'; readonly path: string; readonly hash: string; readonly settled: Promise<void> }
  /** Parsing it exceeded a limit (time, memory, a bound of the reader) or crashed the worker. */
  | { readonly kind: 'failed'; readonly path: string; readonly hash: string; readonly failure: JobFailure };

/** The analysis of a model for a kernel set (and op support for a runtime), as far as it has got. */
export type AnalysisState =
  | { readonly kind: 'done'; readonly report: AnalysisReport; readonly support: SupportReport | null }
  | { readonly kind: 'pending'; readonly settled: Promise<void> }
  | { readonly kind: 'failed'; readonly failure: JobFailure };

/** The limits a job runs under, and who waits for it (a document URI; none: the job runs to its end). */
export interface JobOptions {
  readonly owner?: string;
  /** Wall time per job; the cache's default when absent. */
  readonly timeoutSeconds?: number;
  /** Shapes for the model's dynamic inputs (a manifest's `input_shapes:`); part of the analysis key. */
  readonly inputShapes?: readonly InputShape[];
  /** The core's bounds where the settings change them (`tinymlLens.limits.*`); part of the analysis key. */
  readonly limits?: Partial<AnalysisLimits>;
  /** CMSIS-NN's code path for the target's core (`dsp` when absent); part of the analysis key when another. */
  readonly codePath?: CodePath;
  /** The target's enum width (`arm-eabi` when absent: Arm cores, no target); part of the analysis key when another. */
  readonly abi?: Abi;
}

type Parsed =
  | { readonly kind: 'ok'; readonly model: Model; readonly bytes: Uint8Array; readonly source?: ModelSource }
  | { readonly kind: 'malformed'; readonly error: ModelFormatError }
  | { readonly kind: 'unconverted'; readonly error: PlainConvertError }
  | { readonly kind: 'failed'; readonly failure: JobFailure }
  | { readonly kind: 'pending'; readonly settled: Promise<void> };

/** How many parsed models and analyses to keep; a workspace rarely has more models than this. */
const MAX_ANALYSES = 64;

type Ok = Extract<ModelLoad, { kind: 'ok' }>;

export class ModelCache {
  readonly stats: CacheStats = { reads: 0, parses: 0, analyses: 0, reportsMaterialised: 0 };
  /** Per path: its stamp (a model.json's with its shards', an .onnx's with its data files'), its load, and those side files' paths. */
  private readonly files = new Map<string, { stamp: string; load: ModelLoad; shards?: readonly string[] }>();
  private readonly parsed = new Map<string, Parsed>();
  private readonly analyses = new Map<string, AnalysisState>();

  /**
   * @param pool the workers that parse and analyse
   * @param timeoutSeconds the wall-time limit of a job that names none
   */
  constructor(private readonly pool: AnalysisPool, public timeoutSeconds: number) {}

  /** The model at `path` (absolute), re-read only when its size or mtime changed or it was invalidated. */
  load(path: string): ModelLoad {
    const cached = this.files.get(path);
    const stamp = this.stamp(path, cached?.shards);
    if (cached && cached.stamp === stamp) {
      // A pending parse that has settled since: the entry takes the parse's outcome.
      if (cached.load.kind === 'pending') cached.load = this.loadOf(path, cached.load.hash);
      return cached.load;
    }
    const read = isTfjsPath(path) ? this.readTfjs(path, this.stamp(path)) : this.read(path, cached?.shards?.length ? this.stamp(path) : stamp);
    const load = read.load;
    // The file's previous content is no longer wanted: its parse, if still running, is cancelled.
    this.pool.release(fileOwner(path), new Set('hash' in load ? [parseKey(load.hash)] : []));
    this.files.set(path, read);
    return load;
  }

  /** The load of `path` once its parse has settled (for requests, which may wait; checks use `load`). */
  async loaded(path: string): Promise<ModelLoad> {
    let load = this.load(path);
    for (let i = 0; i < 4 && load.kind === 'pending'; i++) {
      await load.settled;
      load = this.load(path);
    }
    return load;
  }

  /**
   * The analysis of a parsed model for a kernel set, with op support for `support` when given: cached, pending (a job
   * was started or joined for `options.owner`), or failed.
   */
  analysis(load: Ok, kernels: KernelSet, support: Runtime | null, options: JobOptions = {}): AnalysisState {
    const key = analysisKey(load.hash, kernels, support, options.inputShapes, options.limits, options.codePath, options.abi);
    const known = this.analyses.get(key);
    if (known && (known.kind !== 'pending' || this.pool.join(key, options.owner))) return known;
    const bytes = this.bytesOf(load);
    if (!bytes) {
      // The parsed bytes were evicted (many contents since): read the file again on the next check.
      this.invalidate(load.path);
      return { kind: 'pending', settled: Promise.resolve() };
    }
    const settled = this.start(key, bytes, kernels, support, options);
    const state: AnalysisState = { kind: 'pending', settled };
    this.remember(this.analyses, key, state);
    return state;
  }

  /** The analysis once its job has settled (for requests). */
  async analysed(load: Ok, kernels: KernelSet, support: Runtime | null, options: JobOptions = {}): Promise<Exclude<AnalysisState, { kind: 'pending' }>> {
    let state = this.analysis(load, kernels, support, options);
    for (let i = 0; i < 4 && state.kind === 'pending'; i++) {
      await state.settled;
      state = this.analysis(load, kernels, support, options);
    }
    return state.kind === 'pending' ? { kind: 'failed', failure: { kind: 'crash', message: 'the analysis did not finish (the model changed meanwhile); try again' } } : state;
  }

  /** `owner` (a document) now waits only for the jobs of `keep` (keys from `ModelCache.analysisKey`); other jobs may be cancelled. */
  release(owner: string, keep: ReadonlySet<string> = new Set()): void {
    this.pool.release(owner, keep);
  }

  /** The job key of an analysis, for `release`. */
  static analysisKey(hash: string, kernels: KernelSet, support: Runtime | null, inputShapes?: readonly InputShape[], limits?: Partial<AnalysisLimits>, codePath?: CodePath, abi?: Abi): string {
    return analysisKey(hash, kernels, support, inputShapes, limits, codePath, abi);
  }

  /**
   * Runs another kind of job (a TF.js load, a quantization) in the same workers, under the default time limit times
   * `timeFactor`: to its end, or, with an `owner`, until `release(owner)` cancels it (its worker is terminated).
   */
  runJob(key: string, request: JobRequest, timeFactor = 1, options: Pick<RunOptions, 'owner' | 'onProgress'> = {}): Promise<JobOutcome> {
    return this.pool.run(key, request, { ...options, timeoutSeconds: this.timeoutSeconds * timeFactor });
  }

  /** Forgets every failed job (the limits changed: they may pass now). */
  forgetFailures(): void {
    for (const [key, state] of this.analyses) if (state.kind === 'failed') this.analyses.delete(key);
    for (const [hash, state] of this.parsed) if (state.kind === 'failed') this.parsed.delete(hash);
    for (const [path, entry] of this.files) if (entry.load.kind === 'failed') this.files.delete(path);
  }

  /** The bytes of a loaded model, as parsed (the exact content that was analysed). */
  bytesOf(load: Ok): Uint8Array | null {
    const parsed = this.parsed.get(load.hash);
    return parsed?.kind === 'ok' ? parsed.bytes : null;
  }

  /**
   * Forget what is known about a file (it changed or was deleted on disk), and about the model.json files naming it as
   * a weight shard. Analyses stay: they are keyed by content.
   */
  invalidate(path: string): void {
    this.files.delete(path);
    for (const model of this.modelsUsingShard(path)) this.files.delete(model);
  }

  /** The model.json files (converted here) whose weights manifest names the shard at `path`. */
  modelsUsingShard(path: string): string[] {
    return [...this.files].filter(([, entry]) => entry.shards?.includes(path)).map(([model]) => model);
  }

  /** Every shard path named by a model.json read here (for the server's file watchers). */
  shardPaths(): string[] {
    return [...new Set([...this.files.values()].flatMap((entry) => entry.shards ?? []))];
  }

  /** Starts the analysis job of `key`; the promise settles when it is done and the cache holds the result. */
  private start(key: string, bytes: Uint8Array, kernels: KernelSet, support: Runtime | null, options: JobOptions): Promise<void> {
    const shapes = options.inputShapes?.length ? { inputShapes: options.inputShapes } : {};
    const limits = options.limits && Object.keys(options.limits).length > 0 ? { limits: options.limits } : {};
    const path = options.codePath && options.codePath !== 'dsp' ? { codePath: options.codePath } : {};
    const abi = options.abi && options.abi !== 'arm-eabi' ? { abi: options.abi } : {};
    const run = this.pool.run(key, { kind: 'analyse', bytes, kernels, support, ...shapes, ...limits, ...path, ...abi }, this.runOptions(options));
    return run.then((outcome) => {
      if (outcome.kind === 'cancelled') {
        if (this.analyses.get(key)?.kind === 'pending' && !this.pool.has(key)) this.analyses.delete(key);
        return;
      }
      if (outcome.kind === 'analysed') {
        this.stats.analyses++;
        const report = joinReport(outcome.report, outcome.bulk, () => this.stats.reportsMaterialised++);
        this.remember(this.analyses, key, { kind: 'done', report, support: outcome.support });
      } else {
        this.remember(this.analyses, key, { kind: 'failed', failure: failureOf(outcome) });
      }
    });
  }

  /** The load of `path` for a content hash, from the state of its parse. */
  private loadOf(path: string, hash: string): ModelLoad {
    const state = this.parsed.get(hash);
    if (!state) return { kind: 'failed', path, hash, failure: { kind: 'crash', message: 'the model was dropped from the cache while it was read; check again' } };
    switch (state.kind) {
      case 'ok': return { kind: 'ok', path, hash, model: state.model, ...(state.source ? { source: state.source } : {}) };
      case 'malformed': return { kind: 'malformed', path, hash, error: state.error };
      case 'unconverted': return { kind: 'unconverted', path, hash, error: state.error };
      case 'failed': return { kind: 'failed', path, hash, failure: state.failure };
      case 'pending': return { kind: 'pending', path, hash, settled: state.settled };
    }
  }

  /**
   * Hands new bytes to a worker to parse (once per content hash), for the file at `path`; a source model (`format`)
   * is converted there first, and its parse keeps the converted .tflite's bytes.
   */
  private parse(path: string, hash: string, bytes: Uint8Array, format: SourceFormat | null, shards?: ReadonlyMap<string, Uint8Array>): ModelLoad {
    const state = this.parsed.get(hash);
    if (!state || (state.kind === 'pending' && !this.pool.join(parseKey(hash), fileOwner(path)))) {
      // A tight copy: structured cloning sends a view's whole ArrayBuffer, and the worker transfers this one back.
      const tight = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      const convert = format === null ? {} : { convert: { format, name: path.split(/[\\/]/).pop() ?? path, ...(shards ? { shards } : {}) } };
      const settled = this.pool.run(parseKey(hash), { kind: 'parse', bytes: tight, ...convert }, { owner: fileOwner(path), timeoutSeconds: this.timeoutSeconds })
        .then((outcome) => this.parsedAs(hash, bytes.length, outcome));
      this.remember(this.parsed, hash, { kind: 'pending', settled });
    }
    return this.loadOf(path, hash);
  }

  private parsedAs(hash: string, fileBytes: number, outcome: JobOutcome): void {
    if (outcome.kind === 'cancelled') {
      if (this.parsed.get(hash)?.kind === 'pending' && !this.pool.has(parseKey(hash))) this.parsed.delete(hash);
      return;
    }
    this.stats.parses++;
    if (outcome.kind === 'parsed') this.remember(this.parsed, hash, { kind: 'ok', model: outcome.model, bytes: outcome.bytes, ...(outcome.source ? { source: outcome.source } : {}) });
    else if (outcome.kind === 'unconverted') this.remember(this.parsed, hash, { kind: 'unconverted', error: outcome.error });
    else if (outcome.kind === 'malformed') {
      const e = outcome.error;
      this.remember(this.parsed, hash, { kind: 'malformed', error: new ModelFormatError(e.code, e.offset, e.where, e.detail, fileBytes) });
    } else this.remember(this.parsed, hash, { kind: 'failed', failure: failureOf(outcome) });
  }

  private runOptions(options: JobOptions): { owner?: string; timeoutSeconds: number } {
    const timeoutSeconds = options.timeoutSeconds ?? this.timeoutSeconds;
    return options.owner === undefined ? { timeoutSeconds } : { owner: options.owner, timeoutSeconds };
  }

  /** Sets an entry, evicting the oldest when full (old contents of a model being retrained pile up otherwise). */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= MAX_ANALYSES) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }

  /** Size and mtime of the file, and of a model.json's shards when known: any change reads it again. */
  private stamp(path: string, shards?: readonly string[]): string {
    const more = shards?.length ? `|${fileStamps(shards)}` : '';
    try {
      const s = statSync(path);
      return s.isFile() ? `${s.size}:${s.mtimeMs}${more}` : `not-a-file:${describeKind(s)}`;
    } catch (e) {
      return `error:${(e as NodeJS.ErrnoException).code ?? 'unknown'}`;
    }
  }

  /**
   * A TF.js model.json: a layers model is converted in a worker with its shards (content key: the JSON and every
   * shard); a graph model keeps the TF.js estimates (`estimates`). `stamp` is the file's own, taken before reading.
   */
  private readTfjs(path: string, stamp: string): { load: ModelLoad; stamp: string; shards?: readonly string[] } {
    if (stamp === 'error:ENOENT' || stamp === 'error:ENOTDIR') return { load: { kind: 'missing', path }, stamp };
    if (stamp.startsWith('not-a-file')) return { load: { kind: 'unreadable', path, reason: `it is ${stamp.slice('not-a-file:'.length)}, not a regular file` }, stamp };
    const source = readTfjsSource(path);
    switch (source.kind) {
      case 'missing': return { load: { kind: 'missing', path }, stamp };
      case 'estimates': return { load: { kind: 'unreadable', path, reason: source.reason, estimates: true }, stamp };
      case 'unreadable': return { load: { kind: 'unreadable', path, reason: source.reason }, ...withShards(stamp, source) };
      case 'convert':
        this.stats.reads++;
        return { load: this.parse(path, source.hash, source.bytes, 'tfjs-layers', source.shards), ...withShards(stamp, source) };
    }
  }

  /** Any other model file, and an ONNX model's external data files (onnx-source.ts). `stamp` is the file's own. */
  private read(path: string, stamp: string): { load: ModelLoad; stamp: string; shards?: readonly string[] } {
    if (stamp === 'error:ENOENT' || stamp === 'error:ENOTDIR') return { load: { kind: 'missing', path }, stamp };
    if (stamp.startsWith('not-a-file')) return { load: { kind: 'unreadable', path, reason: `it is ${stamp.slice('not-a-file:'.length)}, not a regular file` }, stamp };
    let bytes: Uint8Array;
    try {
      // A FIFO or device swapped in after the stamp, or a huge file: a typed error, never a stall (files/read.ts).
      bytes = readRegularFile(path, { maxBytes: LIMITS.model });
      this.stats.reads++;
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      return { load: e.code === 'missing' ? { kind: 'missing', path } : { kind: 'unreadable', path, reason: e.reason }, stamp };
    }
    // A source model converts to other bytes than it is: its format is part of the content key.
    // TF.js model.json files are readTfjs's, shards and all: another .json here is judged by the .tflite reader as before.
    const sniffed = sourceFormatOf(path, bytes.subarray(0, 4096));
    const format = sniffed === 'tfjs-layers' || sniffed === 'tfjs-graph' ? null : sniffed;
    if (format === 'onnx') {
      const side = readOnnxSideFiles(path, bytes);
      if (side.kind === 'unreadable') return { load: { kind: 'unreadable', path, reason: side.reason }, ...withShards(stamp, side) };
      if (side.files.size > 0) return { load: this.parse(path, onnxContentHash(bytes, side.files), bytes, format, side.files), ...withShards(stamp, side) };
    }
    const hash = createHash('sha256').update(format ?? '').update(bytes).digest('hex');
    return { load: this.parse(path, hash, bytes, format), stamp };
  }
}

/** The stamp `load` computes for a model.json with these shards (the same form as `ModelCache.stamp`), and the shards. */
function withShards(stamp: string, source: { shardPaths: readonly string[]; shardStamp: string }): { stamp: string; shards: readonly string[] } {
  return { stamp: source.shardPaths.length ? `${stamp}|${source.shardStamp}` : stamp, shards: source.shardPaths };
}

function parseKey(hash: string): string {
  return `parse|${hash}`;
}

function analysisKey(hash: string, kernels: KernelSet, support: Runtime | null, inputShapes: readonly InputShape[] = [], limits: Partial<AnalysisLimits> = {}, codePath: CodePath = 'dsp', abi: Abi = 'arm-eabi'): string {
  const shapes = inputShapes.length ? `|${JSON.stringify(inputShapes.map((s) => [s.input, s.shape]))}` : '';
  const bounds = Object.keys(limits).length ? `|${JSON.stringify([limits.maxWork, limits.maxDepth, limits.maxMemory, limits.maxArena])}` : '';
  // Only the CMSIS-NN kernels read the code path: the reference analysis is one job whatever the core.
  const path = kernels === 'tflm-cmsis-nn' && codePath !== 'dsp' ? `|${codePath}` : '';
  // Every kernel set allocates the params structs and TfLiteTensors the ABI sizes.
  const enums = abi !== 'arm-eabi' ? `|${abi}` : '';
  return `analyse|${hash}|${kernels}|${support ?? '-'}${shapes}${bounds}${path}${enums}`;
}

/** The owner of a file's parse job: the file, which lets go when its content changes. */
function fileOwner(path: string): string {
  return `file:${path}`;
}

function failureOf(outcome: Exclude<JobOutcome, { kind: 'cancelled' }>): JobFailure {
  if (outcome.kind === 'failed') return outcome.failure;
  if (outcome.kind === 'malformed') return { kind: 'crash', message: `the worker could not read the model again: ${outcome.error.detail}` };
  return { kind: 'crash', message: `unexpected answer '${outcome.kind}' from the analysis worker` };
}
