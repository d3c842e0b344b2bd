/**
 * `npm run bench`: how long the core takes per model — reading the .tflite, and the full analysis (the
 * AllocateTensors replay plus the bisection for the minimum arena) for each kernel set — and the heap it leaves; then
 * the language server's figures (bench/lsp.ts) and its analysis workers' (bench/lsp-worker.ts).
 * Uses ../shared/models when present, else the bundled examples. Prints figures; asserts nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeModel, RUNTIMES } from '../server/src/analysis/report.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { benchLsp } from './lsp.js';
import { benchWorkers } from './lsp-worker.js';

const shared = resolve(__dirname, '../../shared/models');
const dir = existsSync(shared) ? shared : resolve(__dirname, '../examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort();

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

console.log(`models from ${dir}\n`);
console.log(['model'.padEnd(48), 'KiB'.padStart(7), 'read ms'.padStart(8), ...RUNTIMES.map((r) => `${r} cold/warm ms`.padStart(30))].join(' '));
const heapBefore = process.memoryUsage().heapUsed;
const kept: unknown[] = [];
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(join(dir, file)));
  const read = time(() => readTflite(bytes));
  const cells: string[] = [];
  for (const runtime of RUNTIMES) {
    const cold = time(() => analyzeModel(read.value, runtime));
    kept.push(cold.value);
    const warm = median(Array.from({ length: 5 }, () => time(() => analyzeModel(read.value, runtime)).ms));
    cells.push(`${cold.ms.toFixed(1)} / ${warm.toFixed(1)}`.padStart(30));
  }
  console.log([file.padEnd(48), (bytes.length / 1024).toFixed(0).padStart(7), read.ms.toFixed(1).padStart(8), ...cells].join(' '));
}
const heapAfter = process.memoryUsage().heapUsed;
console.log(`\nheap held by ${kept.length} analyses: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB`);

const kws = resolve(__dirname, '../examples/kws_dscnn_int8.tflite');
benchLsp(files.map((f) => join(dir, f)), kws).then(() => benchWorkers(kws)).catch((e: unknown) => {
  console.error(`language server bench failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
