/**
 * The quantize request's work, run in an analysis worker (it calibrates the float model once per sample and can be
 * long or, for a hostile model, large): read the samples, quantize, and measure the int8 model. Plain data in and
 * out; the request handler (lsp/quantize.ts) reads the model and sends its bytes.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeModel, RUNTIMES } from '../../analysis/report.js';
import { readSampleFolder } from '../../files/samples.js';
import { readTflite } from '../../model/tflite/reader.js';
import { prepareFloatModel, QuantizeError, quantizeModel, randomSamples } from '../../quantize/index.js';
import type { QuantizeParams, QuantizeResult } from '../protocol.js';

/** At most this many random samples: calibration runs the float model once per sample. */
export const MAX_RANDOM = 1000;

/** What the worker needs for a quantize job. */
export interface QuantizeJob {
  readonly bytes: Uint8Array;
  readonly modelPath: string;
  readonly params: QuantizeParams;
  /** The original model's minimum arena per kernel set (from the cached analyses). */
  readonly before: Readonly<Record<string, number>>;
}

/**
 * Quantizes the model of `job`; a QuantizeError or bad data is an `error` result. `progress` hears of every sample run
 * (the pool forwards it to the request; cancelling terminates this worker, so the job stops within one sample).
 */
export function runQuantize(job: QuantizeJob, progress?: (p: { done: number; total: number; phase: string }) => void): QuantizeResult {
  const error = (code: string, message: string): QuantizeResult => ({ kind: 'error', code, message });
  const p = job.params;
  const modelPath = job.modelPath;
  const model = readTflite(job.bytes);
  const io = p.io ?? 'int8';
  try {
    const shapes = prepareFloatModel(model).inputs.map((t) => t.shape);
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
    const q = quantizeModel(model, samples, io, progress ? { onProgress: ({ done, total, phase }) => progress({ done, total, phase }) } : {});
    return {
      kind: 'ok',
      modelPath,
      // `net.tflite`, `net.onnx` -> `net_int8.tflite`; `model.json` -> `model_int8.tflite`.
      suggestedName: `${basename(modelPath).replace(/\.(tflite|onnx|keras|h5|hdf5|json)$/i, '') || 'model'}_int8.tflite`,
      base64: Buffer.from(q.bytes).toString('base64'),
      samples: samples.length,
      calibration,
      sizeBefore: model.fileBytes,
      sizeAfter: q.bytes.length,
      arena: RUNTIMES.map((runtime) => {
        const after = analyzeModel(q.model, runtime);
        return { runtime, before: job.before[runtime] ?? 0, after: after.memory.minArenaBytes, ok: after.unsupportedOps.length === 0 };
      }),
      inputs: q.inputs.map((t) => ({ name: t.name, dtype: t.dtype, scale: t.scale, zeroPoint: t.zeroPoint })),
      errors: q.int8Error.map((e) => ({ name: e.name, maxAbs: e.maxAbs, meanAbs: e.meanAbs, floatMin: e.floatMin, floatMax: e.floatMax, top1: e.top1 })),
    };
  } catch (e) {
    if (e instanceof QuantizeError) return error(e.code, e.message);
    throw e;
  }
}
