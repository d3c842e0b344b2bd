/**
 * Runs fuzz cases in a child process, one at a time, with a work bound that is not a wall-clock assertion: a case
 * whose child has spent more than its budget of CPU time without answering (30 s in the quick run, 60 s in the long
 * run, both far above what any case needs), or has not answered within ten budgets of wall time (a blocked read uses
 * no CPU), is a hang; a child whose resident memory passes the limit is stopped and the case is a memory finding; a
 * child that dies (V8's fatal out-of-memory, a native crash) is a crash. The child is replaced after each finding.
 * CPU time, not wall time, because a loaded machine (load 27 on 2 cores, the fuzzer at nice 10) once stretched a
 * 1.4 s manifest case past 60 s of wall time; and a case's clock starts only once its child has loaded (a fresh
 * child loads the harness first, which took longer than the budget under that load).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseReport } from './harness.js';

export type Job = { readonly type: 'gen'; readonly seed: number; readonly index: number; readonly profile: 'quick' | 'long' } | { readonly type: 'regression'; readonly name: string };

/** What a child runs: a case, or one that never ends, busy (`cpu`) or blocked (`sleep`), for the runner's own test. */
export type RunnerJob = Job | { readonly type: 'endless'; readonly how: 'cpu' | 'sleep' };

export interface JobReply {
  readonly report: CaseReport;
  readonly heapGrowthBytes: number;
  readonly maxRssBytes: number;
}

export type JobResult =
  | ({ readonly status: 'done' } & JobReply)
  /** `bound`: what ended it, the child's CPU time or the wall-time bound. */
  | { readonly status: 'hang'; readonly budgetMs: number; readonly bound: 'cpu' | 'wall' }
  | { readonly status: 'memory'; readonly rssBytes: number }
  | { readonly status: 'crash'; readonly detail: string };

export interface RunnerOptions {
  /** Resident memory at which the child is stopped (the bound is 1 GiB). */
  readonly rssLimitBytes: number;
  /** Wall-time bound of a case, in budgets (default 10): for a case that blocks without using CPU. */
  readonly wallBudgets?: number;
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

/** CPU time (user + system) of `pid` in ms, from /proc (Linux); null where unavailable. */
function cpuMsOf(pid: number): number | null {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS) : null;
  } catch {
    return null;
  }
}

/** USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux configuration Node supports. */
const CLOCK_TICKS = 100;

const WALL_BUDGETS = 10;

/** How long a fresh child may take to load the harness before it counts as a crash. */
const START_BOUND_MS = 10 * 60 * 1000;

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
    this.ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), START_BOUND_MS);
      const done = (ok: boolean): void => { clearTimeout(timer); child.off('message', onReady); child.off('exit', onExit); resolve(ok); };
      const onReady = (m: unknown): void => { if ((m as { ready?: boolean }).ready) done(true); };
      const onExit = (): void => done(false);
      child.on('message', onReady);
      child.on('exit', onExit);
    });
    return child;
  }

  /** Settles when the current child has loaded the harness (false: it died or did not load in time). */
  private ready: Promise<boolean> = Promise.resolve(false);

  /** Runs one job; `budgetMs` is the hang bound for this case. */
  async run(job: RunnerJob, budgetMs: number): Promise<JobResult> {
    // A long-lived child keeps the heap earlier cases grew (V8 seldom hands it back), and a later case would be charged
    // for it (the long run once flagged a 30,000-key manifest at 1 GiB that needs 156 MiB in a fresh process): start a
    // fresh child once the idle one holds more than a quarter of the limit.
    const idle = this.child?.pid === undefined ? null : rssOf(this.child.pid);
    if (idle !== null && idle > this.opts.rssLimitBytes / 4) this.stop();
    const child = this.child ?? this.spawn();
    if (!(await this.ready)) {
      this.stop();
      return { status: 'crash', detail: `the fuzz child did not load: ${this.stderrTail.slice(-300)}` };
    }
    const cpuAtStart = child.pid === undefined ? null : cpuMsOf(child.pid);
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
      const timer = setTimeout(() => finish({ status: 'hang', budgetMs, bound: 'wall' }, true), budgetMs * (this.opts.wallBudgets ?? WALL_BUDGETS));
      const watch = setInterval(() => {
        const rss = child.pid === undefined ? null : rssOf(child.pid);
        if (rss !== null && rss > this.opts.rssLimitBytes) finish({ status: 'memory', rssBytes: rss }, true);
        const cpu = child.pid === undefined ? null : cpuMsOf(child.pid);
        if (cpu !== null && cpuAtStart !== null && cpu - cpuAtStart > budgetMs) finish({ status: 'hang', budgetMs, bound: 'cpu' }, true);
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
