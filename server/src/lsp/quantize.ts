/**
 * `tinymlLens/quantize`: int8 post-training quantization of a float model (server/src/quantize/) for the editor's
 * Quantize command, run in an analysis worker (worker/quantize-job.ts) under the workers' limits. The server
 * calibrates and writes nothing; the client decides where the model goes and asks before overwriting. Registered with
 * one line in server.ts.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { RUNTIMES } from '../analysis/report.js';
import type { ModelCache } from './models.js';
import { QuantizeRequest, type QuantizeParams, type QuantizeResult } from './protocol.js';
import { guardedAsync, type Logger } from './safe.js';
import { analysisLimit, loadProblem } from './messages.js';

export interface QuantizeDeps {
  readonly models: ModelCache;
  readonly log: Logger;
}

/** Quantization calibrates once per sample: its time limit is this many times an analysis's. */
const QUANTIZE_TIME_FACTOR = 6;

export function registerQuantize(connection: Connection, deps: QuantizeDeps): void {
  connection.onRequest(QuantizeRequest.type, (p) =>
    guardedAsync('quantize', deps.log, { kind: 'error', code: 'internal', message: 'internal error (see the server log)' } as QuantizeResult, () => quantize(p, deps)));
}

async function quantize(p: QuantizeParams, deps: QuantizeDeps): Promise<QuantizeResult> {
  const error = (code: string, message: string): QuantizeResult => ({ kind: 'error', code, message });
  if (!p.modelUri?.startsWith('file:')) return error('params', 'give a .tflite file URI');
  const modelPath = fileURLToPath(p.modelUri);
  if (!/\.tflite$/i.test(modelPath)) return error('model', `${basename(modelPath)} is not a .tflite model`);
  const load = await deps.models.loaded(modelPath);
  if (load.kind !== 'ok') return error('model', loadProblem(load));
  const bytes = deps.models.bytesOf(load);
  if (!bytes) return error('model', `${modelPath} changed while it was read; try again`);
  // The arena figures before quantization, from the workers (cached when the model is open in a manifest).
  const before = new Map<string, number>();
  for (const runtime of RUNTIMES) {
    const analysis = await deps.models.analysed(load, runtime, null);
    if (analysis.kind === 'failed') return error('model', analysisLimit(basename(modelPath), analysis.failure));
    before.set(runtime, analysis.report.memory.minArenaBytes);
  }
  const outcome = await deps.models.runJob(`quantize|${load.hash}|${JSON.stringify(p)}`, { kind: 'quantize', job: { bytes, modelPath, params: p, before: Object.fromEntries(before) } }, QUANTIZE_TIME_FACTOR);
  if (outcome.kind === 'quantized') return outcome.result;
  if (outcome.kind === 'failed') {
    const f = outcome.failure;
    return error('limit', f.kind === 'time'
      ? `Quantization was stopped after ${f.seconds} s (${QUANTIZE_TIME_FACTOR} x tinymlLens.analysisTimeoutSeconds); raise that setting for a longer calibration.`
      : analysisLimit(basename(modelPath), f));
  }
  return error('internal', `the quantize job ended as '${outcome.kind}'`);
}
