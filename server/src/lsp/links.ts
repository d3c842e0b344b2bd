/** The model path as a document link and a go-to-definition target. */
import type { DocumentLink, Location, Position } from 'vscode-languageserver';
import { fieldAtOffset } from './locate.js';
import { fileUri, type ManifestCheck } from './workspace.js';

export function documentLinks(check: ManifestCheck): DocumentLink[] {
  const model = check.parse.manifest.model;
  if (!model || !check.modelPath) return [];
  const doc = check.document;
  return [{ range: { start: doc.positionAt(model.span.start), end: doc.positionAt(model.span.end) }, target: fileUri(check.modelPath), tooltip: 'Open the model' }];
}

/** From `model:` (key or value) to the model file; null elsewhere or when the file is missing. */
export function definition(check: ManifestCheck, position: Position): Location | null {
  const hit = fieldAtOffset(check.parse.manifest, check.document.offsetAt(position));
  if (hit?.field.path !== 'model' || !check.modelPath || check.load?.kind === 'missing') return null;
  return { uri: fileUri(check.modelPath), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
