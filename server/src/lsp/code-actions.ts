/**
 * Quick fixes, each from a diagnostic and the check behind it: raise a RAM or flash budget to the need; switch to the
 * smallest catalog board the whole firmware fits (model, TFLM runtime and application in flash; the arena in one
 * region beside TFLM's and the application's RAM; a board the runtime runs on); switch to a runtime that runs an
 * unsupported operator; switch to the other TFLM kernel set when its kernels take less flash; move the arena to a
 * region that holds it (`arena_region:`); apply every "did you mean" (keys, runtimes, targets, units). Besides
 * the fixes, "Quantize to int8" for a model with float32 layers.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { runtimeRunsOn } from '../analysis/latency/target.js';
import type { SupportReport } from '../analysis/support/index.js';
import { reportOps, smallerKernelSet } from '../analysis/fit-parts.js';
import { ceilInUnit } from '../manifest/units.js';
import { onChipRamBytes, ramRegionsOf } from '../targets/regions.js';
import * as fitMsg from './fit-messages.js';
import { Code, type OverBudgetData } from './codes.js';
import { costCore } from './cost-estimator.js';
import * as msg from './messages.js';
import type { Providers, RuntimeInfo, TargetSpec } from './providers.js';
import { rankTargets } from './target-rank.js';
import type { ManifestCheck } from './workspace.js';

/** What the runtime switch needs besides the check: the verdicts of another runtime for the same model. */
export interface ActionContext {
  readonly providers: Providers;
  /** The support report of the check's model under `runtime`; null without a loaded model. */
  supportFor(runtime: RuntimeInfo): SupportReport | null;
  /** The range the actions are asked for: "Quantize to int8" is offered on the `model:` line. */
  readonly range?: Range;
  /** The kinds the client asked for (`context.only`); absent: all. */
  readonly only?: readonly string[];
}

/** The client command "Quantize to int8" runs (client/src/commands.ts), with the model's path as its argument. */
export const QUANTIZE_COMMAND = 'tinymlLens.quantizeModel';
const OVER_BOARD: ReadonlySet<string> = new Set([Code.ramOverTarget, Code.flashOverTarget, Code.arenaRegionTooSmall]);

export function codeActions(check: ManifestCheck, diagnostics: readonly Diagnostic[], ctx: ActionContext): CodeAction[] {
  const actions: CodeAction[] = [];
  let targetOffered = false;
  for (const d of diagnostics) {
    if (d.code === Code.ramOverBudget || d.code === Code.flashOverBudget) {
      const action = raiseBudget(check, d);
      if (action) actions.push(action);
    } else if (OVER_BOARD.has(d.code as string) && !targetOffered) {
      // RAM, flash and the arena's region over the board are one problem with one fix: offer the board once for all.
      const related = diagnostics.filter((x) => OVER_BOARD.has(x.code as string));
      const action = switchTarget(check, related, ctx.providers);
      if (action) actions.push(action);
      targetOffered = true;
    } else if (d.code === Code.opUnsupported) {
      actions.push(...switchRuntime(check, d, ctx));
    } else {
      actions.push(...didYouMean(check, d));
    }
    if (d.code === Code.arenaRegionTooSmall || d.code === Code.unknownArenaRegion) actions.push(...moveArena(check, d));
    if (d.code === Code.flashOverTarget) {
      const action = switchKernels(check, d, ctx.providers);
      if (action) actions.push(action);
    }
  }
  const quantize = quantizeAction(check, diagnostics, ctx.range);
  if (quantize) actions.push(quantize);
  const only = ctx.only;
  return only ? actions.filter((a) => only.some((k) => a.kind === k || a.kind?.startsWith(`${k}.`))) : actions;
}

/**
 * One fix per "did you mean" suggestion of an unknown key, runtime or target, or a misspelt unit; the closest one is
 * preferred (the suggestions come closest first).
 */
export function didYouMean(check: ManifestCheck, d: Diagnostic): CodeAction[] {
  const data = (d.data ?? {}) as { suggestions?: unknown; error?: { reason?: unknown; unit?: unknown; suggestion?: unknown }; text?: unknown };
  const suggestions = Array.isArray(data.suggestions) ? data.suggestions.filter((s): s is string => typeof s === 'string') : [];
  const fix = (title: string, edit: TextEdit, i: number): CodeAction => ({
    title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: i === 0, edit: { changes: { [check.uri]: [edit] } },
  });
  switch (d.code) {
    case Code.unknownKey:
      return suggestions.map((s, i) => fix(msg.renameKeyTitle(s), { range: d.range, newText: quotedLike(check, d.range, s) }, i));
    case Code.unknownRuntime:
    case Code.unknownTarget: {
      const key = d.code === Code.unknownRuntime ? 'runtime' : 'target';
      return suggestions.flatMap((s, i) => {
        const edit = setValue(check, key, s);
        return edit ? [fix(msg.replaceValueTitle(key, s), edit, i)] : [];
      });
    }
    case Code.badUnit: {
      const e = data.error;
      if (e?.reason !== 'unknown-unit' || typeof e.unit !== 'string' || typeof e.suggestion !== 'string' || typeof data.text !== 'string') return [];
      const at = data.text.lastIndexOf(e.unit);
      if (at < 0) return [];
      const fixed = `${data.text.slice(0, at)}${e.suggestion}${data.text.slice(at + e.unit.length)}`;
      return [fix(msg.replaceUnitTitle(e.unit, e.suggestion), { range: d.range, newText: quotedLike(check, d.range, fixed.trim()) }, 0)];
    }
    default:
      return [];
  }
}

/** `text` with the quotes the replaced text had (a JSON manifest's keys and values are strings). */
function quotedLike(check: ManifestCheck, range: Range, text: string): string {
  const doc = check.document;
  const old = doc.getText(range);
  if (old.startsWith('"')) return JSON.stringify(text);
  if (old.startsWith("'")) return `'${text.replace(/'/g, "''")}'`;
  return text;
}

/** True for a layer that computes in float32 (quantize/dequantize at a model's edges do not make a model float). */
export function hasFloatLayers(check: Pick<ManifestCheck, 'report'>): boolean {
  return (check.report?.layers ?? []).some((l) => l.dtype === 'FLOAT32' && l.op !== 'QUANTIZE' && l.op !== 'DEQUANTIZE');
}

/**
 * "Quantize to int8" for a model with float32 layers (a .tflite, or an .onnx/.keras/.h5/model.json converted) (float or hybrid): a quick fix of `float-without-fpu`,
 * else a rewrite offered on the `model:` line.
 */
function quantizeAction(check: ManifestCheck, diagnostics: readonly Diagnostic[], range: Range | undefined): CodeAction | null {
  const model = check.parse.manifest.model;
  // A loaded model is a .tflite or a source model converted in memory: Quantize to int8 takes both.
  if (!model || check.load?.kind !== 'ok' || !check.modelPath || !hasFloatLayers(check)) return null;
  const fpu = diagnostics.filter((d) => d.code === Code.floatWithoutFpu);
  const line = check.document.positionAt(model.keySpan.start).line;
  if (fpu.length === 0 && !(range && range.start.line <= line && line <= range.end.line)) return null;
  return {
    title: msg.quantizeTitle,
    kind: fpu.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    ...(fpu.length > 0 ? { diagnostics: fpu } : {}),
    command: { title: msg.quantizeTitle, command: QUANTIZE_COMMAND, arguments: [check.modelPath] },
  };
}

function raiseBudget(check: ManifestCheck, d: Diagnostic): CodeAction | null {
  const data = d.data as Partial<OverBudgetData> | undefined;
  if (!data || typeof data.need !== 'number' || typeof data.unit !== 'string' || (data.kind !== 'ram' && data.kind !== 'flash')) return null;
  // Whole bytes for B; one decimal otherwise, rounded up so the new budget really covers the need.
  const text = ceilInUnit(data.need, 'bytes', data.unit, data.unit === 'B' ? 0 : 1);
  return {
    title: msg.raiseBudgetTitle(data.kind === 'ram' ? 'RAM' : 'flash', text),
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [check.uri]: [{ range: d.range, newText: text }] } },
  };
}

/**
 * The smallest catalog board (SRAM, then flash) whose largest RAM region holds the RAM need and whose flash holds the
 * flash need, among boards the runtime runs on. Boards without a RAM or flash figure are skipped: a fit cannot be
 * shown for them.
 */
export function smallestFittingTarget(check: ManifestCheck, providers: Providers): TargetSpec | null {
  const current = check.target?.kind === 'found' ? check.target.spec.id : null;
  return rankTargets(check, providers).find((t) => t.fits === true && t.spec.id !== current)?.spec ?? null;
}

/** `arena_region:` set to each region that holds the arena (the diagnostic's alternatives, or the close names). */
function moveArena(check: ManifestCheck, d: Diagnostic): CodeAction[] {
  const data = d.data as { alternatives?: unknown; suggestions?: unknown } | undefined;
  const names = Array.isArray(data?.alternatives) ? data.alternatives : Array.isArray(data?.suggestions) ? data.suggestions : [];
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const regions = spec?.mcu ? ramRegionsOf(spec.mcu) : [];
  return names.filter((n): n is string => typeof n === 'string').flatMap((name, i) => {
    const region = regions.find((r) => r.name === name);
    const edit = setValue(check, 'arena_region', name);
    if (!region || !edit) return [];
    return [{
      title: fitMsg.moveArenaTitle(name, region.kiB * 1024, region.kind === 'external'),
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: i === 0 && region.kind !== 'external',
      edit: { changes: { [check.uri]: [edit] } },
    }];
  });
}

/** Flash over the board and the other TFLM kernel set is smaller for this model's ops: switch `runtime:` to it. */
function switchKernels(check: ManifestCheck, d: Diagnostic, providers: Providers): CodeAction | null {
  const report = check.report;
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  if (!report || !check.runtime) return null;
  const smaller = smallerKernelSet(reportOps(report), spec?.core ?? null, check.runtime.kernels);
  const target = smaller && providers.runtimes.get(smaller.kernels);
  if (!smaller || !target) return null;
  const edit = setValue(check, 'runtime', target.id);
  if (!edit) return null;
  return { title: fitMsg.switchKernelsTitle(target.id, smaller.savedBytes), kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [check.uri]: [edit] } } };
}

function switchTarget(check: ManifestCheck, related: Diagnostic[], providers: Providers): CodeAction | null {
  const best = smallestFittingTarget(check, providers);
  if (!best?.id) return null;
  const edit = setValue(check, 'target', best.id);
  if (!edit) return null;
  return {
    title: msg.switchTargetTitle(best.id, best.sramBytes ?? (best.mcu ? onChipRamBytes(best.mcu) : 0), best.flashBytes ?? 0),
    kind: CodeActionKind.QuickFix,
    diagnostics: related,
    edit: { changes: { [check.uri]: [edit] } },
  };
}

/**
 * Runtimes under which every layer of the diagnostic's group runs, that run on the board (when known); the one left
 * with the fewest unsupported ops (then the most optimized layers) is preferred.
 */
function switchRuntime(check: ManifestCheck, d: Diagnostic, ctx: ActionContext): CodeAction[] {
  const data = d.data as { op?: unknown; subgraph?: unknown; layers?: unknown } | undefined;
  if (!data || typeof data.op !== 'string' || typeof data.subgraph !== 'number' || !Array.isArray(data.layers)) return [];
  const layers = new Set(data.layers as number[]);
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const core = costCore(spec?.core ?? null);
  const options: { runtime: RuntimeInfo; unsupported: number; optimized: number }[] = [];
  for (const runtime of ctx.providers.runtimes.all()) {
    if (runtime.id === check.runtime?.id || !runtime.support) continue;
    if (core && !runtimeRunsOn(runtime.support, core, spec?.mcu ?? null)) continue;
    const support = ctx.supportFor(runtime);
    if (!support) continue;
    const fixed = support.layers.filter((l) => l.subgraph === data.subgraph && layers.has(l.index)).every((l) => !l.verdict.startsWith('unsupported'));
    if (!fixed) continue;
    const unsupported = support.unsupported.length;
    options.push({ runtime, unsupported, optimized: support.layers.filter((l) => l.verdict === 'optimized').length });
  }
  options.sort((a, b) => a.unsupported - b.unsupported || b.optimized - a.optimized || a.runtime.id.localeCompare(b.runtime.id));
  return options.flatMap((o, i) => {
    const edit = setValue(check, 'runtime', o.runtime.id);
    if (!edit) return [];
    return [{
      title: msg.switchRuntimeTitle(o.runtime.id, data.op as string, o.unsupported),
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: i === 0 && o.unsupported === 0,
      edit: { changes: { [check.uri]: [edit] } },
    }];
  });
}

/** An edit setting a top-level scalar: replace its value, or add the key after `model:` (YAML) or before it (JSON). */
export function setValue(check: ManifestCheck, key: 'target' | 'runtime' | 'arena_region', value: string): TextEdit | null {
  const doc = check.document;
  const json = /\.json$/i.test(check.uri.split(/[?#]/)[0] ?? '');
  const text = json ? JSON.stringify(value) : value;
  const field = key === 'arena_region' ? check.parse.manifest.arenaRegion : check.parse.manifest[key];
  if (field) {
    const old = doc.getText().slice(field.span.start, field.span.end);
    // A block mapping's span ends with its newline; keep it so the next key stays on its own line.
    const trailing = /\s*$/.exec(old)?.[0] ?? '';
    return { range: { start: doc.positionAt(field.span.start), end: doc.positionAt(field.span.end) }, newText: text + trailing };
  }
  const model = check.parse.manifest.model;
  if (!model) return null;
  if (json) return { range: { start: doc.positionAt(model.keySpan.start), end: doc.positionAt(model.keySpan.start) }, newText: `${JSON.stringify(key)}: ${text}, ` };
  const line = doc.positionAt(model.span.end).line + 1;
  const indent = doc.positionAt(model.keySpan.start).character;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${' '.repeat(indent)}${key}: ${text}\n` };
}
