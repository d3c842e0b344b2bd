/**
 * Diagnostics on a listing document: an `op-unsupported` error on the op of every row the listing's runtime cannot
 * run (the same code and data shape as in manifests, one layer each), and a `model-*` error on the first line when
 * the model itself is unusable.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Code, SOURCE } from './codes.js';
import { rowKey, type ListingCheck } from './listing.js';
import { analysisLimit, notConvertedReason } from './messages.js';

export function listingDiagnostics(check: ListingCheck, document: TextDocument): Diagnostic[] {
  const lines = document.getText().split(/\r?\n/);
  const first = { start: { line: 0, character: 0 }, end: { line: 0, character: (lines[0] ?? '').length } };
  const load = check.load;
  if (load.kind === 'missing') return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.modelNotFound, message: `Model file not found: ${load.path}`, data: { path: load.path } }];
  if (load.kind === 'unreadable') return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.modelUnreadable, message: `Model file cannot be read: ${load.reason}`, data: { path: load.path, reason: load.reason } }];
  if (load.kind === 'malformed') {
    const e = load.error;
    return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.modelMalformed, message: `Not a valid .tflite model: ${e.message} [${e.code}]`, data: { path: load.path, code: e.code, offset: e.offset, where: e.where } }];
  }
  if (load.kind === 'unconverted') {
    const e = load.error;
    return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.modelNotConverted, message: notConvertedReason(e), data: { path: load.path, code: e.code, where: e.where } }];
  }
  if (check.failure) {
    return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.analysisLimit, message: analysisLimit(check.modelPath.split(/[\\/]/).pop() ?? check.modelPath, check.failure), data: { path: check.modelPath, failure: check.failure } }];
  }
  if (!check.runtime) {
    return [{ range: first, severity: DiagnosticSeverity.Error, source: SOURCE, code: Code.unknownRuntime, message: `Unknown runtime '${check.runtimeName}' in the listing URI.`, data: { runtime: check.runtimeName, suggestions: [] } }];
  }
  const failing = new Map<string, string>();
  if (check.support) {
    for (const l of check.support.layers) if (l.verdict.startsWith('unsupported')) failing.set(`${l.subgraph}/${l.index}`, l.reason ?? l.verdict);
  } else {
    for (const l of check.report?.layers ?? []) if (l.unsupported) failing.set(`${l.subgraph}/${l.index}`, l.unsupported);
  }
  const out: Diagnostic[] = [];
  lines.forEach((text, line) => {
    const key = rowKey(text);
    const reason = key ? failing.get(`${key.subgraph}/${key.index}`) : undefined;
    if (!key || reason === undefined) return;
    const layer = check.report?.layers.find((l) => l.subgraph === key.subgraph && l.index === key.index);
    const op = text.slice(key.opStart, key.opEnd);
    const dtype = check.support?.layers.find((l) => l.subgraph === key.subgraph && l.index === key.index)?.dtype ?? layer?.dtype ?? null;
    out.push({
      range: { start: { line, character: key.opStart }, end: { line, character: key.opEnd } },
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      code: Code.opUnsupported,
      message: `${check.runtimeName} cannot run ${op}${dtype ? ` (${dtype})` : ''}: ${reason}.`,
      data: { op, dtype, subgraph: key.subgraph, layers: [key.index], runtime: check.runtimeName },
    });
  });
  return out;
}
