/**
 * The scaling table of `npm run bench`: `tinyml-lens analyze` (dist/cli.js, whole process) on chains of 1,000 /
 * 10,000 / 100,000 int8 ADDs, plain and with skip connections, built with the project's model builder into a
 * temporary folder, as text and (100,000) as JSON; then a 3 GiB sparse model whose buffers live after the flatbuffer
 * (only its flatbuffer part is read), by `analyze` and by `fit`. Wall time and CPU time (user + system; the steadier
 * figure on a loaded machine), medians of 7 runs (3 for the slow rows), CPU above `node -e 0`'s, the main thread's
 * share of it (Linux; the rest is V8's compiler and garbage-collector threads), and peak RSS, with `node -e 0` measured
 * the same way beside them, interleaved with every row so load drifts hit both alike. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChain } from '../test/unit/helpers/chains.js';
import { writeSparseModel } from '../test/unit/helpers/large-model.js';
import { median, runNode } from './process.js';

interface Row {
  label: string;
  ops: string;
  fileKiB: string;
  args: string[];
  /** Runs for this row: `runs`, or 3 for the slow rows (100,000 ops, the 3 GiB file). */
  runs: number;
}

export function benchScaling(sizes: readonly number[] = [1_000, 10_000, 100_000], runs = 7): void {
  const slow = Math.min(runs, 3);
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-'));
  try {
    const rows: Row[] = [{ label: 'node -e 0 (baseline)', ops: '', fileKiB: '', args: ['-e', '0'], runs }];
    for (const [label, skip] of [['chain', 0], ['chain + skip (3 back)', 3]] as const) {
      for (const n of sizes) {
        const bytes = addChain(n, skip);
        const file = join(dir, `${label.replace(/\W+/g, '_')}_${n}.tflite`);
        writeFileSync(file, bytes);
        const row = { label, ops: String(n), fileKiB: (bytes.length / 1024).toFixed(0), args: ['dist/cli.js', 'analyze', file], runs: n >= 100_000 ? slow : runs };
        rows.push(row);
        if (n === sizes[sizes.length - 1]) rows.push({ ...row, label: `${label}, --format json`, args: [...row.args, '--format', 'json'] });
      }
    }
    const big = join(dir, 'external_3GiB.tflite');
    writeSparseModel(big);
    rows.push({ label: '3 GiB file, buffers after the flatbuffer', ops: '2', fileKiB: String(3 * 1024 * 1024), args: ['dist/cli.js', 'analyze', big], runs: slow });
    rows.push({ label: '3 GiB file: fit (every catalog target)', ops: '2', fileKiB: String(3 * 1024 * 1024), args: ['dist/cli.js', 'fit', big], runs: slow });

    console.log(`\nscaling: analyze on ADD chains and a 3 GiB model, whole process, median of ${runs} (${slow} for 100,000 ops and 3 GiB; output to /dev/null)`);
    console.log(['model'.padEnd(44), 'ops'.padStart(8), 'file KiB'.padStart(9), 'ms'.padStart(8), 'CPU ms'.padStart(8), 'above'.padStart(7),
      'main'.padStart(6), 'peak RSS MiB'.padStart(13), 'exit'.padStart(5)].join(' '));
    const baseline = rows[0]!;
    for (const row of rows) {
      // The baseline run beside each run of the row: its median is this row's reference.
      const pairs = Array.from({ length: row.runs }, () => [runNode(row.args, true), row === baseline ? null : runNode(baseline.args, true)] as const);
      const results = pairs.map(([r]) => r);
      const ms = median(results.map((r) => r.ms));
      const rss = median(results.map((r) => r.rssMiB ?? 0));
      const cpu = median(results.map((r) => r.cpuMs ?? 0));
      const base = row === baseline ? cpu : median(pairs.map(([, b]) => b?.cpuMs ?? 0));
      const main = results.every((r) => r.mainCpuMs !== null) ? median(results.map((r) => r.mainCpuMs!)).toFixed(0) : '-';
      console.log([row.label.padEnd(44), row.ops.padStart(8), row.fileKiB.padStart(9), ms.toFixed(0).padStart(8), cpu.toFixed(0).padStart(8),
        (row === baseline ? '' : `+${(cpu - base).toFixed(0)}`).padStart(7), main.padStart(6), rss.toFixed(0).padStart(13),
        String(results[0]!.status).padStart(5)].join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
