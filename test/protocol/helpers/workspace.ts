/**
 * A throw-away workspace for protocol tests: the bundled example models, a model with an operator no runtime has
 * (built with the project's model builder), and a truncated model. Expected figures come from the same core the
 * server bundles, so tests keep passing as kernel models improve while still pinning server behaviour.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeModel, type AnalysisReport } from '../../../server/src/analysis/report.ts';
import { ModelBuilder } from '../../../server/src/model/builder/index.ts';
import { readTflite } from '../../../server/src/model/tflite/reader.ts';

const root = resolve(__dirname, '../../..');

export interface TestWorkspace {
  readonly dir: string;
  uri(name: string): string;
  path(name: string): string;
  write(name: string, bytes: Uint8Array | string): void;
  /** The core's analysis of a model in the workspace, for expected figures. */
  analysis(name: string, runtime?: AnalysisReport['runtime']): AnalysisReport;
  dispose(): void;
}

/** One float input through a custom operator no TFLM build registers. */
export function customOpModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'protocol test: unknown custom op' });
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'FLOAT32' });
  const y = g.customOp('NoSuchKernel', { inputs: [x], output: { name: 'y', shape: [1, 8], dtype: 'FLOAT32' } });
  g.output(y);
  return m.finish();
}

/** A Vela-compiled graph: one int8 tensor through the ethos-u custom operator (runs only with an NPU runtime). */
export function velaModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'protocol test: a Vela-compiled graph' });
  const g = m.subgraph('main');
  const q = { scale: [0.1], zeroPoint: [0] };
  const x = g.input({ name: 'x', shape: [1, 16], dtype: 'INT8', quant: q });
  g.output(g.customOp('ethos-u', { inputs: [x], output: { name: 'y', shape: [1, 16], dtype: 'INT8', quant: q } }));
  return m.finish();
}

export function createWorkspace(): TestWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-lsp-'));
  const path = (name: string): string => join(dir, name);
  copyFileSync(join(root, 'examples/kws_dscnn_int8.tflite'), path('kws.tflite'));
  copyFileSync(join(root, 'examples/sine_float.tflite'), path('sine.tflite'));
  writeFileSync(path('custom.tflite'), customOpModel());
  writeFileSync(path('truncated.tflite'), readFileSync(join(root, 'examples/kws_dscnn_int8.tflite')).subarray(0, 300));
  return {
    dir,
    path,
    uri: (name) => pathToFileURL(path(name)).href,
    write: (name, bytes) => writeFileSync(path(name), bytes),
    analysis: (name, runtime = 'tflm-cmsis-nn') => analyzeModel(readTflite(readFileSync(path(name))), runtime),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
