/** File checks the commands share (through vscode.workspace.fs, so they work on any file system VS Code opens). */
import * as vscode from 'vscode';

/** True when something exists at `uri`. */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
