/** TinyML: Open Model Listing — the model's layer table as a read-only document, rendered by the server. */
import * as vscode from 'vscode';
import type { ExtensionState } from '../context.js';
import { listingUriOf, modelUri } from '../manifests.js';

/** Opens the listing of the model in `arg` (explorer Uri, lens path) or the active editor; returns its URI. */
export async function openListing(_state: ExtensionState, arg: unknown): Promise<vscode.Uri | undefined> {
  const model = modelUri(arg);
  if (!model) {
    void vscode.window.showInformationMessage('Select a .tflite or model.json file (or open a manifest) to list its layers.');
    return undefined;
  }
  const config = vscode.workspace.getConfiguration('tinymlLens');
  const uri = listingUriOf(model, config.get<string>('defaultRuntime'), config.get<string>('defaultTarget'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'tinyml-listing');
  await vscode.window.showTextDocument(doc, { preview: false });
  return uri;
}
