/** Which document or file a command is about: manifests and models, from an explorer argument or the active editor. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LISTING_SCHEME, listingUri, parseListingUri } from '../../server/src/lsp/protocol.js';
import { isModelName } from '../../server/src/lsp/convert-protocol.js';

/** True for `*.tinyml.yaml`, `tinyml.yaml`, `*.tinyml.json` (the server's rule). */
export function isManifestPath(p: string): boolean {
  return /(^|[\\/])tinyml\.yaml$|\.tinyml\.(yaml|json)$/i.test(p);
}

/** True for `.tflite` files and the models the server converts first: `.onnx`, `.keras`, `.h5`, TF.js `model.json`. */
export function isModelPath(p: string): boolean {
  return isModelName(p);
}

/** True for a manifest document (by name or language id). */
export function isManifestDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'tinyml-manifest' || isManifestPath(doc.uri.path);
}

/** The manifest a command applies to: the argument, else the active editor's document, else the last one seen. */
export function manifestUri(arg: unknown, lastManifest: vscode.Uri | undefined): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && isManifestPath(arg.path)) return arg;
  if (typeof arg === 'string' && isManifestPath(arg)) return arg.includes(':') && !path.isAbsolute(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isManifestDocument(doc)) return doc.uri;
  return lastManifest;
}

/**
 * The model a command applies to: an explorer/lens argument (Uri or path), the active editor's model or listing, or
 * the model named by the active manifest (read from its text: `model:` is a plain scalar at the top level).
 */
export function modelUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri && isModelPath(arg.path)) return arg.scheme === LISTING_SCHEME ? listingModel(arg) : arg;
  if (typeof arg === 'string' && isModelPath(arg)) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (!active) return undefined;
  if (active.scheme === LISTING_SCHEME) return listingModel(active);
  if (isModelPath(active.path)) return active;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isManifestDocument(doc)) return modelOfManifest(doc);
  return undefined;
}

/** A binary .tflite opens in a custom/binary editor, not a text editor: its tab still says which file it is. */
export function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input && typeof input === 'object' && 'uri' in input && input.uri instanceof vscode.Uri ? input.uri : undefined;
}

/** The model file a manifest document names, resolved against the manifest's folder. */
export function modelOfManifest(doc: vscode.TextDocument): vscode.Uri | undefined {
  const m = /^model:\s*["']?([^"'#\n]+?)["']?\s*(#.*)?$/m.exec(doc.getText()) ?? /"model"\s*:\s*"([^"]+)"/.exec(doc.getText());
  if (!m?.[1] || doc.uri.scheme !== 'file') return undefined;
  const p = m[1].trim();
  return vscode.Uri.file(path.isAbsolute(p) ? p : path.join(path.dirname(doc.uri.fsPath), p));
}

/** The listing URI of a model (the server's format: `tinyml-listing:<path>.listing?runtime=..&target=..`). */
export function listingUriOf(model: vscode.Uri, runtime?: string, target?: string): vscode.Uri {
  return vscode.Uri.parse(listingUri(model.fsPath, { runtime: runtime || null, target: target || null }));
}

/** The model file behind a listing URI. */
export function listingModel(listing: vscode.Uri): vscode.Uri {
  return vscode.Uri.file(parseListingUri(listing.toString())?.modelPath ?? listing.path.replace(/\.listing$/, ''));
}
