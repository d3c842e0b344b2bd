/** What the extension-host suites share: the fixture workspace, opening files, diagnostic codes. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the fixture workspace is open');
  return f.uri;
}

export const file = (name: string): vscode.Uri => vscode.Uri.joinPath(folder(), name);

export async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(file(name));
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}
