/**
 * TinyML: Create Deployment Manifest — `<model>.tinyml.yaml` beside the model, with the settings' target and runtime
 * and the cloud assumptions spelled out. Never overwrites without asking, never writes through a symbolic link; in an
 * untrusted workspace nothing is written: the manifest opens as an unsaved document instead.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TargetFitsRequest } from '../../../server/src/lsp/protocol.js';
import type { ExtensionState } from '../context.js';
import { FileError } from '../../../server/src/files/read.js';
import { destination, writeFile } from '../files.js';
import { modelOrPick } from '../pick-model.js';
import { chooseBoard, FALLBACK_BOARD, RESERVE } from './board-choice.js';

/** What to do when the manifest exists: ask (default), keep it, or overwrite (tests pass the last two). */
export interface CreateOptions {
  readonly ifExists?: 'ask' | 'keep' | 'overwrite';
}


/** The board and budgets a new manifest starts from. */
export interface ManifestStart {
  readonly target: string;
  readonly runtime: string;
  /** Budgets as written (`256KiB`); the board's own resources when known. */
  readonly ram: string;
  readonly flash: string;
}

/** The manifest text for a model file next to it. */
export function manifestText(modelFile: string, start: ManifestStart): string {
  return [
    `# Deployment manifest for ${modelFile} (TinyML Lens checks it as you type; hover any key for its meaning).`,
    `model: ${modelFile}`,
    `target: ${start.target}`,
    `runtime: ${start.runtime}`,
    "# The budgets start at the board's resources: lower them to what the model may take.",
    'budgets:',
    `  ram: ${start.ram}`,
    `  flash: ${start.flash}`,
    'reserve:',
    `  ram: ${RESERVE.ram / 1024}KiB`,
    `  flash: ${RESERVE.flash / 1024}KiB`,
    '# The cloud alternative for "TinyML: Show Cost Profile"; every assumption there can be set here.',
    'cloud:',
    '  link: ble',
    '  inferences_per_day: 1440',
    '',
  ].join('\n');
}

/**
 * The settings' target, else the smallest catalog board whose CPU runtime runs the model with room for the reserve
 * (the server's verdicts; a part with an NPU the runtime leaves unused comes last), else nrf52840; the budgets are
 * that board's RAM region and flash, as the manifest's comment says.
 */
async function startFor(state: ExtensionState, model: vscode.Uri): Promise<ManifestStart> {
  const config = vscode.workspace.getConfiguration('tinymlLens', model);
  const runtime = config.get<string>('defaultRuntime') || 'tflm-cmsis-nn';
  const configured = config.get<string>('defaultTarget') || undefined;
  const answer = await state.client.sendRequest(TargetFitsRequest.type, { modelUri: model.toString(), runtime }).then((a) => a, () => undefined);
  const board = chooseBoard(answer?.targets ?? [], configured);
  const kib = (bytes: number | null | undefined, fallback: string): string => (bytes ? `${Math.floor(bytes / 1024)}KiB` : fallback);
  return { target: configured ?? board?.id ?? FALLBACK_BOARD, runtime, ram: kib(board?.ramBytes, '128KiB'), flash: kib(board?.flashBytes, '512KiB') };
}

/** Creates the manifest for the model in `arg` or the active editor; resolves to its URI (or undefined). */
export async function createManifest(state: ExtensionState, arg: unknown, options: unknown): Promise<vscode.Uri | undefined> {
  const opts = (options ?? {}) as CreateOptions;
  const model = await modelOrPick(arg, 'create a deployment manifest for');
  if (!model) return undefined;
  if (model.scheme !== 'file') {
    void vscode.window.showInformationMessage('Select a .tflite or model.json file to create a deployment manifest for it.');
    return undefined;
  }
  const base = path.basename(model.fsPath).replace(/\.(tflite|json)$/i, '');
  const target = vscode.Uri.file(path.join(path.dirname(model.fsPath), `${base === 'model' ? path.basename(path.dirname(model.fsPath)) : base}.tinyml.yaml`));
  const text = manifestText(path.basename(model.fsPath), await startFor(state, model));

  if (!vscode.workspace.isTrusted) {
    const doc = await vscode.workspace.openTextDocument({ language: 'tinyml-manifest', content: text });
    await vscode.window.showTextDocument(doc);
    void vscode.window.showInformationMessage('TinyML Lens writes no files in an untrusted workspace: the manifest is open unsaved.');
    return doc.uri;
  }
  const there = await destination(target);
  if (there.kind === 'refused') {
    void vscode.window.showErrorMessage(`Cannot create the manifest: ${there.reason}`);
    return undefined;
  }
  if (there.kind === 'file') {
    const choice = opts.ifExists === 'overwrite' ? 'Overwrite' : opts.ifExists === 'keep' ? 'Open Existing' : await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(target)} already exists.`, { modal: true }, 'Overwrite', 'Open Existing');
    if (choice === undefined) return undefined;
    if (choice === 'Open Existing') {
      await vscode.window.showTextDocument(target);
      return target;
    }
  }
  try {
    await writeFile(target, new TextEncoder().encode(text), there.kind === 'file');
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    void vscode.window.showErrorMessage(`Cannot create the manifest: ${e.message}`);
    return undefined;
  }
  await vscode.window.showTextDocument(target);
  return target;
}
