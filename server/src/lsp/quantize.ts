/**
 * `tinymlLens/quantize`: int8 post-training quantization of a float model (server/src/quantize/) for the editor's
 * Quantize command. The server calibrates and writes nothing; the client decides where the model goes and asks before
 * overwriting. Registered with one line in server.ts.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { analyzeModel, RUNTIMES } from '../analysis/report.js';
import { readSampleFolder } from '../files/samples.js';
import { prepareFloatModel, QuantizeError, quantizeModel, randomSamples } from '../quantize/index.js';
import type { ModelCache } from './models.js';
import { QuantizeRequest, type QuantizeParams, type QuantizeResult } from './protocol.js';
import { guardedAsync, type Logger } from './safe.js';
import { analysisLimit } from './messages.js';

export interface QuantizeDeps {
  readonly models: ModelCache;
  readonly log: Logger;
}

/** At most this many random samples: calibration runs the float model once per sample. */
const MAX_RANDOM = 1000;

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
  if (load.kind === 'missing') return error('model', `${modelPath}: no such file`);
  if (load.kind === 'unreadable') return error('model', `${modelPath}: ${load.reason}`);
  if (load.kind === 'malformed') return error('model', `${modelPath}: ${load.error.message}`);
  if (load.kind === 'failed') return error('model', analysisLimit(basename(modelPath), load.failure));
  if (load.kind === 'pending') return error('model', `${modelPath} changed while it was read; try again`);
  // The arena figures before quantization, from the workers (cached when the model is open in a manifest).
  const before = new Map<string, number>();
  for (const runtime of RUNTIMES) {
    const analysis = await deps.models.analysed(load, runtime, null);
    if (analysis.kind === 'failed') return error('model', analysisLimit(basename(modelPath), analysis.failure));
    before.set(runtime, analysis.report.memory.minArenaBytes);
  }
  const io = p.io ?? 'int8';
  try {
    const shapes = prepareFloatModel(load.model).inputs.map((t) => t.shape);
    let samples;
    let calibration: string;
    if (p.dataFolderUri !== undefined) {
      if (!p.dataFolderUri.startsWith('file:')) return error('params', 'the data folder must be a file: URI');
      const dir = fileURLToPath(p.dataFolderUri);
      samples = readSampleFolder(dir, shapes);
      if (typeof samples === 'string') return error('data', samples);
      calibration = `${samples.length} samples from ${dir}`;
    } else if (p.random) {
      const { count, low, high } = p.random;
      if (!(Number.isInteger(count) && count >= 1 && count <= MAX_RANDOM)) return error('params', `random samples: a count from 1 to ${MAX_RANDOM}, not ${count}`);
      if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) return error('params', `random samples: a range low < high, not [${low}, ${high})`);
      samples = randomSamples(shapes, count, low, high);
      calibration = `${count} random samples uniform in [${low}, ${high}): lower quality, the ranges do not come from data like the model will see`;
    } else {
      return error('params', 'give a data folder or random samples to calibrate on');
    }
    const q = quantizeModel(load.model, samples, io);
    return {
      kind: 'ok',
      modelPath,
      suggestedName: `${basename(modelPath).replace(/\.tflite$/i, '')}_int8.tflite`,
      base64: Buffer.from(q.bytes).toString('base64'),
      samples: samples.length,
      calibration,
      sizeBefore: load.model.fileBytes,
      sizeAfter: q.bytes.length,
      arena: RUNTIMES.map((runtime) => {
        const after = analyzeModel(q.model, runtime);
        return { runtime, before: before.get(runtime) ?? 0, after: after.memory.minArenaBytes, ok: after.unsupportedOps.length === 0 };
      }),
      inputs: q.inputs.map((t) => ({ name: t.name, dtype: t.dtype, scale: t.scale, zeroPoint: t.zeroPoint })),
      errors: q.int8Error.map((e) => ({ name: e.name, maxAbs: e.maxAbs, meanAbs: e.meanAbs, floatMin: e.floatMin, floatMax: e.floatMax, top1: e.top1 })),
    };
  } catch (e) {
    if (e instanceof QuantizeError) return error(e.code, e.message);
    throw e;
  }
}
