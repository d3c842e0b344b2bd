/**
 * Model listings (`tinyml-listing:` documents): one row per operator with index, op, output shape, dtype, MACs,
 * weights, live arena and estimated time, then the totals. The text is rendered here for the `tinymlLens/listing`
 * request, and the same check backs the listing's hovers and diagnostics (listing-hover.ts, listing-diagnostics.ts),
 * which find rows by reading the document's own lines, so they stay right whatever text the client shows.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnalysisReport, LayerReport } from '../analysis/report.js';
import { visible } from '../analysis/text.js';
import type { SupportReport } from '../analysis/support/index.js';
import { formatBytes, formatHertz, formatJoules, formatSeconds } from '../manifest/units.js';
import type { Model } from '../model/ir.js';
import type { ModelCache, ModelLoad } from './models.js';
import { analysisLimit, convertedLabel, notConvertedReason } from './messages.js';
import type { JobFailure } from './worker/messages.js';
import { listingUri, parseListingUri, type ListingParams, type ListingResult } from './protocol.js';
import type { InferenceCost, Providers, RuntimeInfo, TargetSpec } from './providers.js';
import { analysisOptions, type Settings } from './settings.js';

/** Everything a listing shows, for one listing URI. */
export interface ListingCheck {
  readonly uri: string;
  readonly modelPath: string;
  readonly load: ModelLoad;
  /** The runtime used; null when the URI names one the server does not know (then nothing is analysed). */
  readonly runtime: RuntimeInfo | null;
  readonly runtimeName: string;
  readonly targetName: string | null;
  readonly target: TargetSpec | null;
  readonly report: AnalysisReport | null;
  readonly support: SupportReport | null;
  readonly cost: InferenceCost | null;
  /** While a worker parses or analyses the model: settles when it is done. */
  readonly pending: Promise<void> | null;
  /** The parse or analysis exceeded a limit or crashed its worker. */
  readonly failure: JobFailure | null;
}

/** The check of a listing once its model's analysis has settled (for the listing request, which may wait). */
export async function settledListing(uri: string, models: ModelCache, providers: Providers, settings: Settings): Promise<ListingCheck | null> {
  let check = checkListing(uri, models, providers, settings);
  for (let i = 0; i < 4 && check?.pending; i++) {
    await check.pending;
    check = checkListing(uri, models, providers, settings);
  }
  return check;
}

/** The figures of a listing URI (null when the URI is not a listing URI). */
export function checkListing(uri: string, models: ModelCache, providers: Providers, settings: Settings): ListingCheck | null {
  const address = parseListingUri(uri);
  if (!address) return null;
  const runtimeName = address.runtime ?? settings.defaultRuntime;
  const runtime = providers.runtimes.get(runtimeName);
  const targetName = address.target ?? settings.defaultTarget;
  const resolved = targetName ? providers.targets.resolve({ kind: 'id', id: targetName }) : null;
  const target = resolved?.kind === 'found' ? resolved.spec : null;
  const load = models.load(address.modelPath);
  const analysis = load.kind === 'ok' && runtime ? models.analysis(load, runtime.kernels, runtime.support ?? null, { owner: uri, ...analysisOptions(settings) }) : null;
  const report = analysis?.kind === 'done' ? analysis.report : null;
  const support = analysis?.kind === 'done' ? analysis.support : null;
  const pending = load.kind === 'pending' ? load.settled : analysis?.kind === 'pending' ? analysis.settled : null;
  const failure = load.kind === 'failed' ? load.failure : analysis?.kind === 'failed' ? analysis.failure : null;
  const cost = load.kind === 'ok' && report && providers.cost
    ? providers.cost.estimate({ model: load.model, report, target, clockHz: target?.clockHz ?? null, ...(support ? { support } : {}) })
    : null;
  return { uri, modelPath: address.modelPath, load, runtime, runtimeName, targetName, target, report, support, cost, pending, failure };
}

/**
 * The URI whose settings a listing (or a listing request) uses: the model file's, so a listing follows the settings
 * of the workspace folder that holds the model. Any other URI is its own.
 */
export function listingSettingsUri(uri: string): string {
  const address = parseListingUri(uri);
  return address ? pathToFileURL(address.modelPath).href : uri;
}

/** The listing URI a request is about: the URI itself, or built from a model's file: URI and the params. */
export function listingUriOf(params: ListingParams): string | null {
  if (parseListingUri(params.uri)) return params.uri;
  if (!params.uri.startsWith('file:')) return null;
  return listingUri(fileURLToPath(params.uri), { runtime: params.runtime ?? null, target: params.target ?? null });
}

/** Answers `tinymlLens/listing` once the model's analysis has settled. */
export async function listingResult(params: ListingParams, models: ModelCache, providers: Providers, settings: Settings): Promise<ListingResult | null> {
  const uri = listingUriOf(params);
  const check = uri ? await settledListing(uri, models, providers, settings) : null;
  if (!uri || !check) return null;
  return { uri, text: renderListing(check), modelPath: check.modelPath, runtime: check.runtimeName, target: check.target?.id ?? check.targetName };
}

/** The layer a row line shows, as `subgraph:index` or `index` in the first column; null for any other line. */
export function rowKey(line: string): { subgraph: number; index: number; opStart: number; opEnd: number } | null {
  const m = /^(\s*)(\d+)(?::(\d+))?(\s+)([A-Z][A-Z0-9_]*(?::[A-Za-z0-9_.-]+)?)\s+\[/.exec(line);
  if (!m) return null;
  const opStart = (m[1] ?? '').length + (m[2] ?? '').length + (m[3] !== undefined ? m[3].length + 1 : 0) + (m[4] ?? '').length;
  const multi = m[3] !== undefined;
  return { subgraph: multi ? Number(m[2]) : 0, index: Number(multi ? m[3] : m[2]), opStart, opEnd: opStart + (m[5] ?? '').length };
}

/** The report's layer and the model's operator for a row. */
export function layerAt(check: ListingCheck, subgraph: number, index: number): { layer: LayerReport; model: Model } | null {
  if (check.load.kind !== 'ok' || !check.report) return null;
  const layer = check.report.layers.find((l) => l.subgraph === subgraph && l.index === index);
  return layer ? { layer, model: check.load.model } : null;
}

function layerTime(seconds: number | null | undefined): string {
  return seconds == null ? '-' : seconds < 1e-3 ? `${(seconds * 1e6).toFixed(1)} us` : `${(seconds * 1e3).toFixed(2)} ms`;
}

/**
 * The listing text. Column order and markers match syntaxes/tinyml-listing.tmLanguage.json. Names from the model and
 * the file system go through `visible`, so none can start a line or fake a row.
 */
export function renderListing(check: ListingCheck): string {
  const name = visible(check.modelPath.split(/[\\/]/).pop() ?? check.modelPath);
  const load = check.load;
  if (load.kind === 'missing') return `${name}\n\nnote              model file not found: ${visible(check.modelPath)}\n`;
  if (load.kind === 'unreadable') return `${name}\n\nnote              model file cannot be read: ${visible(load.reason)}\n`;
  if (load.kind === 'malformed') return `${name}\n\nnote              not a valid .tflite model: ${visible(load.error.message)}\n`;
  if (load.kind === 'unconverted') return `${name}\n\nnote              ${notConvertedReason(load.error)}\n`;
  if (check.failure) return `${name}\n\nnote              ${analysisLimit(name, check.failure)}\n`;
  if (check.pending) return `${name}\n\nnote              analysing…\n`;
  const report = check.report;
  if (!report || !check.runtime) return `${name}\n\nnote              unknown runtime '${visible(check.runtimeName)}'\n`;
  const t = check.target;
  const clock = t?.clockHz ? ` at ${formatHertz(t.clockHz)}` : '';
  const lines = [`${name} on ${check.runtime.id}${t ? `, target ${visible(t.id ?? t.name)}${clock}` : ''}`, ''];
  const multi = report.layers.some((l) => l.subgraph !== 0);
  const verdicts = new Map((check.support?.layers ?? []).map((l) => [`${l.subgraph}/${l.index}`, l]));
  const times = new Map((check.cost?.layers ?? []).map((l) => [`${l.subgraph}/${l.index}`, l.seconds]));
  // Measured beside estimated once the board's calibration profiled this model (compile --profile, calibrate).
  const measured = new Map((check.cost?.layers ?? []).filter((l) => l.measuredSeconds !== undefined).map((l) => [`${l.subgraph}/${l.index}`, l.measuredSeconds!]));
  const header = ['#', 'op', 'output shape', 'dtype', 'MACs', 'weights', 'live arena', 'time', ...(measured.size ? ['measured'] : []), ''];
  const rows = report.layers.map((l) => {
    const v = verdicts.get(`${l.subgraph}/${l.index}`);
    const unsupported = v ? v.verdict.startsWith('unsupported') : l.unsupported !== null;
    const time = times.get(`${l.subgraph}/${l.index}`);
    const marker = [unsupported ? 'UNSUPPORTED' : null, v?.unit === 'npu' ? 'NPU' : null, l.peak ? '<- peak' : null].filter((x) => x !== null).join(' ');
    return [
      multi ? `${l.subgraph}:${l.index}` : String(l.index),
      visible(l.op),
      `[${l.outputShape.join(',')}]`,
      l.dtype ?? '-',
      l.macs ? l.macs.toLocaleString('en-US') : '-',
      l.weightBytes ? l.weightBytes.toLocaleString('en-US') : '-',
      l.arenaLiveBytes.toLocaleString('en-US'),
      layerTime(time),
      ...(measured.size ? [layerTime(measured.get(`${l.subgraph}/${l.index}`))] : []),
      marker,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = new Set([0, 4, 5, 6, 7, ...(measured.size ? [8] : [])]);
  const fmt = (cells: string[]): string => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.map(fmt), '');
  const m = report.memory;
  const estimated = !m.exact || check.runtime.kernels !== check.runtime.id;
  lines.push(`status            ${(check.support?.unsupported.length ?? report.unsupportedOps.length) > 0 ? 'unsupported' : 'ok'}${estimated ? ' (memory figures are an estimate)' : ''}`);
  lines.push(`tensor arena      ${formatBytes(m.minArenaBytes)} (${m.minArenaBytes.toLocaleString('en-US')} B, kTensorArenaSize)`);
  lines.push(`arena used        head ${formatBytes(m.headBytes)} + tail ${formatBytes(m.tailBytes)}`);
  lines.push(`flash (model)     ${formatBytes(report.flash.modelBytes)}, weights ${formatBytes(report.flash.weightBytes)}`);
  lines.push(`MACs              ${report.macs.toLocaleString('en-US')}`);
  const cost = check.cost;
  if (cost?.seconds != null) {
    const range = cost.lowSeconds != null && cost.highSeconds != null ? ` (${formatSeconds(cost.lowSeconds)} to ${formatSeconds(cost.highSeconds)})` : '';
    lines.push(`time              ${formatSeconds(cost.seconds)}${range}${cost.calibration ? `, ${cost.calibration}` : ''}`);
  }
  if (measured.size) lines.push(`measured          ${formatSeconds([...measured.values()].reduce((a, b) => a + b, 0))} on the board (sum of the profiled operators)`);
  if (cost?.joules != null) lines.push(`energy            ${formatJoules(cost.joules)}`);
  for (const u of check.support?.unsupported ?? report.unsupportedOps) {
    lines.push(`unsupported       ${visible(u.op)}${u.dtype ? ` (${u.dtype})` : ''} at layer${u.layers.length > 1 ? 's' : ''} ${u.layers.join(', ')} of subgraph ${u.subgraph}: ${visible(u.reason)}`);
  }
  if (!t) lines.push('note              no target: pass target= in the listing URI or set tinymlLens.defaultTarget for times');
  else if (cost === null) lines.push(`note              no time estimate for ${visible(t.id ?? t.name)} (no known core or clock)`);
  if (load.kind === 'ok' && load.source) lines.push(`note              ${visible(convertedLabel(load.source))}`);
  for (const n of [...m.notes, ...(check.support?.notes ?? [])]) lines.push(`note              ${visible(n)}`);
  return `${lines.join('\n')}\n`;
}
