/**
 * The convert request's work, run in an analysis worker (a conversion folds and relays out every weight, and int8
 * calibrates once per sample): convert the source (convert/), quantize it when asked (quantize-job.ts, the quantize
 * request's own code), and measure what will be written. Plain data in and out; the request handler
 * (lsp/convert-request.ts) reads the source and its shards.
 */
import { analyzeModel, RUNTIMES } from '../../analysis/report.js';
import { convertModel, ConvertError, type SourceFormat } from '../../convert/index.js';
import type { Model } from '../../model/ir.js';
import { readTflite } from '../../model/tflite/reader.js';
import { tfliteName, type ConvertParams, type ConvertResult } from '../convert-protocol.js';
import { runQuantize } from './quantize-job.js';

/** What the worker needs for a convert job. */
export interface ConvertJob {
  readonly format: SourceFormat;
  readonly sourcePath: string;
  /** The source's file name: what `tinyml-lens convert` passes too (it may name the model in its description). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** A TF.js model's weight shards by the path model.json gives them. */
  readonly shards?: ReadonlyMap<string, Uint8Array>;
  readonly int8?: ConvertParams['int8'];
}

/**
 * Converts (and quantizes) the source of `job`; a ConvertError or QuantizeError is an `error` result naming the node or
 * layer. `progress` hears of every calibration sample run (cancelling terminates this worker).
 */
export function runConvert(job: ConvertJob, progress?: (p: { done: number; total: number; phase: string }) => void): ConvertResult {
  let converted;
  try {
    converted = convertModel({ format: job.format, name: job.name, bytes: job.bytes, ...(job.shards ? { shards: job.shards } : {}) });
  } catch (e) {
    if (e instanceof ConvertError) return { kind: 'error', code: e.code, message: e.message, where: e.where };
    throw e;
  }
  const model = readTflite(converted.tflite);
  const arenas = RUNTIMES.map((runtime) => {
    const report = analyzeModel(model, runtime);
    return { runtime, bytes: report.memory.minArenaBytes, ok: report.unsupportedOps.length === 0 };
  });
  const base = {
    kind: 'ok' as const, sourcePath: job.sourcePath, format: job.format, suggestedName: tfliteName(job.name),
    notes: converted.notes, ops: opsLine(model), floatBytes: converted.tflite.length,
  };
  if (!job.int8) return { ...base, base64: Buffer.from(converted.tflite).toString('base64'), arena: arenas, int8: null };
  const before = Object.fromEntries(arenas.map((a) => [a.runtime, a.bytes]));
  const q = runQuantize({ bytes: converted.tflite, modelPath: job.sourcePath, params: { modelUri: '', ...job.int8 }, before }, progress);
  if (q.kind === 'error') return q;
  const { base64, suggestedName: _name, modelPath: _path, ...int8 } = q;
  return { ...base, base64, arena: q.arena.map((a) => ({ runtime: a.runtime, bytes: a.after, ok: a.ok })), int8 };
}

/** The float model's operators with their counts, in first-use order: `2 CONV_2D, MEAN, FULLY_CONNECTED`. */
function opsLine(model: Model): string {
  const counts = new Map<string, number>();
  for (const op of model.subgraphs[0]?.operators ?? []) counts.set(op.opName, (counts.get(op.opName) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n > 1 ? `${n} ${op}` : op)).join(', ') || 'no ops';
}
