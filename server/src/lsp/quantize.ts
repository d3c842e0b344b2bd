/**
 * `tinymlLens/quantize`: int8 post-training quantization of a float model (server/src/quantize/), a .tflite or a
 * source model (.onnx, .keras, .h5, TF.js layers model.json) converted first as `tinyml-lens quantize` does, for the editor's
 * Quantize command, run in an analysis worker (worker/quantize-job.ts) under the workers' limits. The server
 * calibrates and writes nothing; the client decides where the model goes and asks before overwriting. Registered with
 * one line in server.ts.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { RUNTIMES } from '../analysis/report.js';
import type { ModelCache } from './models.js';
import { QuantizableRequest, QuantizeRequest, type QuantizeParams, type QuantizeResult } from './protocol.js';
import { quantizable } from './quantizable.js';
import { isModelName } from './convert-protocol.js';
import { guardedAsync, type Logger } from './safe.js';
import { analysisLimit, loadProblem } from './messages.js';


export interface QuantizeDeps {
  readonly models: ModelCache;
  readonly log: Logger;
}

/** Quantization calibrates once per sample: its time limit is this many times an analysis's. */
const QUANTIZE_TIME_FACTOR = 6;

/** Each request owns its job, so cancelling one request stops only its own worker. */
let requests = 0;

/** Registers `tinymlLens/quantize` and `tinymlLens/quantizable` (which models it takes, quantizable.ts). */
export function registerQuantize(connection: Connection, deps: QuantizeDeps): void {
  connection.onRequest(QuantizableRequest.type, (p, token) =>
    guardedAsync('quantizable', deps.log, { models: [] }, () => quantizable(p, deps.models, token)));
  connection.onRequest(QuantizeRequest.type, (p, token) =>
    guardedAsync('quantize', deps.log, { kind: 'error', code: 'internal', message: 'internal error (see the server log)' } as QuantizeResult, async () => {
      const owner = `quantize-request:${++requests}`;
      // Reports go to the client's token (a null reporter without one); a custom request gets no reporter by itself.
      const workDone = connection.window.attachWorkDoneProgress(p.workDoneToken);
      const cancel = token.onCancellationRequested(() => deps.models.release(owner));
      workDone.begin('Quantizing to int8', 0, 'reading the model', true);
      try {
        // One report per percent at most: a small model calibrated on many samples would otherwise flood the client.
        let shown = -1;
        const progress = (pct: number, message: string): void => {
          if (pct === shown) return;
          shown = pct;
          workDone.report(pct, message);
        };
        return await quantize(p, deps, { owner, cancelled: () => token.isCancellationRequested, progress });
      } finally {
        cancel.dispose();
        workDone.done();
      }
    }));
}

interface RequestControl {
  readonly owner: string;
  readonly cancelled: () => boolean;
  readonly progress: (percent: number, message: string) => void;
}

async function quantize(p: QuantizeParams, deps: QuantizeDeps, control: RequestControl): Promise<QuantizeResult> {
  const error = (code: string, message: string): QuantizeResult => ({ kind: 'error', code, message });
  if (!p.modelUri?.startsWith('file:')) return error('params', 'give the file URI of a .tflite, .onnx, .keras, .h5 or TF.js model.json');
  const modelPath = fileURLToPath(p.modelUri);
  if (!isModelName(modelPath)) return error('model', `${basename(modelPath)} is not a .tflite model, nor one TinyML Lens converts (.onnx, .keras, .h5, TF.js model.json)`);
  // A source model is converted by the model cache (in a worker): its bytes are the .tflite `convert` writes.
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
  if (control.cancelled()) return cancelled();
  const { workDoneToken: _token, ...params } = p;
  const outcome = await deps.models.runJob(`quantize|${load.hash}|${JSON.stringify(params)}`, { kind: 'quantize', job: { bytes, modelPath, params, before: Object.fromEntries(before) } }, QUANTIZE_TIME_FACTOR, {
    owner: control.owner,
    onProgress: ({ done, total, phase }) => control.progress(Math.floor((100 * done) / Math.max(1, total)), `${phase}: ${done} of ${total} sample runs`),
  });
  if (outcome.kind === 'quantized') return outcome.result;
  if (outcome.kind === 'cancelled') return cancelled();
  if (outcome.kind === 'failed') {
    const f = outcome.failure;
    return error('limit', f.kind === 'time'
      ? `Quantization was stopped after ${f.seconds} s (${QUANTIZE_TIME_FACTOR} x tinymlLens.analysisTimeoutSeconds); raise that setting for a longer calibration.`
      : analysisLimit(basename(modelPath), f));
  }
  return error('internal', `the quantize job ended as '${outcome.kind}'`);
}

function cancelled(): QuantizeResult {
  return { kind: 'error', code: 'cancelled', message: 'Quantization was cancelled; nothing was written.' };
}
