/**
 * `tinymlLens/convert` (convert-protocol.ts): an ONNX, Keras or TF.js layers model to .tflite for the editor's
 * Convert to .tflite command. Here the source (and a model.json's weight shards, an ONNX model's external data
 * files) is read through files/ (regular files, size-capped, side files confined to the model's folder); the conversion and any int8 quantization run in an
 * analysis worker (worker/convert-job.ts) under the workers' limits, never on this thread. The server writes
 * nothing: the client decides where the model goes and asks before overwriting. Registered with one line in server.ts.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { detectFormat } from '../convert/index.js';
import { FileError, LIMITS, readRegularFile } from '../files/read.js';
import { visible } from '../analysis/text.js';
import { ConvertRequest, type ConvertParams, type ConvertResult } from './convert-protocol.js';
import { analysisLimit } from './messages.js';
import type { ModelCache } from './models.js';
import { guardedAsync, type Logger } from './safe.js';
import { readShards } from './tfjs-models.js';
import { readOnnxSideFiles } from './onnx-source.js';

export interface ConvertDeps {
  /** The workers (ModelCache's job runner) the conversion runs in, and `release` to cancel a request's job. */
  readonly models: Pick<ModelCache, 'runJob' | 'release'>;
  readonly log: Logger;
}

/** A conversion (and its calibration, for int8) may take this many times an analysis's time limit. */
const CONVERT_TIME_FACTOR = 6;

/** Each request owns its job, so cancelling one request stops only its own worker. */
let requests = 0;

/** Registers `tinymlLens/convert`. */
export function registerConvert(connection: Connection, deps: ConvertDeps): void {
  connection.onRequest(ConvertRequest.type, (p, token) =>
    guardedAsync('convert', deps.log, { kind: 'error', code: 'internal', message: 'internal error (see the server log)' } as ConvertResult, async () => {
      // Reports go to the client's token (a null reporter without one); a custom request gets no reporter by itself.
      const workDone = connection.window.attachWorkDoneProgress(p.workDoneToken);
      workDone.begin('Converting to .tflite', 0, undefined, true);
      try {
        let shown = -1;
        // One report per percent at most (int8 calibration reports every sample run).
        return await convertRequest(p, deps, token, (pct, message) => {
          if (pct === shown) return;
          shown = pct;
          workDone.report(pct, message);
        });
      } finally {
        workDone.done();
      }
    }));
}

/**
 * Reads the source of `p`, converts it in a worker and answers the model's bytes or a located error; cancelling
 * `token` releases the job, so its worker is terminated, and the answer is `cancelled`.
 */
export async function convertRequest(p: ConvertParams, deps: ConvertDeps, token: CancellationToken, progress: (percent: number, message: string) => void = () => {}): Promise<ConvertResult> {
  const error = (code: string, message: string): ConvertResult => ({ kind: 'error', code, message });
  if (typeof p?.sourceUri !== 'string' || !p.sourceUri.startsWith('file:')) return error('params', 'give the file: URI of a .onnx, .keras, .h5 or TF.js model.json');
  const path = fileURLToPath(p.sourceUri);
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, { maxBytes: LIMITS.model });
  } catch (e) {
    if (e instanceof FileError) return error('source', `cannot read ${visible(name)}: ${visible(e.reason)}`);
    throw e;
  }
  const format = detectFormat(name, bytes.subarray(0, 4096));
  if (format === null) {
    const already = /\.tflite$/i.test(name) ? ': it is already a .tflite' : '';
    return error('source', `${visible(name)} is not a model Convert to .tflite reads (.onnx, .keras, .h5 or a TF.js layers model.json)${already}`);
  }
  let shards: Map<string, Uint8Array> | undefined;
  if (format === 'tfjs-layers') {
    shards = new Map();
    for (const [shard, read] of Object.entries(readShards(path, new TextDecoder().decode(bytes)))) {
      if (typeof read === 'string') return error('source', `${visible(name)}: cannot read weight shard '${visible(shard)}': ${visible(read)}`);
      shards.set(shard, read);
    }
  } else if (format === 'onnx') {
    // PyTorch's model.onnx.data and other external data files, read beside the model (onnx-source.ts).
    const side = readOnnxSideFiles(path, bytes);
    if (side.kind === 'unreadable') return error('source', `${visible(name)}: ${side.reason}`);
    if (side.files.size > 0) shards = new Map(side.files);
  }
  if (token.isCancellationRequested) return cancelled();
  const owner = `convert-request:${++requests}`;
  const cancel = token.onCancellationRequested(() => deps.models.release(owner));
  try {
    const job = { format, sourcePath: path, name, bytes, ...(shards ? { shards } : {}), ...(p.int8 ? { int8: p.int8 } : {}) };
    const outcome = await deps.models.runJob(owner, { kind: 'convert', job }, CONVERT_TIME_FACTOR, {
      owner,
      onProgress: ({ done, total, phase }) => progress(Math.floor((100 * done) / Math.max(1, total)), `${phase}: ${done} of ${total} sample runs`),
    });
    if (token.isCancellationRequested || outcome.kind === 'cancelled') return cancelled();
    switch (outcome.kind) {
      case 'converted': return outcome.result;
      case 'malformed': return error('malformed', `${visible(name)}: ${visible(outcome.error.where)}: ${visible(outcome.error.detail)}`);
      case 'failed': {
        const f = outcome.failure;
        return error('limit', f.kind === 'time'
          ? `Converting ${visible(name)} was stopped after ${f.seconds} s (${CONVERT_TIME_FACTOR} x tinymlLens.analysisTimeoutSeconds); raise that setting for a larger model.`
          : analysisLimit(name, f).replace(/^The analysis of/, 'The conversion of'));
      }
      default: return error('internal', `the convert job ended as '${outcome.kind}'`);
    }
  } finally {
    cancel.dispose();
  }
}

function cancelled(): ConvertResult {
  return { kind: 'error', code: 'cancelled', message: 'The conversion was cancelled; nothing was written.' };
}
