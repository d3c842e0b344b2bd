/**
 * Which of the workspace's .tflite models compute in float (float or hybrid), as the server judges them
 * (`tinymlLens/quantizable`): a context key for the explorer, so Quantize to int8 is offered only on those, and the
 * verdict the command checks before it asks for calibration data.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MAX_QUANTIZABLE_URIS, QuantizableRequest, type QuantizableResult } from '../../server/src/lsp/protocol.js';
import { MODEL_EXCLUDE } from './pick-model.js';

/** The context key listing the float .tflite models' paths (package.json's explorer menu reads it). */
export const FLOAT_MODELS_CONTEXT = 'tinymlLens.floatModels';

export type QuantizableVerdict = QuantizableResult['models'][number];

/** The server's verdict on each model, in order. */
export async function quantizableVerdicts(client: LanguageClient, models: readonly vscode.Uri[]): Promise<QuantizableVerdict[]> {
  const r = await client.sendRequest(QuantizableRequest.type, { uris: models.map((u) => u.toString()) });
  return [...r.models];
}

/** The workspace's float .tflite models (at most MAX_QUANTIZABLE_URIS are looked at); sets FLOAT_MODELS_CONTEXT. */
export async function floatModels(client: LanguageClient): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('**/*.tflite', MODEL_EXCLUDE, MAX_QUANTIZABLE_URIS);
  const verdicts = found.length > 0 ? await quantizableVerdicts(client, found) : [];
  const float = found.filter((_, i) => verdicts[i]?.float === true).sort((a, b) => a.path.localeCompare(b.path));
  await vscode.commands.executeCommand('setContext', FLOAT_MODELS_CONTEXT, float.map((u) => u.fsPath));
  return float;
}

/**
 * Keeps FLOAT_MODELS_CONTEXT current as .tflite files come, change and go. Events arriving while an update runs
 * (a quantization writing its model, a checkout) are folded into one more update after it.
 */
export function watchFloatModels(client: LanguageClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let running: Promise<void> | null = null;
  let again = false;
  const update = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = floatModels(client).then(() => undefined, (e: unknown) => log.warn(`float models: ${String(e)}`)).finally(() => {
      running = null;
      if (again) {
        again = false;
        update();
      }
    });
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.tflite');
  update();
  return [watcher, watcher.onDidCreate(update), watcher.onDidChange(update), watcher.onDidDelete(update)];
}
