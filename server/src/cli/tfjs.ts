/**
 * `tinyml-lens analyze model.json`: a TensorFlow.js model (layers or graph model) and the weight shards its weights
 * manifest names beside it, read by model/tfjs/ and analysed by analysis/tfjs.ts. Asynchronous, because tfjs loads
 * models asynchronously. The core's int8 estimates are lower bounds; a layers model that the Keras converter takes
 * also gets exact figures for what TinyML Lens would write (converted and quantized in memory, labelled so).
 */
import { convertedFigures, type ConvertedFigures } from '../convert/keras/figures.js';
import { ConvertError } from '../convert/types.js';
import { QuantizeError } from '../quantize/index.js';
import { analyzeTfjs, type TfjsLayerReport, type TfjsReport } from '../analysis/tfjs.js';
import { memoryKernelsFor, type Runtime } from '../analysis/support/index.js';
import { visible } from '../analysis/text.js';
import { ModelFormatError } from '../model/errors.js';
import { readTfjsModel, type TfjsModel } from '../model/tfjs/reader.js';
import { formatBytes } from './format.js';
import { LIMITS } from '../files/read.js';
import { shardReader } from '../files/tfjs-shards.js';
import { capFor, readModelBytes, type Write } from './model-file.js';
import { tfjsToSarif } from './sarif.js';

/** Analyses a model.json; resolves to the exit code (0 fine, 1 a layer TFLM cannot run, 2 unusable input). */
export async function analyzeTfjsFile(path: string, runtime: Runtime, format: 'text' | 'json' | 'sarif', version: string, out: Write, err: Write): Promise<number> {
  const bytes = readModelBytes(path, err, capFor(LIMITS.modelJson));
  if (typeof bytes === 'number') return bytes;
  const text = new TextDecoder().decode(bytes);
  let model: TfjsModel;
  const shards = new Map<string, Uint8Array>();
  const readShard = shardReader(path, text, capFor(LIMITS.model));
  try {
    model = await readTfjsModel(text, (name) => {
      const shard = readShard(name);
      shards.set(name, shard);
      return shard;
    });
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    const message = e.message;
    err(`tinyml-lens: ${path}: ${message}`);
    if (format === 'sarif') out(JSON.stringify(tfjsToSarif(path, null, [], { message, offset: e.offset }, version), null, 2));
    return 2;
  }
  const kernels = memoryKernelsFor(runtime);
  const report = analyzeTfjs(model, kernels);
  const notes = runtime === kernels ? [] : [`Op support on ${runtime} is judged by TFLM's ${kernels} kernels for TF.js models.`];
  const converted = model.format === 'layers-model' ? convertInMemory(path, bytes, shards, kernels) : null;
  if (format === 'json') out(JSON.stringify({ ...tfjsToJson(path, runtime, report, notes), converted: convertedJson(converted) }, null, 2));
  else if (format === 'sarif') out(JSON.stringify(tfjsToSarif(path, { runtime, report }, model.layers.map((l) => l.span), null, version), null, 2));
  else out(`${tfjsToText(path, runtime, report, notes)}${convertedText(converted)}`);
  return report.status === 'ok' ? 0 : 1;
}

/** The exact figures of the model as TinyML Lens converts it, or why it does not convert (or quantize). */
function convertInMemory(path: string, bytes: Uint8Array, shards: ReadonlyMap<string, Uint8Array>, kernels: 'tflm-reference' | 'tflm-cmsis-nn'): ConvertedFigures | { error: string } {
  try {
    const r = convertedFigures({ format: 'tfjs-layers', name: path, bytes, shards }, kernels);
    return r instanceof ConvertError ? { error: `${r.code}: ${r.message}` } : r;
  } catch (e) {
    if (e instanceof QuantizeError) return { error: `quantize: ${e.message}` };
    throw e;
  }
}

function convertedJson(c: ConvertedFigures | { error: string } | null): object | null {
  if (c === null) return null;
  if ('error' in c) return { by: 'TinyML Lens', error: c.error };
  return { by: 'TinyML Lens', exact: true, kernels: c.kernels, ops: c.ops, int8: c.int8, float32: c.float32, notes: c.notes };
}

function convertedText(c: ConvertedFigures | { error: string } | null): string {
  if (c === null) return '';
  if ('error' in c) return `\nas converted      not converted by TinyML Lens: ${visible(c.error)}`;
  const label = (s: 'ok' | 'unsupported'): string => (s === 'ok' ? '' : ' (does not allocate: an op TFLM cannot run)');
  return [
    '',
    `arena (exact)     ${formatBytes(c.int8.arenaBytes)} int8, ${formatBytes(c.float32.arenaBytes)} float32${label(c.int8.status)}: as converted by TinyML Lens (${c.ops} ops, ${c.kernels}), not by the TFLite converter`,
    `flash (exact)     ${formatBytes(c.int8.tfliteBytes)} int8 .tflite, ${formatBytes(c.float32.tfliteBytes)} float32: as converted by TinyML Lens`,
  ].join('\n');
}

/** The JSON document `analyze model.json --format json` prints (documented in README.md). */
export function tfjsToJson(modelPath: string, runtime: string, report: TfjsReport, notes: readonly string[]): object {
  return {
    model: modelPath,
    runtime,
    kind: 'tfjs',
    format: report.format,
    status: report.status,
    unsupportedLayers: report.unsupportedLayers,
    estimate: report.estimate,
    params: report.params,
    weightBytesFloat32: report.weightBytesFloat32,
    weightBytesInt8: report.weightBytesInt8,
    peakActivationBytesFloat32: report.peakActivationBytesFloat32,
    peakActivationBytesInt8: report.peakActivationBytesInt8,
    shardBytes: report.shardBytes,
    layers: report.layers,
    notes: [...report.notes, ...notes],
  };
}

/** The per-layer table and the estimates of `analyze model.json --format text`. */
export function tfjsToText(modelPath: string, runtime: string, report: TfjsReport, notes: readonly string[]): string {
  const header = ['#', 'layer', 'class/op', 'TFLite ops', 'output shape', 'params', 'float32', 'int8', 'verdict'];
  const rows = report.layers.map(layerRow);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([0, 5, 6, 7]);
  const fmt = (cells: string[]): string => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [`${visible(modelPath)} (TensorFlow.js ${report.format}) on ${runtime}`, '', fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), ''];
  lines.push(`status            ${report.status}${report.status === 'ok' ? '' : ' (a layer becomes an op TFLM cannot run)'}`);
  lines.push(`RAM estimate      ${formatBytes(report.estimate.ramBytes)}  largest layer inputs + output in int8: a lower bound of the tensor arena`);
  lines.push(`flash estimate    ${formatBytes(report.estimate.flashBytes)}  weights after int8 quantization: a lower bound of the .tflite in flash`);
  lines.push(`weights           ${report.params.toLocaleString('en-US')} parameters, ${formatBytes(report.weightBytesFloat32)} in float32 (shards: ${formatBytes(report.shardBytes)})`);
  for (const u of report.unsupportedLayers) lines.push(`unsupported       layer ${u.index} '${visible(u.name)}' (${visible(u.className)}): ${visible(u.reason)}`);
  for (const note of [...report.notes, ...notes]) lines.push(`note              ${visible(note)}`);
  return lines.join('\n');
}

function layerRow(l: TfjsLayerReport): string[] {
  const bytes = (n: number): string => (n ? n.toLocaleString('en-US') : '-');
  return [
    String(l.index),
    visible(l.name),
    visible(l.className),
    l.tflite === null ? '(no builtin)' : l.tflite.length === 0 ? '(folded)' : visible(l.tflite.join(' ')),
    l.outputShapes.map((s) => `[${s.join(',')}]`).join(' ') || '?',
    bytes(l.params),
    bytes(l.weightBytesFloat32),
    bytes(l.weightBytesInt8),
    l.unsupported ? 'UNSUPPORTED' : 'ok',
  ];
}
