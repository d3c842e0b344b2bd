/**
 * Every text the server shows: diagnostic messages, hovers, lens and hint labels, action titles. Tests assert on
 * codes and data, not on these, so wording can improve freely. Numbers always carry units and both sides. Names from a
 * model or a manifest go through `visible` (analysis/text.ts): a diagnostic is plain text, but a newline, an escape
 * sequence or a bidi override in a name must not reshape it.
 */
import type { LayerReport, UnsupportedOp } from '../analysis/report.js';
import { visible } from '../analysis/text.js';
import type { ModelFormatError } from '../model/errors.js';
import { LIMIT_FLAGS, type LimitName } from '../model/limits.js';
import type { JobFailure, PlainConvertError } from './worker/messages.js';
import { sourceLabel, type ModelSource } from '../convert/provenance.js';
import type { ManifestProblem } from '../manifest/types.js';
import { formatBytes, formatBytesIn, formatJoules, formatSeconds, UNITS, type QuantityError } from '../manifest/units.js';
import type { ModelLoad } from './models.js';

/** Why a model file a request needs cannot be used (every state but 'ok'), for a request's error message. */
export function loadProblem(load: Exclude<ModelLoad, { kind: 'ok' }>): string {
  switch (load.kind) {
    case 'missing':
      return `${load.path}: no such file`;
    case 'unreadable':
      return `${load.path}: ${load.reason}`;
    case 'malformed':
      return `${load.path}: ${load.error.message}`;
    case 'unconverted':
      return `${load.path}: ${notConvertedReason(load.error)}`;
    case 'failed':
      return analysisLimit(load.path.split(/[\\/]/).pop() ?? load.path, load.failure);
    case 'pending':
      return `${load.path} changed while it was read; try again`;
  }
}

/**
 * Why the analysis of `model` gave no figures: the limit it ran into and the setting that raises it. The model (not
 * the server) is at fault; the server keeps working.
 */
export function analysisLimit(model: string, f: JobFailure): string {
  const m = visible(model);
  switch (f.kind) {
    case 'time':
      return `The analysis of '${m}' was stopped after ${f.seconds} s (tinymlLens.analysisTimeoutSeconds); raise that setting if the model is really this large.`;
    case 'memory':
      return `The analysis of '${m}' was stopped at its memory limit of ${f.megabytes} MB (tinymlLens.analysisMemoryMb); raise that setting if the model is really this large.`;
    case 'limit': {
      if (!f.limit) return `The analysis of '${m}' exceeded a bound: ${visible(f.message)}`;
      // The core's message ends with the CLI flag that raises the bound; in the editor the setting does.
      const what = f.message.replace(/ \(raise it with --max-[a-z-]+ N\)$/, '');
      return `The analysis of '${m}' exceeded a bound: ${visible(what)} (raise the setting tinymlLens.limits.${LIMIT_SETTINGS[f.limit]}, as ${LIMIT_FLAGS[f.limit]} does in the CLI).`;
    }
    case 'crash':
      return `The analysis of '${m}' failed: ${visible(f.message)}`;
  }
}

/** The `tinymlLens.limits.*` setting of each bound of the core. */
const LIMIT_SETTINGS: Readonly<Record<LimitName, string>> = { maxWork: 'maxWork', maxDepth: 'maxDepth', maxMemory: 'maxMemoryMb', maxArena: 'maxArenaMb' };

const didYouMean = (s: readonly string[]): string => (s.length > 0 ? ` Did you mean ${s.map((x) => `'${visible(x)}'`).join(' or ')}?` : '');

/** Messages for problems found while parsing the manifest text. */
export function problemMessage(p: ManifestProblem): string {
  switch (p.code) {
    case 'syntax':
      return `Invalid YAML: ${p.detail}`;
    case 'unknown-key':
      return `Unknown key '${visible(p.key)}'${p.path.includes('.') ? ` in '${visible(p.path.slice(0, p.path.lastIndexOf('.')))}'` : ''}.${didYouMean(p.suggestions)}`;
    case 'missing-key':
      return p.path === 'model' ? "The manifest needs a 'model:' (the .tflite file, relative to the manifest)." : `'${p.path}' is required.`;
    case 'wrong-type':
      return p.path === '' ? `A manifest is a mapping of keys (model, target, runtime, budgets, ...), not ${p.got}.` : `'${p.path}' must be ${expected(p.expected)}, not ${p.got}.`;
    case 'bad-unit':
      return `'${p.path}': ${quantityError(p.text, p.error)}`;
  }
}

function expected(e: string): string {
  switch (e) {
    case 'mapping': return 'a mapping';
    case 'integer': return 'a whole number ≥ 0';
    case 'number': return 'a number ≥ 0';
    case 'quantity': return 'a number with a unit';
    case 'target': return 'a catalog id or an inline board {sram, flash, core, clock}';
    case 'shape': return 'a list of whole dimensions ≥ 1, e.g. [1, 96, 96, 3]';
    default: return 'text';
  }
}

function quantityError(text: string, e: QuantityError): string {
  const units = Object.keys(UNITS[e.kind]).join(', ');
  switch (e.reason) {
    case 'missing-unit': return `'${text}' has no unit; write one of ${units} (e.g. '${text}${Object.keys(UNITS[e.kind])[2] ?? ''}').`;
    case 'unknown-unit': return `unknown unit '${e.unit}' in '${text}'; use ${units}.${e.suggestion ? ` Did you mean '${e.suggestion}'?` : ''}`;
    case 'wrong-kind': return `'${e.unit}' measures ${e.unitKind}, but this is ${e.kind}; use ${units}.`;
    case 'negative': return `'${text}' is negative.`;
    case 'not-a-quantity': return `'${text}' is not a number with a unit (${units}).`;
  }
}

/** A hover's text followed by a note in its own paragraph, when there is one. */
export const withNote = (text: string, note: string | null): string => (note ? `${text}\n\n${note}` : text);
/** `path` null: there was nowhere to look (an unsaved manifest without a workspace folder); `note` says where it looked. */
export const modelNotFound = (raw: string, path: string | null, note: string | null = null): string =>
  `Model file '${visible(raw)}' not found${path === null ? '.' : ` (looked for ${visible(path)}).`}${note ? ` ${note}` : ''}`;
export const modelUnreadable = (raw: string, reason: string): string => `Model file '${visible(raw)}' cannot be read: ${visible(reason)}.`;
/** The converter's located reason, as every output words it. */
export const notConvertedReason = (e: PlainConvertError): string => `not converted by TinyML Lens: ${visible(e.message)} [${e.code}]`;
export const modelNotConverted = (raw: string, e: PlainConvertError): string => `'${visible(raw)}' ${notConvertedReason(e)}`;
/** What the figures of a converted model are (hovers, lens, listings). */
export const convertedLabel = (source: ModelSource): string => `${sourceLabel(source)}: the float32 .tflite \`convert\` writes`;
export const modelMalformed = (raw: string, e: ModelFormatError): string => `'${visible(raw)}' is not a valid .tflite model: ${visible(e.message)} [${e.code}]`;
export const unknownRuntime = (name: string, suggestions: readonly string[], known: readonly string[]): string =>
  `Unknown runtime '${visible(name)}'.${didYouMean(suggestions)} Known: ${known.join(', ')}.`;
export const unknownTarget = (id: string, suggestions: readonly string[]): string => `Unknown target '${visible(id)}'.${didYouMean(suggestions)}`;

export function opUnsupported(group: UnsupportedOp, runtime: string): string {
  const layers = group.layers.length === 1 ? `layer ${group.layers[0]}` : `layers ${group.layers.join(', ')}`;
  const where = group.subgraph === 0 ? layers : `${layers} of subgraph ${group.subgraph}`;
  return `${runtime} cannot run ${visible(group.op)}${group.dtype ? ` (${group.dtype})` : ''} at ${where}: ${visible(group.reason)}.`;
}

export const floatWithoutFpu = (core: string, layers: number): string =>
  `${layers} float32 layer${layers === 1 ? '' : 's'} on ${core}, which has no FPU: every float operation is emulated in software (often 10-100x slower). Quantize the model to int8.`;

/** "needs 212.4 KiB, budget 180 KiB (+32.4 KiB)" in the budget's own unit where it helps reading. */
export function overBytes(what: string, need: number, limit: number, limitLabel: string, unit: string | null): string {
  const fmt = (b: number): string => (unit && unit !== 'B' ? formatBytesIn(b, unit) : formatBytes(b));
  return `${what} needs ${fmt(need)}, ${limitLabel} ${fmt(limit)} (+${fmt(need - limit)}).`;
}

export const overTime = (need: number, budget: number): string =>
  `Inference takes ~${formatSeconds(need)}, budget ${formatSeconds(budget)} (+${formatSeconds(need - budget)}).`;
export const overEnergy = (need: number, budget: number): string =>
  `Inference takes ~${formatJoules(need)}, budget ${formatJoules(budget)} (+${formatJoules(need - budget)}).`;

export const relatedArena = (arena: number, peak: LayerReport | null): string =>
  `Tensor arena ${formatBytes(arena)}${peak ? `, peak at layer ${peak.index} (${visible(peak.op)})` : ''}.`;
export const relatedReserve = (bytes: number): string => `Reserved for the application: ${formatBytes(bytes)}.`;
export const relatedMargin = (bytes: number): string => `Safety margin (tinymlLens.safetyMargin): ${formatBytes(bytes)}.`;
export const relatedModelFile = (bytes: number): string => `Model file: ${formatBytes(bytes)}.`;
export const relatedRuntime = (runtime: string): string => `Runtime: ${runtime}.`;

export const raiseBudgetTitle = (what: string, to: string): string => `Raise the ${what} budget to ${to}`;
export const switchTargetTitle = (id: string, sram: number, flash: number): string =>
  `Switch to ${id}, the smallest catalog board that fits (${formatBytes(sram)} RAM, ${formatBytes(flash)} flash)`;
export const switchRuntimeTitle = (runtime: string, op: string, unsupportedLeft: number): string =>
  `Switch runtime to ${runtime} (runs ${visible(op)}${unsupportedLeft > 0 ? `; ${unsupportedLeft} other unsupported op${unsupportedLeft === 1 ? '' : 's'} left` : ''})`;
export const renameKeyTitle = (key: string): string => `Change to '${visible(key)}'`;
export const replaceValueTitle = (key: string, value: string): string => `Change ${key} to '${visible(value)}'`;
export const replaceUnitTitle = (unit: string, to: string): string => `Change the unit '${visible(unit)}' to '${to}'`;
export const quantizeTitle = 'Quantize to int8';
