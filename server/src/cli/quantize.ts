/**
 * `tinyml-lens quantize MODEL --out OUT`: int8 post-training quantization of a float32 model (server/src/quantize/),
 * calibrated on a folder of samples or on random data. This file reads the model and the samples, writes the result
 * (never over an existing file without --force, never through a symbolic link; the destination is checked before
 * calibrating and again at the write, files/write.ts) and prints the summary; the core does the rest.
 */
import { analyzeModel, RUNTIMES } from '../analysis/report.js';
import { visible } from '../analysis/text.js';
import { FileError } from '../files/read.js';
import { readSampleFolder } from '../files/samples.js';
import { destinationProblem, writeFileSafely } from '../files/write.js';
import { prepareFloatModel, QuantizeError, quantizeModel, randomSamples, type IoType, type OutputError, type Quantization } from '../quantize/index.js';
import type { Model } from '../model/ir.js';
import { formatBytes } from './format.js';
import { fileErrorLine, loadModelFile, type Write } from './model-file.js';
import { sourceOf } from './model-source.js';
import { sourceLabel } from '../convert/provenance.js';
import { progressBar, type ProgressStream } from './progress.js';

export interface QuantizeOptions {
  out: string;
  /** A folder of .npy / .bin samples, or null for random data. */
  data: string | null;
  /** Random samples: how many, and their uniform range. */
  random: { count: number; lo: number; hi: number } | null;
  io: IoType;
  force: boolean;
  /** No progress bar even on a terminal. */
  quiet?: boolean;
}

/**
 * Quantizes and writes; returns the exit code (0 written, 1 the model cannot be quantized or run, 2 bad input). A
 * progress bar goes to `progress` when it is a terminal (and not --quiet).
 */
export function runQuantize(path: string, opts: QuantizeOptions, out: Write, err: Write, progress?: ProgressStream): number {
  const inWay = destinationOk(opts, err);
  if (inWay !== 0) return inWay;
  const file = loadModelFile(path, err, undefined, 'quantize runs the float model with all its weights in memory, and writes the int8 model as one flatbuffer');
  if (typeof file === 'number') return file;
  const source = sourceOf(file.model);
  return quantizeAndWrite(source ? `${path} (${sourceLabel(source)})` : path, file.model, opts, out, err, progress);
}

/** Quantizes a float model already in memory (read from `path`, or converted from it) and writes it to `opts.out`. */
export function quantizeAndWrite(path: string, model: Model, opts: QuantizeOptions, out: Write, err: Write, progress?: ProgressStream): number {
  const file = { model };
  try {
    const interp = prepareFloatModel(file.model);
    const shapes = interp.inputs.map((t) => t.shape);
    const samples = opts.data !== null ? readSampleFolder(opts.data, shapes) : randomSamples(shapes, opts.random!.count, opts.random!.lo, opts.random!.hi);
    if (typeof samples === 'string') {
      err(`tinyml-lens: ${samples}`);
      return 2;
    }
    const bar = progressBar(progress, opts.quiet === true);
    let q: Quantization;
    try {
      q = quantizeModel(file.model, samples, opts.io, bar ? { onProgress: (p) => bar.update(p) } : {});
    } finally {
      bar?.end();
    }
    try {
      writeFileSafely(opts.out, q.bytes, { replace: opts.force });
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      err(e.code === 'exists' ? notOverwriting(opts.out) : fileErrorLine('write', e));
      return 2;
    }
    const source = opts.data !== null
      ? `${samples.length} samples from ${opts.data}`
      : `${samples.length} random samples uniform in [${opts.random!.lo}, ${opts.random!.hi}) - lower quality: the ranges come from random data, not from data like the model will see`;
    return summary(path, file.model, opts, q, source, out, err);
  } catch (e) {
    if (!(e instanceof QuantizeError)) throw e;
    err(`tinyml-lens: ${path}: ${e.message}`);
    return e.code === 'unsupported-op' || e.code === 'unsupported-model' ? 1 : 2;
  }
}

const notOverwriting = (path: string): string => `tinyml-lens: not overwriting ${path} (use --force to replace it)`;

/** 0 when `--out` can be written (nothing there, or a regular file and --force); else 2 after saying why not. */
export function destinationOk(opts: { out: string; force: boolean }, err: Write): number {
  try {
    const problem = destinationProblem(opts.out, opts.force);
    if (problem === null) return 0;
    err(problem.code === 'exists' ? notOverwriting(opts.out) : fileErrorLine('write', problem));
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(fileErrorLine('write', e));
  }
  return 2;
}

function summary(path: string, before: Model, opts: QuantizeOptions, q: Quantization, source: string, out: Write, err: Write): number {
  const g = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toPrecision(4));
  out(`quantized ${visible(path)} -> ${visible(opts.out)} (int8, ${opts.io} inputs and outputs)`);
  out(`calibration: ${source}`);
  for (const [kind, list] of [['input', q.inputs], ['output', q.outputs]] as const) {
    for (const t of list) out(`${kind.padEnd(6)} '${visible(t.name)}' ${t.dtype} [${t.shape.join(',')}]: int8 scale ${g(t.scale)}, zero point ${t.zeroPoint}${t.dtype === 'INT8' ? ' (q = round(x / scale) + zero point)' : ''}`);
  }
  out('');
  out(`${'layer'.padStart(5)}  ${'op'.padEnd(18)} ${'calibrated range'.padEnd(22)} ${'scale'.padEnd(10)} ${'zp'.padStart(4)}  output`);
  for (const l of q.layers) {
    out(`${String(l.index).padStart(5)}  ${visible(l.op).padEnd(18)} ${`[${g(l.min)}, ${g(l.max)}]`.padEnd(22)} ${g(l.scale).padEnd(10)} ${String(l.zeroPoint).padStart(4)}  ${visible(shorten(l.output))}${l.rule ? ` (${l.rule})` : ''}`);
  }
  if (q.requantizeOps) out(`${q.requantizeOps} QUANTIZE op(s) inserted to give CONCATENATION inputs the output's scale (TFLM requires it)`);
  out('');
  out(`error against the float model on the ${source.split(' ')[0]} calibration samples (int8 simulated in float: weights dequantized, activations rounded to their int8 grid):`);
  const line = (e: OutputError): string => `max ${g(e.maxAbs)}, mean ${g(e.meanAbs)}${e.top1 === null ? '' : `, top-1 agreement ${(100 * e.top1).toFixed(1)}%`}`;
  q.int8Error.forEach((e, k) => {
    out(`  '${visible(e.name)}' (float range [${g(e.floatMin)}, ${g(e.floatMax)}]): int8 ${line(e)}; weights only ${line(q.weightsError[k]!)}`);
  });
  const pct = (a: number, b: number): string => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)}%`;
  out(`model size    ${formatBytes(before.fileBytes)} -> ${formatBytes(q.bytes.length)} (${pct(before.fileBytes, q.bytes.length)})`);
  let code = 0;
  for (const runtime of RUNTIMES) {
    const a = analyzeModel(before, runtime);
    const b = analyzeModel(q.model, runtime);
    out(`tensor arena  ${formatBytes(a.memory.minArenaBytes)} -> ${formatBytes(b.memory.minArenaBytes)} (${pct(a.memory.minArenaBytes, b.memory.minArenaBytes)}, ${runtime}${b.status === 'ok' ? '' : `: ${b.status}`})`);
    if (b.status !== 'ok') {
      err(`tinyml-lens: the quantized model does not run on ${runtime}: ${b.unsupportedOps.map((u) => `${visible(u.op)} (${visible(u.reason)})`).join('; ')}`);
      code = 1;
    }
  }
  return code;
}

/** Converter tensor names join every fused op's name with ';': the first one names the layer well enough. */
function shorten(name: string): string {
  const first = name.split(';')[0] ?? name;
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}
