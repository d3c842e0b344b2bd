/** After each budget value, the share of it used: `ram: 180KiB  80% used`. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { Located } from '../manifest/types.js';
import type { Quantity } from '../manifest/units.js';
import { percent } from './footprint.js';
import type { ManifestCheck } from './workspace.js';

export function inlayHints(check: ManifestCheck, range: Range): InlayHint[] {
  const fit = check.fit;
  if (!fit) return [];
  const b = check.parse.manifest.budgets;
  const doc = check.document;
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const hints: InlayHint[] = [];
  const hint = (budget: Located<Quantity> | undefined, used: number | null | undefined): void => {
    if (!budget || used == null || budget.value.value <= 0) return;
    if (budget.span.end < from || budget.span.end > to) return;
    const share = used / budget.value.value;
    hints.push({ position: doc.positionAt(budget.span.end), label: `${percent(share)} used`, kind: InlayHintKind.Parameter, paddingLeft: true });
  };
  hint(b.ram, fit.ram.needBytes);
  hint(b.flash, fit.flash.needBytes);
  hint(b.latency, fit.cost?.seconds);
  hint(b.energy, fit.cost?.joules);
  return hints;
}
