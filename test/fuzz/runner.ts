/**
 * Runs fuzz cases in a child process, one at a time, with a work bound that is not a wall-clock assertion: a case
 * that has not answered within its budget (30 s in the quick run, 60 s in the long run, both far above what any
 * case needs) is a hang; a child whose resident memory passes the limit is stopped and the case is a memory
 * finding; a child that dies (V8's fatal out-of-memory, a native crash) is a crash. The child is replaced after each.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseReport } from './harness.js';

export type Job = { readonly type: 'gen'; readonly seed: number; readonly index: number; readonly profile: 'quick' | 'long' } | { readonly type: 'regression'; readonly name: string };

export interface JobReply {
  readonly report: CaseReport;
  readonly heapGrowthBytes: number;
  readonly maxRssBytes: number;
}

export type JobResult =
  | ({ readonly status: 'done' } & JobReply)
  | { readonly status: 'hang'; readonly budgetMs: number }
  | { readonly status: 'memory'; readonly rssBytes: number }
  | { readonly status: 'crash'; readonly detail: string };

export interface RunnerOptions {
  /** Resident memory at which the child is stopped (the bound is 1 GiB). */
  readonly rssLimitBytes: number;
}

/** Resident set size of `pid` from /proc (Linux); null where unavailable. */
function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export class CaseRunner {
  private child: ChildProcess | null = null;
  private stderrTail = '';
  /** Highest peak RSS a child reported after finishing a case (children stopped for memory are not counted). */
  peakRssBytes = 0;

  constructor(private readonly opts: RunnerOptions) {}

  private spawn(): ChildProcess {
    const child = fork(path.join(__dirname, 'child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => { this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
    this.child = child;
    return child;
  }

  /** Runs one job; `budgetMs` is the hang bound for this case. */
  run(job: Job, budgetMs: number): Promise<JobResult> {
    // A long-lived child keeps the heap earlier cases grew (V8 seldom hands it back), and a later case would be charged
    // for it (the long run once flagged a 30,000-key manifest at 1 GiB that needs 156 MiB in a fresh process): start a
    // fresh child once the idle one holds more than a quarter of the limit.
    const idle = this.child?.pid === undefined ? null : rssOf(this.child.pid);
    if (idle !== null && idle > this.opts.rssLimitBytes / 4) this.stop();
    const child = this.child ?? this.spawn();
    return new Promise<JobResult>((resolve) => {
      let finished = false;
      const finish = (result: JobResult, kill: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearInterval(watch);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (kill) this.stop();
        resolve(result);
      };
      const onMessage = (reply: JobReply): void => {
        this.peakRssBytes = Math.max(this.peakRssBytes, reply.maxRssBytes);
        finish({ status: 'done', ...reply }, false);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = null;
        const fatal = this.stderrTail.split('\n').filter((l) => /FATAL|Error|heap|RangeError/.test(l)).slice(-3).join(' / ');
        finish({ status: 'crash', detail: `exit ${code ?? signal}: ${fatal || this.stderrTail.slice(-300)}` }, false);
      };
      const timer = setTimeout(() => finish({ status: 'hang', budgetMs }, true), budgetMs);
      const watch = setInterval(() => {
        const rss = child.pid === undefined ? null : rssOf(child.pid);
        if (rss !== null && rss > this.opts.rssLimitBytes) finish({ status: 'memory', rssBytes: rss }, true);
      }, 100);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(job);
    });
  }

  /** Ends the current child (the one this runner started), if any. */
  stop(): void {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}
