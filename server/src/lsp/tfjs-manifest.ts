/**
 * A manifest whose `model:` is a TF.js model.json: TFLM has no memory model for it, so the checks use the core's
 * int8 estimates (analysis/tfjs.ts: what the model would take once converted and quantized), labelled as estimates.
 * Layers TFLM cannot run are `op-unsupported`, as for a .tflite.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import { markdownCode, markdownText, visible } from '../analysis/text.js';
import { tfjsNeeds as modelNeeds, unsupportedLayers } from '../analysis/tfjs.js';
import type { Span } from '../manifest/types.js';
import { formatBytes } from '../manifest/units.js';
import type { TfjsModel } from '../model/tfjs/reader.js';
import { Code, SOURCE, type DiagnosticCode, type OverBudgetData } from './codes.js';
import * as msg from './messages.js';
import { unsavedModelNote, type ManifestCheck } from './workspace.js';

/** Diagnostics from the model.json of a manifest (after the manifest's own problems). */
export function tfjsManifestDiagnostics(check: ManifestCheck): Diagnostic[] {
  const m = check.parse.manifest;
  const model = m.model;
  const load = check.tfjs;
  if (!model || !load) return [];
  const doc = check.document;
  const range = (s: Span): Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });
  const out: Diagnostic[] = [];
  const add = (code: DiagnosticCode, span: Span, message: string, data: unknown, related?: DiagnosticRelatedInformation[]): void => {
    out.push({ range: range(span), severity: DiagnosticSeverity.Error, source: SOURCE, code, message, data, ...(related ? { relatedInformation: related } : {}) });
  };
  if (load.kind === 'missing') {
    add(Code.modelNotFound, model.span, msg.modelNotFound(model.value, load.path, unsavedModelNote(check)), { path: load.path });
    return out;
  }
  if (load.kind === 'malformed') {
    const e = load.error;
    add(Code.modelMalformed, model.span, `'${visible(model.value)}' is not a usable TensorFlow.js model: ${visible(e.message)} [${e.code}]`, { path: load.path, code: e.code, offset: e.offset, where: e.where });
    return out;
  }
  // A limit of the worker that loads it: `analysis-limit` on model:, from the check's failure (diagnostics.ts).
  if (load.kind === 'failed') return out;
  const runtime = check.runtime;
  if (runtime && check.runtimeKnown) {
    for (const { layer, reason } of unsupportedLayers(load.model, runtime.kernels)) {
      add(Code.opUnsupported, m.runtime?.span ?? model.span, `${runtime.id} cannot run layer ${layer.index} '${visible(layer.name)}': ${visible(reason)}.`,
        { op: layer.className, dtype: null, subgraph: 0, layers: [layer.index], runtime: runtime.id, layer: layer.name, tflite: layer.tflite });
    }
  }
  const need = tfjsNeeds(check, load.model);
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const related = [{ location: { uri: check.uri, range: range(model.span) }, message: 'Estimated for the model converted to TFLite with int8 quantization (a lower bound).' }];
  const budget = (kind: 'ram' | 'flash', value: number): void => {
    const b = m.budgets[kind];
    if (b && value > b.value.value) {
      const data: OverBudgetData = { kind, need: value, budget: b.value.value, unit: b.value.unit };
      add(kind === 'ram' ? Code.ramOverBudget : Code.flashOverBudget, b.span, msg.overBytes(kind === 'ram' ? 'RAM' : 'Flash', value, b.value.value, 'budget', b.value.unit), data, related);
    }
    const available = kind === 'ram' ? spec?.sramBytes : spec?.flashBytes;
    if (m.target && available != null && value > available) {
      add(kind === 'ram' ? Code.ramOverTarget : Code.flashOverTarget, m.target.span, msg.overBytes(kind === 'ram' ? 'RAM' : 'Flash', value, available, `${spec?.name ?? 'the target'} has`, null), { need: value, available }, related);
    }
  };
  budget('ram', need.ram);
  budget('flash', need.flash);
  return out;
}

/** RAM and flash needs of a manifest's model.json (int8 estimates plus the reserve; RAM with the safety margin). */
export function tfjsNeeds(check: ManifestCheck, model: TfjsModel): { ram: number; flash: number } {
  const m = check.parse.manifest;
  return modelNeeds(model, { reserveRamBytes: m.reserve.ram?.value.value ?? 0, reserveFlashBytes: m.reserve.flash?.value.value ?? 0, marginPercent: check.margin });
}

/** The hover on `model:` for a model.json. */
export function tfjsModelHover(check: ManifestCheck): string | null {
  const load = check.tfjs;
  if (!load) return null;
  if (load.kind === 'missing') return msg.withNote(`Model file not found: ${markdownCode(load.path)}`, unsavedModelNote(check));
  if (load.kind === 'malformed') return `Not a usable TensorFlow.js model: ${markdownText(load.error.message)}`;
  if (load.kind === 'failed') return markdownText(msg.analysisLimit(load.path.split(/[\\/]/).pop() ?? load.path, load.failure));
  const t = load.model;
  const unsupported = check.runtime ? unsupportedLayers(t, check.runtime.kernels) : [];
  // A layers model the converter refused: why first, then the estimates that stand in for its figures.
  const refused = check.load?.kind === 'unconverted' ? [`Not converted by TinyML Lens: ${markdownText(check.load.error.message)} [${check.load.error.code}]`, ''] : [];
  return [
    ...refused,
    `**${markdownText(load.path.split(/[\\/]/).pop() ?? load.path)}**: TensorFlow.js ${t.format}`,
    '',
    '| | float32 | int8 (quantized) |',
    '| --- | --- | --- |',
    `| weights (${t.params.toLocaleString('en-US')} parameters) | ${formatBytes(t.weightBytesFloat32)} | ${formatBytes(t.weightBytesInt8)} |`,
    `| peak activations (layer in + out) | ${formatBytes(t.peakActivationBytesFloat32)} | ${formatBytes(t.peakActivationBytesInt8)} |`,
    '',
    `${t.layers.length} layers${unsupported.length > 0 ? `; TFLM cannot run: ${unsupported.map((u) => markdownText(u.layer.name)).join(', ')}` : ''}. Estimates for the converted model; convert to .tflite for the exact arena.`,
    ...t.notes.map((n) => `- ${markdownText(n)}`),
  ].join('\n');
}
