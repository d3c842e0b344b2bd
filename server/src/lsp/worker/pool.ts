/**
 * A small pool of analysis workers (worker_threads), so that no model, however pathological, holds up the server's
 * own thread. Jobs are keyed: a second request for a key already queued or running shares that job. A job has owners
 * (the documents waiting for it); when the last owner lets go (the manifest changed or closed) the job is dropped from
 * the queue, or its worker is terminated and replaced. Each job runs under a wall-time limit (on expiry: terminate,
 * replace, `time` failure) and in a worker with a heap limit (`resourceLimits`; running out: `memory` failure).
 */
import type { JobAnswer, JobFailure, JobRequest, ProgressMessage } from './messages.js';

/** What the pool needs of a worker thread (a `Worker`, or a stand-in in tests). */
export interface PoolWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export interface PoolOptions {
  /** Worker threads, at most (1 or 2 is plenty: a job is one model). */
  readonly size: number;
  /** Heap limit of each worker, in MB (`resourceLimits.maxOldGenerationSizeMb`). */
  readonly memoryMb: number;
  /** Starts a worker with that heap limit. */
  readonly spawn: (memoryMb: number) => PoolWorker;
  /** Told of every job's end (the server logs one line per job): its key, outcome and time since it was asked for. */
  readonly onFinished?: (key: string, outcome: JobOutcome, milliseconds: number) => void;
}

/** A job's outcome: the worker's answer, or `cancelled` when every owner let go before it finished. */
export type JobOutcome = JobAnswer | { readonly kind: 'cancelled' };

export interface RunOptions {
  /** Who waits for the result (a document URI); without one the job is pinned: it runs to its end. */
  readonly owner?: string;
  /** Wall-time limit once the job starts, in seconds. */
  readonly timeoutSeconds: number;
  /** Hears the progress the worker posts while the job runs (quantization: once per sample). */
  readonly onProgress?: (p: ProgressMessage['progress']) => void;
}

interface Job {
  readonly key: string;
  readonly request: JobRequest;
  readonly owners: Set<string>;
  readonly listeners: ((p: ProgressMessage['progress']) => void)[];
  pinned: boolean;
  timeoutSeconds: number;
  readonly promise: Promise<JobOutcome>;
  readonly settle: (outcome: JobOutcome) => void;
  slot: Slot | null;
  /** performance.now() when it was asked for. */
  readonly asked: number;
}

interface Slot {
  worker: PoolWorker | null;
  /** The heap limit its worker was started with. */
  memoryMb: number;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Counters for `tinymlLens/stats` and tests. */
export interface PoolStats {
  started: number;
  completed: number;
  cancelled: number;
  timedOut: number;
  outOfMemory: number;
  crashed: number;
  /** Workers started (the first ones and every replacement). */
  workers: number;
}

export class AnalysisPool {
  readonly stats: PoolStats = { started: 0, completed: 0, cancelled: 0, timedOut: 0, outOfMemory: 0, crashed: 0, workers: 0 };
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly slots: Slot[];
  private nextId = 1;
  private disposed = false;
  private memoryMb: number;

  constructor(private readonly options: PoolOptions) {
    this.memoryMb = options.memoryMb;
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({ worker: null, memoryMb: options.memoryMb, job: null, timer: null }));
  }

  /** The heap limit of each worker, in MB. */
  get memoryLimitMb(): number {
    return this.memoryMb;
  }

  /** Changes the workers' heap limit: idle workers are replaced now, busy ones after their job. */
  setMemoryLimit(megabytes: number): void {
    if (megabytes === this.memoryMb) return;
    this.memoryMb = megabytes;
    for (const slot of this.slots) if (!slot.job && slot.worker) this.recycle(slot);
  }

  /** Runs `request` under `key`, or joins the job already queued or running under it. Never rejects. */
  run(key: string, request: JobRequest, options: RunOptions): Promise<JobOutcome> {
    if (this.disposed) return Promise.resolve({ kind: 'cancelled' });
    const running = this.jobs.get(key);
    if (running && this.join(key, options.owner)) {
      if (options.onProgress) running.listeners.push(options.onProgress);
      return running.promise;
    }
    let settle: (outcome: JobOutcome) => void = () => undefined;
    const promise = new Promise<JobOutcome>((resolve) => (settle = resolve));
    const job: Job = { key, request, owners: new Set(), listeners: options.onProgress ? [options.onProgress] : [], pinned: false, timeoutSeconds: options.timeoutSeconds, promise, settle, slot: null, asked: performance.now() };
    this.jobs.set(key, job);
    this.queue.push(job);
    this.join(key, options.owner);
    this.dispatch();
    return promise;
  }

  /** Adds a waiter to the job queued or running under `key` (none: pins it); false when there is no such job. */
  join(key: string, owner: string | undefined): boolean {
    const job = this.jobs.get(key);
    if (!job) return false;
    if (owner === undefined) job.pinned = true;
    else job.owners.add(owner);
    return true;
  }

  /** True while a job runs or waits under `key`. */
  has(key: string): boolean {
    return this.jobs.has(key);
  }

  /**
   * `owner` no longer waits for any job except those in `keep`: a job left without owners (and not pinned) is
   * cancelled, and if it is running its worker is terminated and replaced.
   */
  release(owner: string, keep: ReadonlySet<string> = new Set()): void {
    for (const job of [...this.jobs.values()]) {
      if (keep.has(job.key) || !job.owners.delete(owner)) continue;
      if (job.owners.size > 0 || job.pinned) continue;
      this.stats.cancelled++;
      if (job.slot) this.recycle(job.slot);
      else this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, { kind: 'cancelled' });
    }
    this.dispatch();
  }

  /** Jobs waiting for a worker, and running. */
  get load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.job).length };
  }

  /** Starts one worker ahead of the first job, so that the first analysis does not wait for it to load. */
  warm(): void {
    const slot = this.slots[0];
    if (slot && !slot.worker && !this.disposed) this.spawn(slot);
  }

  /** Terminates every worker; pending jobs end as cancelled. */
  dispose(): void {
    this.disposed = true;
    for (const job of [...this.jobs.values()]) this.finish(job, { kind: 'cancelled' });
    this.queue.length = 0;
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      void slot.worker?.terminate();
      slot.worker = null;
      slot.job = null;
    }
  }

  private dispatch(): void {
    if (this.disposed) return;
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      this.start(slot, job);
    }
  }

  private start(slot: Slot, job: Job): void {
    const worker = slot.worker ?? this.spawn(slot);
    slot.job = job;
    job.slot = slot;
    this.stats.started++;
    slot.timer = setTimeout(() => this.fail(slot, { kind: 'time', seconds: job.timeoutSeconds }), job.timeoutSeconds * 1000);
    worker.postMessage({ id: this.nextId++, request: job.request });
  }

  private spawn(slot: Slot): PoolWorker {
    const worker = this.options.spawn(this.memoryMb);
    this.stats.workers++;
    slot.worker = worker;
    slot.memoryMb = this.memoryMb;
    worker.on('message', (message) => {
      if (slot.worker !== worker || !slot.job) return;
      const job = slot.job;
      if ((message as Partial<ProgressMessage>).progress) {
        for (const listener of job.listeners) listener((message as ProgressMessage).progress);
        return;
      }
      this.clear(slot);
      if (slot.memoryMb !== this.memoryMb) this.recycle(slot);
      this.stats.completed++;
      this.finish(job, (message as { answer: JobAnswer }).answer);
      this.dispatch();
    });
    worker.on('error', (error) => {
      if (slot.worker !== worker) return;
      const oom = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(slot, oom ? { kind: 'memory', megabytes: slot.memoryMb } : { kind: 'crash', message: error.message });
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      this.fail(slot, { kind: 'crash', message: `the analysis worker exited with code ${code}` });
    });
    return worker;
  }

  /** The running job failed (or its worker died): settle it, and replace the worker. */
  private fail(slot: Slot, failure: JobFailure): void {
    const job = slot.job;
    if (!job) {
      // An idle worker died (it could not even load): no eager replacement, or a broken bundle would respawn forever.
      const worker = slot.worker;
      slot.worker = null;
      void worker?.terminate();
      return;
    }
    this.recycle(slot);
    if (failure.kind === 'time') this.stats.timedOut++;
    else if (failure.kind === 'memory') this.stats.outOfMemory++;
    else this.stats.crashed++;
    this.finish(job, { kind: 'failed', failure });
    this.dispatch();
  }

  /**
   * Terminates the slot's worker and starts its replacement at once (a worker takes a few hundred ms to load its
   * bundle, better spent now than by the next job).
   */
  private recycle(slot: Slot): void {
    const worker = slot.worker;
    this.clear(slot);
    slot.worker = null;
    void worker?.terminate();
    if (worker && !this.disposed) this.spawn(slot);
  }

  private clear(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.job) slot.job.slot = null;
    slot.job = null;
  }

  private finish(job: Job, outcome: JobOutcome): void {
    if (this.jobs.get(job.key) === job) this.jobs.delete(job.key);
    job.settle(outcome);
    this.options.onFinished?.(job.key, outcome, performance.now() - job.asked);
  }
}
