/** Picks a model file: the workspace's .tflite, .onnx/.keras/.h5 and TF.js models in a quick pick, or any file through "Browse…". */
import * as vscode from 'vscode';

/** Resolves to the chosen model, or null when the user cancels. `exclude` is left out of the list. */
export async function pickModelFile(exclude: vscode.Uri | null): Promise<vscode.Uri | null> {
  const found = await vscode.workspace.findFiles('**/{*.tflite,*.onnx,*.keras,*.h5,*.hdf5,model.json,*.model.json}', '**/node_modules/**', 500);
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = found
    .filter((u) => u.toString() !== exclude?.toString())
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((uri) => ({ label: uri.path.split('/').pop() ?? uri.path, description: vscode.workspace.asRelativePath(uri), uri }));
  items.push({ label: '$(folder-opened) Browse…', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Compare with…', placeHolder: 'A model to compare with (e.g. its quantized twin)', matchOnDescription: true });
  if (!picked) return null;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Models: ['tflite', 'onnx', 'keras', 'h5', 'hdf5', 'json'] }, title: 'Compare with…' });
  return chosen?.[0] ?? null;
}
