/**
 * `tinyml-lens convert MODEL --out M.tflite [--int8 (--data DIR | --random N)] [--force]`: an ONNX, Keras (.keras,
 * .h5) or TF.js layers model to a float32 .tflite, or with --int8 through the quantizer as `quantize` does.
 * This file reads the source (a regular file, size-capped), writes through files/write.ts (never over a file without
 * --force, never through a link) and prints what the conversion decided; the core (convert/) does the rest.
 */
import { analyzeModel, RUNTIMES } from '../analysis/report.js';
import { visible } from '../analysis/text.js';
import { detectFormat } from '../convert/index.js';
import { FileError } from '../files/read.js';
import { writeFileSafely } from '../files/write.js';
import type { Model } from '../model/ir.js';
import { formatBytes } from './format.js';
import { convertFile } from './converted.js';
import { fileErrorLine, readModelBytes, type Write } from './model-file.js';
import type { ProgressStream } from './progress.js';
import { destinationOk, quantizeAndWrite, type QuantizeOptions } from './quantize.js';

export interface ConvertCliOptions {
  readonly out: string;
  readonly force: boolean;
  /** The quantize options when --int8 is given (its --out and --force are the convert ones). */
  readonly int8: QuantizeOptions | null;
  readonly format: 'text' | 'json';
}

/** Converts and writes; the exit code: 0 written, 1 the model cannot be converted (an unmapped op), 2 unreadable input. */
export function runConvert(path: string, opts: ConvertCliOptions, out: Write, err: Write, progress?: ProgressStream): number {
  const inWay = destinationOk(opts, err);
  if (inWay !== 0) return inWay;
  const bytes = readModelBytes(path, err);
  if (typeof bytes === 'number') return bytes;
  const format = detectFormat(path, bytes.subarray(0, 4096));
  if (format === null) {
    err(`tinyml-lens: ${visible(path)}: not a model convert reads (.onnx, .keras, .h5 or a TF.js layers model.json)${/\.tflite$/i.test(path) ? ': it is already a .tflite' : ''}`);
    return 2;
  }
  const converted = convertFile(path, bytes, format, err);
  if (typeof converted === 'number') return converted;
  const model = converted.model;
  if (opts.format === 'text') {
    out(`converted ${visible(path)} (${format}) to a float32 .tflite${opts.int8 ? ', then int8' : ''}: ${opsLine(model)}`);
    for (const n of converted.notes) out(`  ${visible(n)}`);
  }
  if (opts.int8) {
    out('');
    return quantizeAndWrite(`${path} (as converted by TinyML Lens)`, model, { ...opts.int8, out: opts.out, force: opts.force }, out, err, progress);
  }
  try {
    writeFileSafely(opts.out, converted.bytes, { replace: opts.force });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(e.code === 'exists' ? `tinyml-lens: not overwriting ${opts.out} (use --force to replace it)` : fileErrorLine('write', e));
    return 2;
  }
  const arenas = RUNTIMES.map((runtime) => ({ runtime, report: analyzeModel(model, runtime) }));
  if (opts.format === 'json') {
    out(JSON.stringify({
      source: path, format, out: opts.out, bytes: converted.bytes.length, notes: converted.notes,
      ops: Object.fromEntries(opCounts(model)),
      arena: Object.fromEntries(arenas.map((a) => [a.runtime, { status: a.report.status, minArenaBytes: a.report.memory.minArenaBytes }])),
    }, null, 2));
  } else {
    out(`wrote ${visible(opts.out)} (${formatBytes(converted.bytes.length)}, float32)`);
    for (const a of arenas) out(`tensor arena  ${formatBytes(a.report.memory.minArenaBytes)} (${a.runtime}${a.report.status === 'ok' ? '' : `: ${a.report.status}`})`);
  }
  return 0;
}

function opCounts(model: Model): Map<string, number> {
  const counts = new Map<string, number>();
  for (const op of model.subgraphs[0]?.operators ?? []) counts.set(op.opName, (counts.get(op.opName) ?? 0) + 1);
  return counts;
}

function opsLine(model: Model): string {
  const counts = [...opCounts(model)].map(([op, n]) => (n > 1 ? `${n} ${op}` : op));
  return counts.length ? counts.join(', ') : 'no ops';
}
