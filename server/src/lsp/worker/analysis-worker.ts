/**
 * The analysis worker (bundled as dist/analysis-worker.js): reads and analyses model bytes, and loads TF.js models,
 * off the server's thread.
 * The pool gives it one job at a time and terminates it when a job runs past its time limit; running out of heap
 * (`resourceLimits`) ends the thread, which the pool reports as the memory limit.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeModel } from '../../analysis/report.js';
import { withInputShapes } from '../../analysis/shapes.js';
import { checkSupport } from '../../analysis/support/index.js';
import { ModelFormatError } from '../../model/errors.js';
import { AnalysisLimitError } from '../../model/limits.js';
import { readTflite } from '../../model/tflite/reader.js';
import { convertModel, ConvertError, type SourceFormat } from '../../convert/index.js';
import { modelSource } from '../../convert/provenance.js';
import { readTfjsModel } from '../../model/tfjs/reader.js';
import type { AnswerMessage, JobAnswer, JobMessage, JobRequest, ProgressMessage } from './messages.js';
import { runQuantize } from './quantize-job.js';
import { runConvert } from './convert-job.js';
import { splitReport } from './lean-report.js';
import { testHook } from './test-hooks.js';

async function run(request: JobRequest, progress: (p: ProgressMessage['progress']) => void): Promise<JobAnswer> {
  try {
    if (request.kind === 'tfjs') {
      const shards = request.shards;
      const readShard = (path: string): Uint8Array => {
        const shard = Object.hasOwn(shards, path) ? shards[path] : undefined;
        if (shard instanceof Uint8Array) return shard;
        throw new Error(shard ?? 'not read by the server');
      };
      return { kind: 'tfjs', model: await readTfjsModel(request.json, readShard) };
    }
    if (request.kind === 'quantize') return { kind: 'quantized', result: runQuantize(request.job, progress) };
    if (request.kind === 'convert') return { kind: 'converted', result: runConvert(request.job, progress) };
    if (request.kind === 'parse' && request.convert) return convertAndParse(request.bytes, request.convert.format, request.convert.name, request.convert.shards);
    const parsed = readTflite(request.bytes);
    if (request.kind === 'parse') return { kind: 'parsed', model: parsed, bytes: request.bytes };
    testHook(parsed.description);
    const model = request.inputShapes?.length ? withInputShapes(parsed, request.inputShapes).model : parsed;
    const report = analyzeModel(model, request.kernels, request.limits ?? {}, request.codePath ?? 'dsp', request.abi ?? 'arm-eabi');
    const support = request.support ? checkSupport(model, request.support, report.detail.failures) : null;
    const { lean, bulk } = splitReport(report);
    return { kind: 'analysed', report: lean, bulk, support };
  } catch (e) {
    if (e instanceof ConvertError) return { kind: 'unconverted', error: { code: e.code, where: e.where, detail: e.detail, needs: e.needs, message: e.message } };
    if (e instanceof ModelFormatError) return { kind: 'malformed', error: { code: e.code, offset: e.offset, where: e.where, detail: e.detail } };
    // A bound of the core (model/limits.ts: work, depth, memory, arena) is the model's fault, said as such.
    if (e instanceof AnalysisLimitError) return { kind: 'failed', failure: { kind: 'limit', name: e.name, message: e.message, limit: e.limit } };
    const error = e instanceof Error ? e : new Error(String(e));
    return { kind: 'failed', failure: { kind: 'crash', message: `${error.name}: ${error.message}` } };
  }
}

/**
 * A source model (ONNX, Keras, a TF.js layers model.json with its `shards`) as the float32 .tflite `convert` writes,
 * parsed; its bytes go back in place of the source's.
 */
function convertAndParse(bytes: Uint8Array, format: SourceFormat, name: string, shards?: ReadonlyMap<string, Uint8Array>): JobAnswer {
  const converted = convertModel({ format, name, bytes, ...(shards ? { shards } : {}) });
  // A tight copy: the worker transfers the buffer, which must hold these bytes alone.
  const tflite = converted.tflite.byteOffset === 0 && converted.tflite.byteLength === converted.tflite.buffer.byteLength ? converted.tflite : converted.tflite.slice();
  const model = readTflite(tflite);
  return { kind: 'parsed', model, bytes: tflite, source: modelSource(format, bytes, model.description) };
}

parentPort?.on('message', (job: JobMessage) => {
  // Posted while the job runs synchronously: the server's thread receives them at once (its loop is free).
  const progress = (p: ProgressMessage['progress']): void => parentPort?.postMessage({ id: job.id, progress: p } satisfies ProgressMessage);
  void run(job.request, progress).then((answer) => {
    const message: AnswerMessage = { id: job.id, answer };
    // The parsed model's constant-data views point into the bytes: transferring them moves the file without a copy.
    // An analysis's bulky parts are serialised bytes of their own (lean-report.ts): moved the same way.
    const transfer = answer.kind === 'parsed' ? [answer.bytes.buffer as ArrayBuffer] : answer.kind === 'analysed' ? [answer.bulk.buffer as ArrayBuffer] : [];
    parentPort?.postMessage(message, transfer);
  });
});
