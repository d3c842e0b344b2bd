/**
 * `npm run bench`: the CLI's start-up beside `node -e 0` and its scaling over 1k / 10k / 100k operators
 * (bench/process.ts, bench/scaling.ts); how long the core takes per model — reading the .tflite, and the full analysis
 * (the AllocateTensors replay, from which the minimum arena follows) for each kernel set — and the heap it leaves;
 * `quantize` of a float MobileNetV2 224 on 20 samples (bench/quantize.ts); then
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
import { benchStartup } from './process.js';
import { benchQuantize } from './quantize.js';
import { benchScaling } from './scaling.js';

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

const mobilenet = join(shared, 'tflm_mobilenet_v2_quantized_1x3x224x224.tflite');
if (!existsSync(resolve(__dirname, '../dist/cli.js'))) throw new Error('npm run build first: the start-up and scaling figures run dist/cli.js');
benchStartup([
  { name: 'tinyml-lens --version', args: ['dist/cli.js', '--version'] },
  { name: 'tinyml-lens analyze examples/kws_dscnn_int8.tflite', args: ['dist/cli.js', 'analyze', 'examples/kws_dscnn_int8.tflite'] },
  ...(existsSync(mobilenet)
    ? [{ name: 'tinyml-lens analyze mobilenet_v2 (4 MB) --format json', args: ['dist/cli.js', 'analyze', mobilenet, '--format', 'json'] }]
    : []),
]);
benchScaling();
benchQuantize();

console.log(`\nmodels from ${dir}\n`);
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
