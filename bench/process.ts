/**
 * Whole-process figures for `npm run bench`: wall-clock medians of the bundled entries (dist/, built by
 * `npm run build`, or minified by `node esbuild.mjs --production`; dist/cli.js starts dist/cli-main.js from the V8 code
 * cache the build writes) beside the machine's own baseline `node -e 0`,
 * and peak resident memory (the child reports its own maxRSS at exit through bench/maxrss.cjs).
 * Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(__dirname, '..');
const maxRss = resolve(__dirname, 'maxrss.cjs');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * One run of `node args`: wall ms, exit status, and when `rss` is set peak RSS in MiB, CPU ms (user + system, every
 * thread) and the main thread's CPU ms (Linux; null elsewhere).
 */
export function runNode(args: string[], rss = false): { ms: number; status: number | null; rssMiB: number | null; cpuMs: number | null; mainCpuMs: number | null } {
  const start = performance.now();
  const r = spawnSync(process.execPath, rss ? ['--require', maxRss, ...args] : args, {
    cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = performance.now() - start;
  const m = rss ? /tinyml-bench-maxrss (\d+) cpu (\d+) main (-?\d+)/.exec(r.stderr) : null;
  const main = m ? Number(m[3]) : -1;
  return { ms, status: r.status, rssMiB: m ? Number(m[1]) / 1024 : null, cpuMs: m ? Number(m[2]) / 1000 : null, mainCpuMs: main >= 0 ? main / 1000 : null };
}

/** Median wall ms of `runs` runs of `node args`. */
export function medianMs(args: string[], runs: number): number {
  return median(Array.from({ length: runs }, () => runNode(args).ms));
}

/**
 * The start-up table: each entry's median wall and CPU time (user + system) beside `node -e 0`'s, measured interleaved
 * so load drifts hit all alike.
 */
export function benchStartup(cases: { name: string; args: string[] }[], runs = 9): void {
  const all = [{ name: 'node -e 0 (baseline)', args: ['-e', '0'] }, ...cases];
  const times = all.map(() => [] as number[]);
  const cpus = all.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    all.forEach((c, k) => {
      const r = runNode(c.args, true);
      times[k]!.push(r.ms);
      cpus[k]!.push(r.cpuMs ?? 0);
    });
  }
  const base = median(times[0]!);
  const baseCpu = median(cpus[0]!);
  const minified = !readFileSync(resolve(root, 'dist/cli-main.js'), 'utf8').includes('sourceMappingURL'); // --production: no maps
  const cached = existsSync(resolve(root, 'dist/cli-main.cache')) ? 'with its V8 code cache' : 'no code cache';
  console.log(`\nstart-up, whole process, median of ${runs} (dist/cli-main.js ${minified ? 'minified' : 'not minified'}, ${cached})`);
  console.log(['command'.padEnd(64), 'ms'.padStart(8), 'above node -e 0'.padStart(16), 'CPU ms'.padStart(8), 'above'.padStart(8)].join(' '));
  all.forEach((c, k) => {
    const ms = median(times[k]!);
    const cpu = median(cpus[k]!);
    console.log([c.name.padEnd(64), ms.toFixed(0).padStart(8), (k === 0 ? '' : `+${(ms - base).toFixed(0)}`).padStart(16),
      cpu.toFixed(0).padStart(8), (k === 0 ? '' : `+${(cpu - baseCpu).toFixed(0)}`).padStart(8)].join(' '));
  });
}
