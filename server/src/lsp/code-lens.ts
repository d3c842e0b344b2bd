/** The summary above `model:`: "RAM 143.2 / 180 KiB · flash 412 / 600 KiB · ~38 ms · 13 layers". */
import type { CodeLens } from 'vscode-languageserver';
import { formatBytes, formatSeconds } from '../manifest/units.js';
import { unsupportedGroups } from './diagnostics.js';
import type { ResourceFit } from './footprint.js';
import type { ManifestCheck } from './workspace.js';

/** The command the lens runs; contributed by the extension (package.json `tinymlLens.analyzeModel`). */
export const ANALYZE_MODEL_COMMAND = 'tinymlLens.analyzeModel';

export function codeLenses(check: ManifestCheck): CodeLens[] {
  const model = check.parse.manifest.model;
  const fit = check.fit;
  const report = check.report;
  if (model && check.pending) {
    // Holds the lens's line while a worker analyses the model (the client is asked to refresh lenses when it is done).
    const line = check.document.positionAt(model.keySpan.start).line;
    return [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title: 'analysing the model…', command: '' } }];
  }
  if (!model || !fit || !report || check.load?.kind !== 'ok') return [];
  const parts = [`RAM ${pair(fit.ram)}`, `flash ${pair(fit.flash)}`];
  if (fit.cost?.seconds != null) parts.push(`~${formatSeconds(fit.cost.seconds)}`);
  parts.push(`${report.layers.length} layers`);
  const unsupported = unsupportedGroups(check).length;
  if (unsupported > 0) parts.push(`${unsupported} unsupported op${unsupported === 1 ? '' : 's'}`);
  const line = check.document.positionAt(model.keySpan.start).line;
  const range = { start: { line, character: 0 }, end: { line, character: 0 } };
  return [{ range, command: { title: parts.join(' · '), command: ANALYZE_MODEL_COMMAND, arguments: [check.load.path] } }];
}

/** `143.2 / 180 KiB` when both share a unit, `143.2 KiB / 1 MiB` otherwise, `143.2 KiB` without a budget. */
function pair(fit: ResourceFit): string {
  const need = formatBytes(fit.needBytes);
  if (!fit.budget) return need;
  const budget = formatBytes(fit.budget.value.value);
  const [n, nu] = need.split(' ');
  const [b, bu] = budget.split(' ');
  return nu === bu ? `${n} / ${b} ${bu}` : `${need} / ${budget}`;
}
