/**
 * TinyML: Import Profile Log — a per-operator timing log from the board (the output of `compile --profile` code, or
 * TFLM's MicroProfiler output pasted from a serial monitor) against the estimate: the server compares and prepares
 * the board calibration; the client shows the comparison and the change to `tinyml-targets.json`, asks, and writes.
 * In an untrusted workspace the comparison is shown and nothing is written.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ImportProfileRequest, type ImportProfileParams, type ImportProfileResult } from '../../../server/src/lsp/protocol.js';
import type { ExtensionState } from '../context.js';
import { writeFile } from '../files.js';
import { isModelPath, modelUri } from '../manifests.js';

/** For tests and scripted use: what to import and whether to write, instead of asking. */
export interface ImportProfileOptions {
  /** The log file (path); default the argument, else the active editor's text, else asked. */
  readonly log?: string;
  /** The model (path); default the only .tflite in the workspace, else asked. */
  readonly model?: string;
  readonly target?: string;
  readonly runtime?: string;
  readonly write?: 'ask' | 'yes' | 'no';
}

export interface ImportProfileOutcome {
  readonly result: ImportProfileResult;
  readonly written: boolean;
}

/** Imports a log; resolves to the server's answer and whether the calibration was written (undefined: cancelled). */
export async function importProfile(state: ExtensionState, arg: unknown, options: unknown): Promise<ImportProfileOutcome | undefined> {
  const opts = (options ?? {}) as ImportProfileOptions;
  const log = await logSource(arg, opts);
  if (!log) return undefined;
  const model = opts.model ? vscode.Uri.file(opts.model) : await pickModel();
  if (!model) {
    void vscode.window.showInformationMessage('Import Profile Log needs the .tflite model the log was measured with.');
    return undefined;
  }
  const params: ImportProfileParams = {
    logText: log.text, logName: log.name, modelUri: model.toString(),
    ...(opts.target ? { target: opts.target } : {}), ...(opts.runtime ? { runtime: opts.runtime } : {}),
  };
  let result = await state.client.sendRequest(ImportProfileRequest.type, params);
  if (result.kind === 'error' && result.code === 'params' && /^no board/.test(result.message) && opts.target === undefined) {
    const target = await vscode.window.showInputBox({ prompt: 'The board the log was measured on (a catalog id, e.g. nrf52840)', ignoreFocusOut: true });
    if (!target) return undefined;
    result = await state.client.sendRequest(ImportProfileRequest.type, { ...params, target: target.trim() });
  }
  if (result.kind === 'error') {
    if (result.line !== undefined && log.uri) await reveal(log.uri, result.line, result.column ?? 1);
    void vscode.window.showErrorMessage(`Cannot import the profile log: ${result.message}`);
    return { result, written: false };
  }
  const shown = await vscode.workspace.openTextDocument({ content: `${result.text}\n\n${result.diff}\n`, language: 'plaintext' });
  await vscode.window.showTextDocument(shown, { preview: true });
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('TinyML Lens writes no files in an untrusted workspace: the calibration is shown, not written.');
    return { result, written: false };
  }
  const file = vscode.workspace.asRelativePath(result.catalogPath);
  const what = `${result.replaced ? 'Replace the' : 'Add a'} calibration of ${result.target} (${result.runtime}, ${result.runs} run${result.runs === 1 ? '' : 's'}, measured/estimated ${result.ratio.toFixed(2)}) in ${file}?`;
  const write = opts.write === 'yes' || (opts.write !== 'no' && (await vscode.window.showInformationMessage(what, { modal: true, detail: 'Later estimates for this board and runtime will use it.' }, 'Write')) === 'Write');
  if (!write) return { result, written: false };
  try {
    // Never through a symbolic link; only a regular file is replaced (files.ts).
    await writeFile(vscode.Uri.file(result.catalogPath), new TextEncoder().encode(result.catalogText), true);
  } catch (e) {
    void vscode.window.showErrorMessage(`TinyML Lens: the calibration was not written: ${(e as Error).message}`);
    return { result, written: false };
  }
  void vscode.window.showInformationMessage(`Wrote the calibration of ${result.target} to ${file}: estimates for it now say "calibrated on your board".`);
  return { result, written: true };
}

/** The log's text and name: the option, the explorer argument, the active editor's text, or a file asked for. */
async function logSource(arg: unknown, opts: ImportProfileOptions): Promise<{ text: string; name: string; uri?: vscode.Uri } | undefined> {
  const fromFile = async (uri: vscode.Uri): Promise<{ text: string; name: string; uri: vscode.Uri }> => {
    const doc = await vscode.workspace.openTextDocument(uri);
    return { text: doc.getText(), name: path.basename(uri.fsPath), uri };
  };
  if (opts.log) return fromFile(vscode.Uri.file(opts.log));
  if (arg instanceof vscode.Uri && !isModelPath(arg.path)) return fromFile(arg);
  const editor = vscode.window.activeTextEditor;
  const choices: (vscode.QuickPickItem & { id: 'editor' | 'file' })[] = [];
  if (editor && !isModelPath(editor.document.uri.path)) choices.push({ id: 'editor', label: 'Use the Active Editor', description: path.basename(editor.document.uri.path) });
  choices.push({ id: 'file', label: 'Choose a Log File…' });
  const pick = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { placeHolder: 'The profile log (compile --profile output, or TFLM MicroProfiler output)' });
  if (!pick) return undefined;
  if (pick.id === 'editor' && editor) {
    const uri = editor.document.uri;
    return { text: editor.document.getText(), name: path.basename(uri.path) || 'log', ...(uri.scheme === 'file' ? { uri } : {}) };
  }
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import', filters: { 'Logs': ['log', 'txt', 'csv'], 'All files': ['*'] } });
  return files?.[0] ? fromFile(files[0]) : undefined;
}

/** The model: the active editor's (a model, listing or manifest), the workspace's only .tflite, or one picked. */
async function pickModel(): Promise<vscode.Uri | undefined> {
  const active = modelUri(undefined);
  if (active && /\.tflite$/i.test(active.path)) return active;
  const found = await vscode.workspace.findFiles('**/*.tflite', '**/node_modules/**', 200);
  if (found.length === 1) return found[0];
  const pick = await vscode.window.showQuickPick(found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })), { placeHolder: 'The model the log was measured with' });
  return pick?.uri;
}

async function reveal(uri: vscode.Uri, line: number, column: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { preview: true });
  const at = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at));
}
