/** Diagnostics for a manifest: its own problems, then the model, runtime, target and budget checks. */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import type { UnsupportedOp } from '../analysis/report.js';
import { dynamicInputNote } from '../analysis/shapes.js';
import type { Span } from '../manifest/types.js';
import { suggest } from '../manifest/suggest.js';
import { ramRegionsOf } from '../targets/regions.js';
import { Code, SOURCE, type DiagnosticCode, type OverBudgetData } from './codes.js';
import * as fitMsg from './fit-messages.js';
import * as msg from './messages.js';
import { tfjsManifestDiagnostics } from './tfjs-manifest.js';
import type { Providers } from './providers.js';
import { unsavedModelNote, type ManifestCheck } from './workspace.js';

const PROBLEM_CODES: Readonly<Record<string, DiagnosticCode>> = {
  syntax: Code.yamlSyntax,
  'unknown-key': Code.unknownKey,
  'missing-key': Code.missingKey,
  'wrong-type': Code.wrongType,
  'bad-unit': Code.badUnit,
};

/**
 * The unsupported operators for the check's runtime: the support verdicts when the runtime has them (an NPU runtime
 * runs Vela's `ethos-u` custom op that plain TFLM cannot), else TFLM's own allocation failures.
 */
export function unsupportedGroups(check: Pick<ManifestCheck, 'report' | 'support'>): readonly UnsupportedOp[] {
  return check.support?.unsupported ?? check.report?.unsupportedOps ?? [];
}

/** All diagnostics of one manifest. */
export function manifestDiagnostics(check: ManifestCheck, providers: Providers): Diagnostic[] {
  const doc = check.document;
  const range = (s: Span): Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });
  const out: Diagnostic[] = [];
  const add = (code: DiagnosticCode, span: Span, message: string, data: unknown, severity: DiagnosticSeverity = DiagnosticSeverity.Error, related?: DiagnosticRelatedInformation[]): void => {
    out.push({ range: range(span), severity, source: SOURCE, code, message, data, ...(related && related.length > 0 ? { relatedInformation: related } : {}) });
  };
  const at = (s: Span, message: string): DiagnosticRelatedInformation => ({ location: { uri: check.uri, range: range(s) }, message });

  for (const p of check.parse.problems) {
    const severity = p.code === 'unknown-key' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
    // data: the problem's fields without its span (the range) and its parser-side code (the diagnostic's code).
    const data: Record<string, unknown> = { ...p };
    delete data.span;
    delete data.code;
    add(PROBLEM_CODES[p.code] ?? Code.yamlSyntax, p.span, msg.problemMessage(p), data, severity);
  }

  const m = check.parse.manifest;
  const model = m.model;
  const load = check.load;
  const note = unsavedModelNote(check);
  if (model && !check.modelPath && note) add(Code.modelNotFound, model.span, msg.modelNotFound(model.value, null, note), { path: null });
  if (model && load) {
    if (load.kind === 'missing') add(Code.modelNotFound, model.span, msg.modelNotFound(model.value, load.path, note), { path: load.path });
    else if (load.kind === 'unreadable') add(Code.modelUnreadable, model.span, msg.modelUnreadable(model.value, load.reason), { path: load.path, reason: load.reason });
    else if (load.kind === 'malformed') {
      const e = load.error;
      add(Code.modelMalformed, model.span, msg.modelMalformed(model.value, e), { path: load.path, code: e.code, offset: e.offset, where: e.where });
    } else if (load.kind === 'unconverted') {
      const e = load.error;
      add(Code.modelNotConverted, model.span, msg.modelNotConverted(model.value, e), { path: load.path, code: e.code, where: e.where, needs: e.needs });
    }
  }
  if (model && check.failure) add(Code.analysisLimit, model.span, msg.analysisLimit(model.value, check.failure), { path: check.modelPath, failure: check.failure });

  out.push(...tfjsManifestDiagnostics(check));

  if (m.runtime && !check.runtimeKnown) {
    const known = providers.runtimes.all().map((r) => r.id);
    const suggestions = suggest(m.runtime.value, known);
    add(Code.unknownRuntime, m.runtime.span, msg.unknownRuntime(m.runtime.value, suggestions, known), { runtime: m.runtime.value, suggestions });
  }

  if (m.target && check.target?.kind === 'unknown' && m.target.value.kind === 'id') {
    const { suggestions } = check.target;
    add(Code.unknownTarget, m.target.span, msg.unknownTarget(m.target.value.id, suggestions), { target: m.target.value.id, suggestions });
  }

  for (const e of check.inputShapeErrors) add(Code.inputShapeInvalid, e.span, e.message, { reason: e.message });
  // A dynamic input no `input_shapes:` entry sets: analysed (and allocated by TFLM) at its stored shape.
  for (const d of check.report?.dynamicInputs ?? []) {
    if (model) add(Code.dynamicInputShape, model.span, dynamicInputNote(d), { input: d.position, name: d.name, signature: d.signature, shape: d.shape }, DiagnosticSeverity.Warning);
  }

  const report = check.report;
  const fit = check.fit;
  if (!report || !fit || !model) return out;

  // Unsupported ops are only reported for a runtime the manifest actually chose (or the default), never for the
  // fallback used after an unknown runtime: that would blame the wrong runtime.
  if (check.runtimeKnown && check.runtime) {
    const runtimeSpan = m.runtime?.span ?? model.span;
    for (const group of unsupportedGroups(check)) {
      const related = m.runtime ? [at(model.span, msg.relatedRuntime(check.runtime.id))] : [];
      add(Code.opUnsupported, runtimeSpan, msg.opUnsupported(group, check.runtime.id), { op: group.op, dtype: group.dtype, subgraph: group.subgraph, layers: group.layers, runtime: check.runtime.id }, DiagnosticSeverity.Error, related);
    }
  }

  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  if (spec?.fpu === false && m.target) {
    const floatLayers = report.layers.filter((l) => l.dtype === 'FLOAT32').length;
    if (floatLayers > 0) {
      const span = m.target.value.kind === 'inline' ? (m.target.value.board.core?.span ?? m.target.span) : m.target.span;
      add(Code.floatWithoutFpu, span, msg.floatWithoutFpu(spec.core ?? spec.name, floatLayers), { core: spec.core, layers: floatLayers }, DiagnosticSeverity.Warning, [at(model.span, 'The float32 model.')]);
    }
  }

  // RAM: budget, then the board's SRAM. The cause is the arena (peak layer) plus the reserve.
  const ramRelated = [at(model.span, msg.relatedArena(fit.ram.modelBytes, fit.peak))];
  if (m.reserve.ram) ramRelated.push(at(m.reserve.ram.span, msg.relatedReserve(fit.ram.reserveBytes)));
  if (fit.ram.marginBytes > 0) ramRelated.push(at(model.span, msg.relatedMargin(fit.ram.marginBytes)));
  const budgetRam = fit.ram.budget;
  if (budgetRam && fit.ram.needBytes > budgetRam.value.value) {
    const data: OverBudgetData = { kind: 'ram', need: fit.ram.needBytes, budget: budgetRam.value.value, unit: budgetRam.value.unit };
    add(Code.ramOverBudget, budgetRam.span, msg.overBytes('RAM', fit.ram.needBytes, budgetRam.value.value, 'budget', budgetRam.value.unit), data, DiagnosticSeverity.Error, ramRelated);
  }
  // With `tinymlLens.defaultTarget` standing in for a missing `target:`, the board's limits are blamed on `model`.
  const boardSpan = (pick: 'sram' | 'flash' | 'core'): Span | null =>
    m.target ? (m.target.value.kind === 'inline' ? (m.target.value.board[pick]?.span ?? m.target.span) : m.target.span) : check.targetFromSettings ? model.span : null;
  const whole = fit.whole;
  const board = spec?.name ?? 'the target';
  const ramSpan = boardSpan('sram');
  if (ramSpan && whole.problems.includes('ram-overflow')) {
    const available = whole.ram.overBytes > 0 ? whole.ram.capacityBytes : whole.arena.regionBytes;
    add(Code.ramOverTarget, ramSpan, fitMsg.ramOverflow(whole, board), { need: whole.ram.needBytes, available, parts: whole.ram.parts, region: whole.arena.region }, DiagnosticSeverity.Error, ramRelated);
  }
  if (ramSpan && (whole.problems.includes('no-single-region') || whole.problems.includes('arena-region-too-small'))) {
    const span = m.arenaRegion?.span ?? ramSpan;
    add(Code.arenaRegionTooSmall, span, fitMsg.arenaRegion(whole, board), { region: whole.arena.region, regionBytes: whole.arena.regionBytes, arena: whole.arena.arenaBytes, alternatives: whole.arena.alternatives }, DiagnosticSeverity.Error, ramRelated);
  }
  if (m.arenaRegion && whole.arena.unknownRegion !== null) {
    const names = spec?.mcu ? ramRegionsOf(spec.mcu).map((r) => r.name) : [];
    add(Code.unknownArenaRegion, m.arenaRegion.span, fitMsg.unknownArenaRegion(whole.arena.unknownRegion, board, names), { region: whole.arena.unknownRegion, suggestions: suggest(whole.arena.unknownRegion, names), regions: names });
  }
  if (whole.arena.external && whole.arena.region) {
    add(Code.arenaExternal, m.arenaRegion?.span ?? model.span, fitMsg.externalArena(whole.arena.region), { region: whole.arena.region }, DiagnosticSeverity.Information);
  }

  const flashRelated = [at(model.span, msg.relatedModelFile(fit.flash.modelBytes))];
  if (m.reserve.flash) flashRelated.push(at(m.reserve.flash.span, msg.relatedReserve(fit.flash.reserveBytes)));
  const budgetFlash = fit.flash.budget;
  if (budgetFlash && fit.flash.needBytes > budgetFlash.value.value) {
    const data: OverBudgetData = { kind: 'flash', need: fit.flash.needBytes, budget: budgetFlash.value.value, unit: budgetFlash.value.unit };
    add(Code.flashOverBudget, budgetFlash.span, msg.overBytes('Flash', fit.flash.needBytes, budgetFlash.value.value, 'budget', budgetFlash.value.unit), data, DiagnosticSeverity.Error, flashRelated);
  }
  const flashSpan = boardSpan('flash');
  if (flashSpan && whole.flash.fits === false) {
    add(Code.flashOverTarget, flashSpan, fitMsg.flashOverflow(whole, board), { need: whole.flash.needBytes, available: whole.flash.capacityBytes, parts: whole.flash.parts }, DiagnosticSeverity.Error, flashRelated);
  }

  // Latency and energy: only once a cost model is plugged in (Providers.cost); until then the budgets are accepted.
  const cost = fit.cost;
  const latency = m.budgets.latency;
  if (cost?.seconds != null && latency && cost.seconds > latency.value.value) {
    const data: OverBudgetData = { kind: 'latency', need: cost.seconds, budget: latency.value.value, unit: latency.value.unit };
    add(Code.latencyOverBudget, latency.span, msg.overTime(cost.seconds, latency.value.value), data, DiagnosticSeverity.Error, [at(model.span, cost.basis)]);
  }
  const energy = m.budgets.energy;
  if (cost?.joules != null && energy && cost.joules > energy.value.value) {
    const data: OverBudgetData = { kind: 'energy', need: cost.joules, budget: energy.value.value, unit: energy.value.unit };
    add(Code.energyOverBudget, energy.span, msg.overEnergy(cost.joules, energy.value.value), data, DiagnosticSeverity.Error, [at(model.span, cost.basis)]);
  }
  return out;
}
