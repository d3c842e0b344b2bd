/**
 * How the commands write files. On disk (`file:` URIs, every command's case) through the server's safe write module
 * (server/src/files/write.ts: exclusive creation, no symbolic link followed, only regular files replaced, the
 * destination checked again at the write), because vscode.workspace.fs has no O_NOFOLLOW. Other file systems get
 * the same checks through workspace.fs.stat, whose `type` carries the SymbolicLink bit.
 */
import * as vscode from 'vscode';
import { FileError } from '../../server/src/files/read.js';
import { destinationProblem, OutputFolder, writeFileSafely } from '../../server/src/files/write.js';

/** What stands where a file is to be written: nothing, a regular file (replaceable when asked), or a refusal. */
export type Destination = { readonly kind: 'free' } | { readonly kind: 'file' } | { readonly kind: 'refused'; readonly reason: string };

/** What is at `uri` for a write (a link, dangling or not, is a refusal: nothing is written through it). */
export async function destination(uri: vscode.Uri): Promise<Destination> {
  if (uri.scheme === 'file') {
    try {
      const problem = destinationProblem(uri.fsPath, false);
      if (problem === null) return { kind: 'free' };
      return problem.code === 'exists' ? { kind: 'file' } : { kind: 'refused', reason: problem.message };
    } catch (e) {
      if (e instanceof FileError) return { kind: 'refused', reason: e.message };
      throw e;
    }
  }
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    return { kind: 'free' };
  }
  if (stat.type & vscode.FileType.SymbolicLink) return { kind: 'refused', reason: `${uri.toString()}: is a symbolic link: not writing through it` };
  if (!(stat.type & vscode.FileType.File)) return { kind: 'refused', reason: `${uri.toString()}: is not a regular file` };
  return { kind: 'file' };
}

/** Writes `bytes` to `uri`: a new file, or (with `replace`) over a regular file only. Throws FileError when refused. */
export async function writeFile(uri: vscode.Uri, bytes: Uint8Array, replace: boolean): Promise<void> {
  if (uri.scheme === 'file') {
    writeFileSafely(uri.fsPath, bytes, { replace });
    return;
  }
  const now = await destination(uri);
  if (now.kind === 'refused') throw new FileError('symlink', uri.toString(), now.reason);
  if (now.kind === 'file' && !replace) throw new FileError('exists', uri.toString(), 'already exists');
  await vscode.workspace.fs.writeFile(uri, bytes);
}

/**
 * An output folder on disk: created if missing; a symbolic link is followed only when the user chose the folder
 * (`explicit`), never for the default folder beside the model. Throws FileError.
 */
export function outputFolder(dir: vscode.Uri, explicit: boolean): OutputFolder {
  if (dir.scheme !== 'file') throw new FileError('io', dir.toString(), 'generated code is written to a folder on disk');
  return OutputFolder.open(dir.fsPath, explicit);
}
