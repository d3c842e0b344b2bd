/**
 * The analysis workers' figures for `npm run bench`: hover latency (p50/p95) on the real server bundle while a worker
 * analyses a slow model (a generated chain of 3,000 operators, seconds of real work), the cold time from opening a
 * manifest to its diagnostics for the 4 MB MobileNetV2 (median of 3 fresh servers; skipped without ../shared) and
 * the edits after it (the analysis cached), and what crossing the thread boundary costs for that model. Prints figures; asserts nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { analyzeModel } from '../server/src/analysis/report.js';
import { checkSupport } from '../server/src/analysis/support/index.js';
import { ModelBuilder } from '../server/src/model/builder/index.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { LspClient } from '../test/protocol/helpers/lsp-client.js';

const MOBILENET = resolve(__dirname, '../../shared/models/tflm_mobilenet_v2_quantized_1x3x224x224.tflite');

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** A float chain of `n` RELU operators: valid, ordinary, and slow to analyse as n grows. */
function chainModel(n: number): Uint8Array {
  const m = new ModelBuilder({ description: 'bench: a long chain' });
  const g = m.subgraph('main');
  let x = g.input({ name: 'x', shape: [1, 64], dtype: 'FLOAT32' });
  for (let i = 0; i < n; i++) x = g.op('RELU', { inputs: [x], output: { name: `t${i}`, shape: [1, 64], dtype: 'FLOAT32' } });
  g.output(x);
  return m.finish();
}

/** Runs the worker benchmarks; `kws` is a small model for the manifest hovered meanwhile. */
export async function benchWorkers(kws: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-bench-workers-'));
  const uri = (name: string): string => pathToFileURL(join(dir, name)).href;
  try {
    writeFileSync(join(dir, 'chain.tflite'), chainModel(3000));
    writeFileSync(join(dir, 'kws.tflite'), readFileSync(kws));
    const client = await LspClient.start(dir, { initializationOptions: { analysisTimeoutSeconds: 300 } });
    try {
      await client.open(uri('kws.tinyml.yaml'), 'model: kws.tflite\ntarget: nrf52840\n');
      let slowDone = false;
      const startSlow = performance.now();
      const slow = client.open(uri('chain.tinyml.yaml'), 'model: chain.tflite\ntarget: nrf52840\n').then(() => (slowDone = true));
      const times: number[] = [];
      while (!slowDone && times.length < 20000) {
        const start = performance.now();
        await client.request('textDocument/hover', { textDocument: { uri: uri('kws.tinyml.yaml') }, position: { line: 0, character: 9 } });
        await client.request('textDocument/hover', { textDocument: { uri: uri('chain.tinyml.yaml') }, position: { line: 1, character: 10 } });
        if (!slowDone) times.push((performance.now() - start) / 2);
      }
      await slow;
      const slowMs = performance.now() - startSlow;
      times.sort((a, b) => a - b);
      console.log(`\nanalysis workers (dist/server.js over stdio)`);
      console.log(`hover while a worker analyses a 3,000-op chain (${(slowMs / 1000).toFixed(1)} s to its diagnostics): ${times.length} hovers, p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${(times[times.length - 1] ?? 0).toFixed(2)} ms, ${times.filter((x) => x > 50).length} over 50 ms (aim: none)`);
    } finally {
      await client.stop();
    }

    if (!existsSync(MOBILENET)) {
      console.log('cold first diagnostics for MobileNetV2: skipped (../shared/models absent)');
      return;
    }
    writeFileSync(join(dir, 'mobilenet.tflite'), readFileSync(MOBILENET));
    const manifest = (i: number): string => `model: mobilenet.tflite\ntarget: stm32h743zi\nbudgets: {ram: ${400 + (i % 50)}KiB}\n`;
    const colds: number[] = [];
    const edits: number[] = [];
    for (let run = 0; run < 3; run++) {
      const cold = await LspClient.start(dir);
      try {
        const start = performance.now();
        await cold.open(uri('mobilenet.tinyml.yaml'), manifest(0));
        colds.push(performance.now() - start);
        // Then edits of the manifest: the model's analysis is cached by content, so an edit never waits for it.
        for (let i = 1; i <= 100; i++) {
          const t0 = performance.now();
          await cold.change(uri('mobilenet.tinyml.yaml'), manifest(i));
          edits.push(performance.now() - t0);
        }
      } finally {
        await cold.stop();
      }
    }
    colds.sort((a, b) => a - b);
    edits.sort((a, b) => a - b);
    console.log(`cold first diagnostics for MobileNetV2 (4 MB; server started, then worker start, parse, analysis), median of ${colds.length}: ${percentile(colds, 50).toFixed(0)} ms (aim: 500 ms); then ${edits.length} edits: p50 ${percentile(edits, 50).toFixed(2)} ms, p95 ${percentile(edits, 95).toFixed(2)} ms (aim: 2 ms)`);
    // What the worker sends back: the report (cloned) and, once per content, the model (its bytes transferred).
    const bytes = new Uint8Array(readFileSync(MOBILENET));
    const model = readTflite(bytes);
    const report = analyzeModel(model, 'tflm-cmsis-nn');
    const support = checkSupport(model, 'tflm-cmsis-nn', report.detail.failures);
    let t = performance.now();
    const answer = serialize({ report, support });
    const reportMs = performance.now() - t;
    t = performance.now();
    structuredClone({ model, bytes }, { transfer: [bytes.buffer] });
    const modelMs = performance.now() - t;
    const ir = serialize({ ...model, buffers: model.buffers.map((b) => ({ ...b, data: undefined })) }).length;
    console.log(`MobileNetV2 across the thread boundary: report + support ${(answer.length / 1024).toFixed(0)} KiB serialized in ${reportMs.toFixed(1)} ms (every analysis); the parsed model (IR ${(ir / 1024).toFixed(0)} KiB, its 4 MB of bytes transferred, not copied) cloned in ${modelMs.toFixed(1)} ms (once per content)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
