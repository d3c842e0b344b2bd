/** The summary above `model:`: "RAM 143.2 / 180 KiB · flash 412 / 600 KiB · ~38 ms · 13 layers". */
import type { CodeLens } from 'vscode-languageserver';
import { formatBytes, formatSeconds } from '../manifest/units.js';
import { unsupportedGroups } from './diagnostics.js';
import { visible } from '../analysis/text.js';
import type { SideFit, WholeFit } from '../targets/fit.js';
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
  if (check.load.source) parts.push('as converted by TinyML Lens');
  if (fit.cost?.seconds != null) parts.push(`~${formatSeconds(fit.cost.seconds)}`);
  parts.push(`${report.layers.length} layers`);
  const unsupported = unsupportedGroups(check).length;
  if (unsupported > 0) parts.push(`${unsupported} unsupported op${unsupported === 1 ? '' : 's'}`);
  const line = check.document.positionAt(model.keySpan.start).line;
  const range = { start: { line, character: 0 }, end: { line, character: 0 } };
  const lenses: CodeLens[] = [{ range, command: { title: parts.join(' · '), command: ANALYZE_MODEL_COMMAND, arguments: [check.load.path] } }];
  const whole = wholeTitle(fit.whole);
  if (whole) lenses.push({ range, command: { title: whole, command: '' } });
  return lenses;
}

const kib = (b: number): string => trim(b / 1024);
const trim = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const BASIS = { exact: '', measured: ' measured', estimated: ' estimated', 'user-given': ' user-given' } as const;
const NAME = { model: 'model', runtime: 'TFLM', app: 'app', arena: 'arena', margin: 'margin' } as const;

/** "firmware on the board: flash 301 / 256 KiB ✗ = model 200 + TFLM 61 measured + app 40 user-given · RAM ..." */
function wholeTitle(w: WholeFit): string | null {
  const side = (what: string, s: SideFit, where: string): string | null => {
    if (s.capacityBytes === null) return null;
    const parts = s.parts.map((p) => `${NAME[p.part]} ${kib(p.bytes)}${BASIS[p.basis]}`).join(' + ');
    const missing = s.notCounted.length ? ` (+${s.notCounted.length} not counted)` : '';
    return `${what} ${kib(s.needBytes)} / ${kib(s.capacityBytes)} KiB${where}${s.fits === false ? ' ✗' : ''} = ${parts}${missing}`;
  };
  const region = w.arena.region && w.arena.regionBytes !== null ? `, arena in ${visible(w.arena.region)}${w.arena.fits === false ? ' ✗' : ''}` : '';
  const sides = [side('flash', w.flash, ''), side('RAM', w.ram, region)].filter((x): x is string => x !== null);
  return sides.length ? `whole firmware: ${sides.join(' · ')}` : null;
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
