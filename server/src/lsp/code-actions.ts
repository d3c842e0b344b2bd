/** Quick fixes: raise a RAM or flash budget to what the deployment needs (from the diagnostic's `data`). */
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { ceilInUnit } from '../manifest/units.js';
import { Code, type OverBudgetData } from './codes.js';
import * as msg from './messages.js';
import type { ManifestCheck } from './workspace.js';

export function codeActions(check: ManifestCheck, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code !== Code.ramOverBudget && d.code !== Code.flashOverBudget) continue;
    const data = d.data as Partial<OverBudgetData> | undefined;
    if (!data || typeof data.need !== 'number' || typeof data.unit !== 'string' || (data.kind !== 'ram' && data.kind !== 'flash')) continue;
    // Whole bytes for B; one decimal otherwise, rounded up so the new budget really covers the need.
    const text = ceilInUnit(data.need, 'bytes', data.unit, data.unit === 'B' ? 0 : 1);
    actions.push({
      title: msg.raiseBudgetTitle(data.kind === 'ram' ? 'RAM' : 'flash', text),
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [check.uri]: [{ range: d.range, newText: text }] } },
    });
  }
  return actions;
}
