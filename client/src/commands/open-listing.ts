/** TinyML: Open Model Listing — the model's layer table as a read-only document, rendered by the server. */
import * as vscode from 'vscode';
import type { ExtensionState } from '../context.js';
import { isManifestDocument, listingUriOf } from '../manifests.js';
import { modelOrPick } from '../pick-model.js';

/** Opens the listing of the model in `arg` (explorer Uri, lens path) or the active editor; returns its URI. */
export async function openListing(_state: ExtensionState, arg: unknown): Promise<vscode.Uri | undefined> {
  const model = await modelOrPick(arg, 'list the layers of');
  if (!model) return undefined;
  const config = vscode.workspace.getConfiguration('tinymlLens', model);
  // From a manifest, list the model as that manifest deploys it; otherwise with the settings' defaults.
  const active = vscode.window.activeTextEditor?.document;
  const fromManifest = active && isManifestDocument(active) ? manifestScalars(active.getText()) : {};
  const uri = listingUriOf(model, fromManifest.runtime ?? config.get<string>('defaultRuntime'), fromManifest.target ?? config.get<string>('defaultTarget'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'tinyml-listing');
  await vscode.window.showTextDocument(doc, { preview: false });
  return uri;
}

/** `target:` and `runtime:` of a manifest when they are plain top-level ids (an inline board has no id to pass). */
function manifestScalars(text: string): { target?: string; runtime?: string } {
  const read = (key: string): string | undefined => new RegExp(`^${key}:[ \\t]*([A-Za-z0-9._-]+)[ \\t]*(#.*)?$`, 'm').exec(text)?.[1];
  return { target: read('target'), runtime: read('runtime') };
}
