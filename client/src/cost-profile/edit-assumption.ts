/**
 * "Edit" next to an assumption in the cost profile: select its value in the manifest's `cloud:` section, or add the
 * key there with the value in use, so the user edits the manifest itself (the single source of the profile).
 */
import * as vscode from 'vscode';
import type { CostProfileResult } from '../../../server/src/lsp/protocol.js';
import { locateAssumption, manifestValue } from './assumption-text.js';

/** Opens the manifest and selects (or adds) `cloud.<key>`. The edit stays unsaved: the user decides. */
export async function revealAssumption(manifest: vscode.Uri, key: string, last: CostProfileResult | undefined): Promise<void> {
  const a = last?.kind === 'ok' ? last.profile.assumptions.find((x) => x.key === key) : undefined;
  if (!a) return;
  const editor = await vscode.window.showTextDocument(manifest, { viewColumn: vscode.ViewColumn.One });
  const doc = editor.document;
  const value = manifestValue(a.kind, a.value) || '0';
  const where = locateAssumption(doc.getText(), key, value);
  if ('insert' in where) await editor.edit((e) => e.insert(doc.positionAt(where.insertAt), where.insert));
  editor.selection = new vscode.Selection(doc.positionAt(where.select[0]), doc.positionAt(where.select[1]));
  editor.revealRange(editor.selection);
}
