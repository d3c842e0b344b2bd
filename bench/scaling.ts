/**
 * The scaling table of `npm run bench`: `tinyml-lens analyze` (dist/cli.js, whole process) on chains of 1,000 /
 * 10,000 / 100,000 int8 ADDs, plain and with skip connections, built with the project's model builder into a
 * temporary folder. Wall time (median of a few runs) and peak RSS. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChain } from '../test/unit/helpers/chains.js';
import { median, runNode } from './process.js';

export function benchScaling(sizes: readonly number[] = [1_000, 10_000, 100_000], runs = 3): void {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-'));
  try {
    console.log(`\nscaling: analyze (text) on ADD chains, whole process, median of ${runs}`);
    console.log(['model'.padEnd(28), 'ops'.padStart(8), 'file KiB'.padStart(9), 'ms'.padStart(8), 'peak RSS MiB'.padStart(13), 'exit'.padStart(5)].join(' '));
    for (const [label, skip] of [['chain', 0], ['chain + skip (3 back)', 3]] as const) {
      for (const n of sizes) {
        const bytes = addChain(n, skip);
        const file = join(dir, `${label.replace(/\W+/g, '_')}_${n}.tflite`);
        writeFileSync(file, bytes);
        const results = Array.from({ length: runs }, () => runNode(['dist/cli.js', 'analyze', file], true));
        const ms = median(results.map((r) => r.ms));
        const rss = median(results.map((r) => r.rssMiB ?? 0));
        console.log([label.padEnd(28), String(n).padStart(8), (bytes.length / 1024).toFixed(0).padStart(9), ms.toFixed(0).padStart(8),
          rss.toFixed(0).padStart(13), String(results[0]!.status).padStart(5)].join(' '));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
