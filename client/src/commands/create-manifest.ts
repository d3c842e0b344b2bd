/**
 * TinyML: Create Deployment Manifest — `<model>.tinyml.yaml` beside the model, with the settings' target and runtime
 * and the cloud assumptions spelled out. Never overwrites without asking; in an untrusted workspace nothing is
 * written: the manifest opens as an unsaved document instead.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionState } from '../context.js';
import { modelUri } from '../manifests.js';

/** What to do when the manifest exists: ask (default), keep it, or overwrite (tests pass the last two). */
export interface CreateOptions {
  readonly ifExists?: 'ask' | 'keep' | 'overwrite';
}

/** The manifest text for a model file next to it. */
export function manifestText(modelFile: string, target: string | undefined, runtime: string | undefined): string {
  return [
    `# Deployment manifest for ${modelFile} (TinyML Lens checks it as you type; hover any key for its meaning).`,
    `model: ${modelFile}`,
    `target: ${target || 'nrf52840'}`,
    `runtime: ${runtime || 'tflm-cmsis-nn'}`,
    'budgets:',
    '  ram: 128KiB',
    '  flash: 512KiB',
    'reserve:',
    '  ram: 24KiB',
    '  flash: 120KiB',
    '# The cloud alternative for "TinyML: Show Cost Profile"; every assumption there can be set here.',
    'cloud:',
    '  link: ble',
    '  inferences_per_day: 1440',
    '',
  ].join('\n');
}

/** Creates the manifest for the model in `arg` or the active editor; resolves to its URI (or undefined). */
export async function createManifest(_state: ExtensionState, arg: unknown, options: unknown): Promise<vscode.Uri | undefined> {
  const opts = (options ?? {}) as CreateOptions;
  const model = modelUri(arg);
  if (!model || model.scheme !== 'file') {
    void vscode.window.showInformationMessage('Select a .tflite or model.json file to create a deployment manifest for it.');
    return undefined;
  }
  const config = vscode.workspace.getConfiguration('tinymlLens');
  const base = path.basename(model.fsPath).replace(/\.(tflite|json)$/i, '');
  const target = vscode.Uri.file(path.join(path.dirname(model.fsPath), `${base === 'model' ? path.basename(path.dirname(model.fsPath)) : base}.tinyml.yaml`));
  const text = manifestText(path.basename(model.fsPath), config.get<string>('defaultTarget') ?? undefined, config.get<string>('defaultRuntime'));

  if (!vscode.workspace.isTrusted) {
    const doc = await vscode.workspace.openTextDocument({ language: 'tinyml-manifest', content: text });
    await vscode.window.showTextDocument(doc);
    void vscode.window.showInformationMessage('TinyML Lens writes no files in an untrusted workspace: the manifest is open unsaved.');
    return doc.uri;
  }
  if (await exists(target)) {
    const choice = opts.ifExists === 'overwrite' ? 'Overwrite' : opts.ifExists === 'keep' ? 'Open Existing' : await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(target)} already exists.`, { modal: true }, 'Overwrite', 'Open Existing');
    if (choice === undefined) return undefined;
    if (choice === 'Open Existing') {
      await vscode.window.showTextDocument(target);
      return target;
    }
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target);
  return target;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
