/**
 * File-path completion for `model:` and `firmware: {elf, map}`: the folder the typed path points into (relative to
 * the manifest), its sub-folders and the files of the right kind. Only names are listed (no file is opened); hidden
 * folders and node_modules are left out, and a folder's listing is capped so a huge folder cannot stall the server.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Command, CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';

/** Most entries read from one folder. */
export const MAX_ENTRIES = 2000;

/** Which files each path field offers. */
export const PATH_FILES: Readonly<Record<string, RegExp>> = {
  // Source models (ONNX, Keras) are converted in memory by the analysis workers (models.ts).
  model: /\.(tflite|onnx|keras|h5|hdf5)$|(^|\.)model\.json$/i,
  'firmware.elf': /\.(elf|axf|out)$/i,
  'firmware.map': /\.map$/i,
};

/** A folder entry: name and whether it is a folder. */
export interface Entry {
  readonly name: string;
  readonly folder: boolean;
}

/** Lists a folder's names (at most MAX_ENTRIES); [] when it cannot be read. */
export function listFolder(dir: string): Entry[] {
  try {
    const out: Entry[] = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= MAX_ENTRIES) break;
      out.push({ name: e.name, folder: e.isDirectory() });
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Items for the path typed so far (`typed`, an optional opening quote kept out of the replaced range): sub-folders
 * first (choosing one asks for completion again), then the matching files, each replacing the typed last segment.
 */
export function pathItems(field: string, typed: string, base: string | null, position: Position, list: (dir: string) => Entry[] = listFolder): CompletionItem[] {
  const pattern = PATH_FILES[field];
  if (!pattern) return [];
  const raw = typed.replace(/^["']/, '');
  const slash = Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\'));
  const folderPart = raw.slice(0, slash + 1);
  const segment = raw.slice(slash + 1);
  const dir = isAbsolute(folderPart) ? folderPart : base === null ? null : join(base, folderPart);
  if (dir === null) return [];
  const range = { start: { line: position.line, character: position.character - segment.length }, end: position };
  const items: CompletionItem[] = [];
  for (const e of list(dir)) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (e.folder) {
      items.push({ label: `${e.name}/`, kind: CompletionItemKind.Folder, sortText: `0${e.name}`, filterText: e.name, textEdit: { range, newText: `${e.name}/` }, command: Command.create('', 'editor.action.triggerSuggest') });
    } else if (pattern.test(e.name)) {
      items.push({ label: e.name, kind: CompletionItemKind.File, sortText: `1${e.name}`, textEdit: { range, newText: e.name } });
    }
  }
  return items;
}
