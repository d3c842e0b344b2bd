/**
 * The model a command is for when none was selected: the workspace's .tflite files, the models the server converts
 * first (.onnx, .keras, .h5) and TF.js models, in a quick pick, instead of a dead end. A `model.json` counts only when
 * it is a TF.js model (its JSON has `modelTopology` or `weightsManifest`), so a web project's other model.json files
 * are never offered.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FileError, readRegularFile } from '../../server/src/files/read.js';
import { isModelName } from '../../server/src/lsp/convert-protocol.js';
import { modelUri } from './manifests.js';
import { isTfjsModelText } from './model-kind.js';

/** The files a model pick looks at (the status bar's first-run offer too). */
export const MODEL_GLOB = '**/{*.tflite,*.onnx,*.keras,*.h5,*.hdf5,model.json}';
/** Folders never searched for models. */
export const MODEL_EXCLUDE = '**/{node_modules,.git,bower_components}/**';
/** Most files looked at for the pick. */
const MAX_MODELS = 500;
/** A model.json larger than this is not read for the check (a TF.js topology of that size is a TF.js model). */
const SNIFF_BYTES = 8 * 1024 * 1024;


/** Whether the file at `uri` is a model a command can use (.tflite, .onnx, .keras, .h5, or a TF.js model.json). */
export function isUsableModel(uri: vscode.Uri): boolean {
  if (!/(^|\/)model\.json$/i.test(uri.path)) return isModelName(uri.path);
  if (uri.scheme !== 'file') return true;
  try {
    return isTfjsModelText(new TextDecoder().decode(readRegularFile(uri.fsPath, { maxBytes: SNIFF_BYTES })));
  } catch (e) {
    return e instanceof FileError && e.code === 'too-large';
  }
}

/** The workspace's models (.tflite first, then .onnx/.keras/.h5, then TF.js), at most MAX_MODELS. */
export async function workspaceModels(filter: (uri: vscode.Uri) => boolean = () => true): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(MODEL_GLOB, MODEL_EXCLUDE, MAX_MODELS);
  const rank = (u: vscode.Uri): number => (/\.tflite$/i.test(u.path) ? 0 : /\.json$/i.test(u.path) ? 2 : 1);
  return found.filter((u) => filter(u) && isUsableModel(u)).sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/**
 * The model in `arg` or the active editor; else a quick pick of the workspace's models (the only one, when there is
 * one); undefined when there is none or the pick is dismissed, after saying so.
 */
export async function modelOrPick(arg: unknown, purpose: string, filter?: (uri: vscode.Uri) => boolean): Promise<vscode.Uri | undefined> {
  const direct = modelUri(arg);
  if (direct) return direct;
  const models = await workspaceModels(filter);
  if (models.length === 0) {
    void vscode.window.showInformationMessage(`No model in this workspace to ${purpose}: add a .tflite file (or an .onnx, .keras, .h5 or TF.js model.json) to it.`);
    return undefined;
  }
  if (models.length === 1) return models[0];
  const items = models.map((uri) => ({
    label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri,
    // A source model is analysed as the .tflite Convert to .tflite would write.
    ...(/\.tflite$/i.test(uri.path) ? {} : { detail: 'converted to .tflite by TinyML Lens in memory' }),
  }));
  const chosen = await vscode.window.showQuickPick(items, { title: `Which model to ${purpose}?`, matchOnDescription: true, placeHolder: 'Models in this workspace' });
  return chosen?.uri;
}

/** The context key listing the workspace's TF.js model.json paths (package.json's explorer menus read it). */
export const TFJS_CONTEXT = 'tinymlLens.tfjsModels';

/** Sets TFJS_CONTEXT to the model.json files that are TF.js models, so a web project's others get no menu entries. */
export async function updateTfjsContext(): Promise<void> {
  const found = await vscode.workspace.findFiles('**/model.json', MODEL_EXCLUDE, 200);
  const paths = found.filter(isUsableModel).map((u) => u.fsPath);
  await vscode.commands.executeCommand('setContext', TFJS_CONTEXT, paths);
}
